"""One login for several patients: access grants (issue 10, part 1)."""
from tests.conftest import PATIENT_PW, login, table_items
from tests.portal_helpers import (
    ACCOUNTS,
    STRONG_PW,
    accept,
    create,
    desk,
    rep_body,
    request_form,
    self_body,
    sent_messages,
    signed_in,
    token_in,
)


def _parent_for_two_children(gateway):
    """Rita made representative for Ben (P101), then for Cara (P102)."""
    staff = desk(gateway)
    r = create(staff, rep_body(patient_id="P101", permissions=["forms"]))
    assert r.status == 201, r.text
    ben = r.json()["account"]
    (invitation,) = sent_messages()
    r = create(staff, rep_body(patient_id="P102", first_name="Rita", permissions=["forms"]))
    assert r.status == 201, r.text  # no 409: the same person, one login
    assert r.json()["access_added"] is True and "credentials" not in r.json()
    cara = r.json()["account"]
    return staff, ben, cara, invitation


def test_a_parent_made_representative_for_two_children_in_a_row(gateway, seeded):
    staff, ben, cara, invitation = _parent_for_two_children(gateway)
    assert ben["login"]["login_id"] == cara["login"]["login_id"]
    assert ben["account_id"] != cara["account_id"]
    messages = sent_messages()
    assert len(messages) == 2  # one invitation, then one "access added" email
    added = messages[1]
    assert "access for another patient" in added.subject and "Sunrise Family Clinic" in added.body
    assert "/invite?token=" not in added.body and "clinicID=SUNRISE" in added.body
    for name in ("Ben", "Cara", "P101", "P102"):  # never the patient in an email
        assert name not in added.body and name not in added.subject
        assert name not in invitation.body
    assert len(table_items("portal_accounts")) == 2  # Ann's login and Rita's
    # User Management: one row per login x patient.
    rows = staff.get(ACCOUNTS + "?q=rep@").json()["items"]
    assert sorted(r["patient"]["patient_id"] for r in rows) == ["P101", "P102"]
    assert {r["status"] for r in rows} == {"invited"}
    # One invitation sets the one password; both rows become active.
    assert accept(gateway.browser(), token_in(invitation)).status == 204
    rows = staff.get(ACCOUNTS + "?q=rep@").json()["items"]
    assert {r["status"] for r in rows} == {"active"}
    kinds = [e["kind"]["S"] for e in table_items("audit_events")]
    assert kinds.count("portal_account_created") == 1 and kinds.count("access_grant_created") == 1


def test_switching_patients(gateway, seeded):
    staff, ben, cara, invitation = _parent_for_two_children(gateway)
    accept(gateway.browser(), token_in(invitation))
    rita = signed_in(gateway, "rep@example.com", STRONG_PW, login_type="patient")
    me = rita.get("/api/me").json()["principal"]
    assert me["patient_id"] is None  # two grants: the person picks
    items = rita.get("/api/portal/patients").json()["items"]
    assert [(i["patient_id"], i["first_name"]) for i in items] == [("P101", "Ben"), ("P102", "Cara")]
    assert request_form(staff, ben["account_id"], "Ben's intake").status == 201
    assert request_form(staff, cara["account_id"], "Cara's intake").status == 201

    r = rita.post("/api/portal/patients/P101/select")
    assert r.status == 200 and r.json()["principal"]["patient_name"] == "Ben Lee"
    assert rita.get("/api/me").json()["principal"]["patient_id"] == "P101"  # remembered
    assert [i["form_name"] for i in rita.get("/api/portal/form-requests").json()["items"]] == ["Ben's intake"]
    r = rita.post("/api/portal/patients/P102/select")
    assert r.json()["principal"]["patient_name"] == "Cara Lee"
    assert [i["form_name"] for i in rita.get("/api/portal/form-requests").json()["items"]] == ["Cara's intake"]
    r = rita.get("/api/portal/patients/P101/form-requests")
    assert [i["form_name"] for i in r.json()["items"]] == ["Ben's intake"]


def test_one_grant_needs_no_picker(gateway, seeded):
    ann = signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient")
    me = ann.get("/api/me").json()["principal"]
    assert me["patient_id"] == "P100" and me["patient_name"] == "Ann Lee" and me["access_type"] == "self"


