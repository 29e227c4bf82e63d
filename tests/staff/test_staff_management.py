"""Staff management: admins only; credentials once or an invitation; roles and
access changes end sessions; nobody locks themself out."""
import pytest

from tests.conftest import ADMIN_PW, CLINICIAN_PW, DESK_PW, login, table_items
from tests.portal_helpers import STRONG_PW, accept, sent_messages, signed_in, token_in

STAFF = "/api/clinics/SUNRISE/staff"


def new_staff(**overrides) -> dict:
    body = {"username": "LopezM", "first_name": "Maria", "last_name": "Lopez", "email": "maria@sunrise.example",
            "roles": ["front_desk"]}
    body.update(overrides)
    return body


def test_admin_adds_staff_with_credentials_shown_once(admin, gateway):
    r = admin.post(STAFF, json=new_staff())
    assert r.status == 201, r.text
    staff, creds = r.json()["staff"], r.json()["credentials"]
    assert staff["roles"] == ["front_desk"]
    assert staff["permissions"] == ["appointments.manage", "billing.manage", "forms.review", "messages.manage",
                                    "patients.manage", "portal_accounts.manage", "refills.manage"]
    assert staff["status"] == "active" and staff["force_password_change"] is True
    assert "LoginType=Staff" in creds["message"] and creds["temporary_password"] in creds["message"]
    assert creds["temporary_password"] not in admin.get(f"{STAFF}/lopezm").text
    b = gateway.browser()
    r = login(b, "lopezm", creds["temporary_password"])
    assert r.status == 200 and r.json()["password_change_required"] is True
    kinds = [e["kind"]["S"] for e in table_items("audit_events")]
    assert "staff_created" in kinds


def test_staff_invitation_by_email(admin, gateway):
    r = admin.post(STAFF, json=new_staff(send_invitation=True))
    assert r.status == 201 and "credentials" not in r.json()
    assert r.json()["staff"]["status"] == "invited" and r.json()["staff"]["invitation_status"] == "sent"
    (message,) = sent_messages()
    assert message.destinations["ToAddresses"] == ["maria@sunrise.example"]
    assert "Staff Portal" in message.subject
    token = token_in(message)
    info = gateway.browser().post("/api/invitations/lookup", json={"token": token}).json()["invitation"]
    assert info["login_type"] == "staff" and info["username"] == "LopezM"
    assert accept(gateway.browser(), token).status == 204
    r = login(gateway.browser(), "LopezM", STRONG_PW)
    assert r.status == 200 and r.json()["password_change_required"] is False
    assert accept(gateway.browser(), token).json()["error"] == "token_invalid"
    r = admin.post(STAFF, json=new_staff(username="NoMail", email=None, send_invitation=True))
    assert r.status == 400


@pytest.mark.parametrize("body,status,code", [
    (new_staff(username="DOEJ"), 409, "username_taken"),
    (new_staff(roles=["superuser"]), 400, "invalid_request"),
    (new_staff(roles=[]), 400, "invalid_request"),
    (new_staff(username="bad name!"), 400, "invalid_request"),
    (new_staff(email="nope"), 400, "invalid_email"),
    (new_staff(portal_access="yes"), 400, "invalid_request"),
    (new_staff(password="chosen-by-admin"), 400, "invalid_request"),
])
def test_bad_staff_input_changes_nothing(admin, body, status, code):
    before = (len(table_items("staff")), len(table_items("audit_events")))
    r = admin.post(STAFF, json=body)
    assert (r.status, r.json()["error"]) == (status, code), r.text
    assert (len(table_items("staff")), len(table_items("audit_events"))) == before


def test_only_admins_manage_staff(gateway, seeded):
    for user, pw in (("SmithF", DESK_PW), ("PatelR", CLINICIAN_PW)):
        b = signed_in(gateway, user, pw)
        assert b.get(STAFF).status == 403
        assert b.post(STAFF, json=new_staff()).status == 403
        assert b.patch(f"{STAFF}/PatelR", json={"roles": ["admin"]}).status == 403
    assert len(table_items("staff")) == 5