def test_a_grant_for_b_does_not_open_a(gateway, seeded):
    staff = desk(gateway)
    r = create(staff, rep_body(patient_id="P101", permissions=["forms"]))
    accept(gateway.browser(), token_in(sent_messages()[-1]))
    rita = signed_in(gateway, "rep@example.com", STRONG_PW, login_type="patient")
    assert rita.get("/api/portal/patients/P101/form-requests").status == 200
    for pid in ("P100", "P102", "L200", "NOPE", "bad%23id"):
        r = rita.get(f"/api/portal/patients/{pid}/form-requests")
        assert r.status == 403 and r.json()["error"] == "no_patient_access", pid
        assert rita.post(f"/api/portal/patients/{pid}/select").status == 403
    # Ann's form request is not Rita's to submit, even by its id.
    ann_row = staff.get(ACCOUNTS + "?patient_id=P100").json()["items"][0]
    staff.patch(f"{ACCOUNTS}/{ann_row['account_id']}", json={"permissions": ["forms"]})
    req = request_form(staff, ann_row["account_id"], "Intake").json()
    r = rita.post(f"/api/portal/patients/P101/form-requests/{req['form_request']['request_id']}/submit",
                  json={"answers": {"full_name": "Rita"}})
    assert r.status == 404 and r.json()["error"] == "form_request_not_found"
    # Staff are not portal logins.
    assert staff.get("/api/portal/patients/P100/form-requests").status == 403


def test_a_second_self_is_refused(gateway, seeded):
    staff = desk(gateway)
    before = len(table_items("access_grants"))
    r = create(staff, self_body(patient_id="P100", username="other@example.com"))
    assert r.status == 409 and r.json()["error"] == "self_account_exists"
    assert len(table_items("access_grants")) == before and len(table_items("portal_accounts")) == 1
    # Nor by changing a representative to self.
    r = create(staff, rep_body(patient_id="P100"))
    r = staff.patch(f"{ACCOUNTS}/{r.json()['account']['account_id']}", json={"access_type": "self"})
    assert r.status == 409 and r.json()["error"] == "self_account_exists"


def test_expiry_takes_effect(gateway, seeded, clock):
    staff = desk(gateway)
    r = create(staff, rep_body(patient_id="P101", permissions=["forms"], expires_on="2030-01-01"))
    assert r.status == 201 and r.json()["account"]["expires_on"] == "2030-01-01"
    account_id = r.json()["account"]["account_id"]
    accept(gateway.browser(), token_in(sent_messages()[-1]))
    rita = signed_in(gateway, "rep@example.com", STRONG_PW, login_type="patient")
    assert rita.get("/api/portal/patients/P101/form-requests").status == 200
    r = staff.patch(f"{ACCOUNTS}/{account_id}", json={"expires_on": "2020-01-01"})  # already passed
    assert r.status == 200 and r.json()["account"]["status"] == "expired"
    r = rita.get("/api/portal/patients/P101/form-requests")
    assert r.status == 403 and r.json()["error"] == "no_patient_access"
    events = [e for e in table_items("audit_events") if e["kind"]["S"] == "access_grant_updated"]
    assert events[-1]["details"]["M"]["changes"]["M"]["expires_on"]["M"]["after"]["S"] == "2020-01-01"
    r = staff.patch(f"{ACCOUNTS}/{account_id}", json={"expires_on": None})
    assert r.json()["account"]["status"] == "active"
    assert rita.get("/api/portal/patients/P101/form-requests").status == 200


def test_removing_one_grant_keeps_the_login(gateway, seeded):
    staff, ben, cara, invitation = _parent_for_two_children(gateway)
    accept(gateway.browser(), token_in(invitation))
    assert staff.delete(f"{ACCOUNTS}/{ben['account_id']}").status == 204
    r = login(gateway.browser(), "rep@example.com", STRONG_PW, login_type="patient")
    assert r.status == 200 and r.json()["principal"]["patient_id"] == "P102"  # now her only grant
    kinds = [e["kind"]["S"] for e in table_items("audit_events")]
    assert "access_grant_removed" in kinds and "portal_account_deleted" not in kinds