def test_list_is_paginated_one_query_a_page(admin, aws_calls):
    from chalicelib.models import StaffModel
    from chalicelib.staff.records import new_staff_item

    with StaffModel.batch_write() as batch:
        for i in range(60):
            batch.save(new_staff_item("sunrise", username=f"Temp{i:02d}", first_name="T", last_name=str(i),
                                      email=None, roles=["clinician"], portal_access=True, password_hash="x",
                                      force_password_change=False))
    names, cursor = [], None
    while True:
        aws_calls.reset()
        page = admin.get(STAFF + (f"?cursor={cursor}" if cursor else "")).json()
        assert aws_calls.count("dynamodb", "Query") == 1 and aws_calls.count("dynamodb", "Scan") == 0
        names += [s["username"] for s in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(names) == 64 and len(set(names)) == 64
    assert "KimS" not in names  # another clinic's staff


def test_role_and_access_changes_end_that_persons_sessions(admin, gateway):
    desk = signed_in(gateway, "SmithF", DESK_PW)
    r = admin.patch(f"{STAFF}/smithf", json={"first_name": "Franklin"})
    assert r.status == 200 and r.json()["staff"]["first_name"] == "Franklin"
    assert desk.get("/api/me").status == 200  # a name change keeps sessions

    r = admin.patch(f"{STAFF}/smithf", json={"roles": ["front_desk", "clinician"]})
    assert r.status == 200 and r.json()["staff"]["roles"] == ["clinician", "front_desk"]
    assert desk.get("/api/me").status == 401
    desk = signed_in(gateway, "SmithF", DESK_PW)

    r = admin.patch(f"{STAFF}/SmithF", json={"portal_access": False})
    assert r.status == 200 and r.json()["staff"]["portal_access"] is False
    assert desk.get("/api/me").status == 401
    assert login(gateway.browser(), "SmithF", DESK_PW).json()["error"] == "portal_access_disabled"

    events = [e for e in table_items("audit_events") if e["kind"]["S"] == "staff_updated"]
    roles_change = [e["details"]["M"]["changes"]["M"]["roles"]["M"] for e in events
                    if "roles" in e["details"]["M"]["changes"]["M"]][0]
    assert [v["S"] for v in roles_change["before"]["L"]] == ["front_desk"]
    assert [v["S"] for v in roles_change["after"]["L"]] == ["clinician", "front_desk"]


def test_disable_enable_and_reset(admin, gateway):
    desk = signed_in(gateway, "SmithF", DESK_PW)
    r = admin.post(f"{STAFF}/smithf/disable")
    assert r.status == 200 and r.json()["staff"]["status"] == "disabled"
    assert desk.get("/api/me").status == 401
    assert login(gateway.browser(), "SmithF", DESK_PW).status == 401
    assert admin.post(f"{STAFF}/smithf/enable").json()["staff"]["status"] == "active"
    desk = signed_in(gateway, "SmithF", DESK_PW)

    r = admin.post(f"{STAFF}/smithf/reset-password")
    assert r.status == 200
    temp = r.json()["credentials"]["temporary_password"]
    assert desk.get("/api/me").status == 401
    assert login(gateway.browser(), "SmithF", DESK_PW).status == 401
    r = login(gateway.browser(), "SmithF", temp)
    assert r.status == 200 and r.json()["password_change_required"] is True


def test_no_self_lockout(admin, gateway):
    for method, path, body in (
            ("patch", f"{STAFF}/doej", {"roles": ["front_desk"]}),
            ("patch", f"{STAFF}/doej", {"portal_access": False}),
            ("post", f"{STAFF}/doej/disable", None),
            ("post", f"{STAFF}/doej/reset-password", None)):
        r = getattr(admin, method)(path, json=body) if body else getattr(admin, method)(path)
        assert r.status == 409 and r.json()["error"] == "self_lockout", (path, r.text)
    me = admin.get("/api/me").json()["principal"]
    assert me["roles"] == ["admin"]

    # Adding a role to oneself is fine: this session carries the new roles, others end.
    other = signed_in(gateway, "DoeJ", ADMIN_PW)
    r = admin.patch(f"{STAFF}/doej", json={"roles": ["admin", "clinician"]})
    assert r.status == 200, r.text
    assert admin.get("/api/me").json()["principal"]["roles"] == ["admin", "clinician"]
    assert other.get("/api/me").status == 401


def test_a_demoted_admin_can_no_longer_act_even_with_a_live_session(admin, gateway):
    from chalicelib.models import StaffModel

    # Demote DoeJ behind the API's back (as another admin's change would), leaving the session.
    item = StaffModel.get("sunrise", "doej")
    item.update(actions=[StaffModel.roles.set(["clinician"])])
    r = admin.post(STAFF, json=new_staff())
    assert r.status == 403
    r = admin.patch(f"{STAFF}/smithf", json={"roles": ["admin"]})
    assert r.status == 403
    assert StaffModel.get("sunrise", "smithf").roles == ["front_desk"]


def test_unknown_staff_and_other_clinics_staff_are_not_found(admin):
    assert admin.get(f"{STAFF}/nobody").status == 404
    assert admin.get(f"{STAFF}/KimS").status == 404  # Lakeside's admin
    assert admin.post(f"{STAFF}/KimS/disable").status == 404
    assert admin.get(f"{STAFF}/bad%20name").status == 404
