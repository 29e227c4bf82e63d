"""Portal accounts: the representative and Self flows, changes, delete, reset,
disable/enable, usernames, bad input, secrets at rest."""
import json
import threading

import pytest

from tests.conftest import PATIENT_PW, login, table_items
from tests.portal_helpers import (
    ACCOUNTS,
    STRONG_PW,
    accept,
    ann_account_id,
    create,
    desk,
    invite_rep,
    rep_body,
    self_body,
    sent_messages,
    signed_in,
    token_in,
)

ALL_SECTIONS = ["appointments", "visit_summaries", "test_results", "messages", "refills", "billing", "forms"]
WRITTEN_TABLES = ("portal_accounts", "portal_usernames", "tokens", "audit_events", "sessions", "form_requests")


def counts() -> dict:
    return {t: len(table_items(t)) for t in WRITTEN_TABLES}


# ---------------------------------------------------------------- representative

def test_representative_full_flow(gateway, seeded):
    staff = desk(gateway)
    r = create(staff, rep_body())
    assert r.status == 201, r.text
    body = r.json()
    assert "credentials" not in body  # no password is handed out for a representative
    account = body["account"]
    assert account["status"] == "invited" and account["invitation_status"] == "sent"
    assert account["access_type"] == "authorized_rep"
    assert account["permissions"] == ["appointments", "forms"]
    assert account["patient"] == {"patient_id": "P100", "first_name": "Ann", "last_name": "Lee"}

    (message,) = sent_messages()  # exactly one email
    assert message.destinations["ToAddresses"] == ["rep@example.com"]
    assert message.source == "no-reply@clinic-portal.example"
    assert "Sunrise Family Clinic" in message.subject and "Sunrise Family Clinic" in message.body
    assert "http://127.0.0.1:8000/invite?token=" in message.body
    token = token_in(message)

    # Not yet accepted: cannot sign in.
    assert login(gateway.browser(), "rep@example.com", STRONG_PW, login_type="patient").status == 401

    r = accept(gateway.browser(), token)
    assert r.status == 204, r.text

    rep = gateway.browser()
    r = login(rep, "REP@example.com", STRONG_PW, login_type="patient")
    assert r.status == 200, r.text
    principal = r.json()["principal"]
    assert principal["access_type"] == "authorized_rep" and principal["patient_id"] == "P100"
    assert principal["permissions"] == ["appointments", "forms"]
    assert r.json()["password_change_required"] is False

    again = accept(gateway.browser(), token, password="another long unrelated passphrase")
    assert again.status == 400
    assert again.json()["error"] == "token_invalid"
    assert "ask your clinic" in again.json()["message"].lower()

    got = staff.get(f"{ACCOUNTS}/{account['account_id']}").json()["account"]
    assert got["status"] == "active" and got["invitation_status"] == "accepted"
    assert got["last_login_at"] is not None
    assert len(sent_messages()) == 1


def test_representative_must_be_invited_by_email(gateway, seeded):
    staff = desk(gateway)
    before = counts()
    r = create(staff, rep_body(send_invitation=False))
    assert r.status == 400
    assert counts() == before and sent_messages() == []


def test_representative_gets_only_the_sections_staff_chose(gateway, seeded):
    r = create(desk(gateway), rep_body(permissions=[]))
    assert r.status == 201
    assert r.json()["account"]["permissions"] == []
    body = rep_body(username="rep2@example.com")
    del body["permissions"]
    r = create(desk(gateway), body)
    assert r.status == 201 and r.json()["account"]["permissions"] == []


# ---------------------------------------------------------------- self

def test_self_flow_credentials_once_and_forced_change(gateway, seeded):
    staff = desk(gateway)
    r = create(staff, self_body())
    assert r.status == 201, r.text
    body = r.json()
    account, creds = body["account"], body["credentials"]
    assert account["status"] == "active" and account["force_password_change"] is True
    assert account["permissions"] == ALL_SECTIONS  # Self defaults to every section
    assert creds["username"] == "ann.lee@example.org"
    temp = creds["temporary_password"]
    assert len(temp) >= 12
    for part in ("Sunrise Family Clinic", "SUNRISE", "ann.lee@example.org", temp, "LoginType=Patient"):
        assert part in creds["message"]
    assert sent_messages() == []  # credentials are handed over by staff, not emailed

    # Never shown again.
    shown = staff.get(f"{ACCOUNTS}/{account['account_id']}").text + staff.get(ACCOUNTS).text
    assert temp not in shown and "temporary_password" not in shown

    patient = gateway.browser()
    r = login(patient, "ann.lee@example.org", temp, login_type="patient")
    assert r.status == 200 and r.json()["password_change_required"] is True
    assert patient.get("/api/portal/form-requests").json()["error"] == "password_change_required"
    r = patient.post("/api/me/password", json={"current_password": temp, "new_password": STRONG_PW})
    assert r.status == 204, r.text
    assert patient.get("/api/portal/form-requests").status == 200
    again = gateway.browser()
    r = login(again, "ann.lee@example.org", STRONG_PW, login_type="patient")
    assert r.status == 200 and r.json()["password_change_required"] is False


def test_self_without_forced_change(gateway, seeded):
    r = create(desk(gateway), self_body(force_password_change=False, permissions=["billing"]))
    assert r.status == 201
    temp = r.json()["credentials"]["temporary_password"]
    assert "choose your own password" not in r.json()["credentials"]["message"]
    r = login(gateway.browser(), "ann.lee@example.org", temp, login_type="patient")
    assert r.status == 200
    assert r.json()["password_change_required"] is False
    assert r.json()["principal"]["permissions"] == ["billing"]


def test_self_may_be_invited_by_email_instead(gateway, seeded):
    r = create(desk(gateway), self_body(send_invitation=True))
    assert r.status == 201
    assert "credentials" not in r.json() and r.json()["account"]["status"] == "invited"
    (message,) = sent_messages()
    assert accept(gateway.browser(), token_in(message)).status == 204
    assert login(gateway.browser(), "ann.lee@example.org", STRONG_PW, login_type="patient").status == 200


# ---------------------------------------------------------------- usernames

def test_usernames_are_unique_per_clinic_in_any_case(gateway, seeded):
    staff = desk(gateway)
    before = counts()
    # Ann's login already opens P100: the same username (any case) for the same patient.
    r = create(staff, rep_body(username="ANN@Example.com"))
    assert r.status == 409 and r.json()["error"] == "grant_exists"
    assert counts() == before and sent_messages() == []
    # Another clinic may use the same username.
    from tests.portal_helpers import lakeside_admin

    r = create(lakeside_admin(gateway), rep_body(patient_id="L200", username="ann@example.com"), clinic="Lakeside")
    assert r.status == 201, r.text


def test_concurrent_creates_of_one_username_give_one_account(gateway, seeded, monkeypatch):
    # DynamoDB runs each TransactWriteItems atomically; moto's in-process backend
    # does not lock, so serialize its transactions as the real service would.
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.Lock()
    original = DynamoDBBackend.transact_write_items

    def atomic(self, *args, **kwargs):
        with lock:
            return original(self, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", atomic)
    staff = desk(gateway)
    statuses, barrier = [], threading.Barrier(6)

    def attempt(i):
        barrier.wait()
        body = self_body(username=("Same@Example.com" if i % 2 else "same@example.com"),
                         first_name=f"N{i}")
        statuses.append(create(staff, body).status)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201, 409, 409, 409, 409, 409]
    accounts = [a for a in table_items("portal_accounts") if a["username_key"]["S"] == "same@example.com"]
    claims = [c for c in table_items("portal_usernames") if c["login_key"]["S"] == "sunrise#same@example.com"]
    assert len(accounts) == 1 and len(claims) == 1
    assert claims[0]["account_id"] == accounts[0]["account_id"]


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("body,status,code", [
    (rep_body(access_type="parent"), 400, "invalid_request"),
    (rep_body(patient_id="P999"), 404, "patient_not_found"),
    (rep_body(patient_id="L200"), 404, "patient_not_found"),  # another clinic's patient
    (rep_body(patient_id="../P100"), 400, "invalid_request"),
    (rep_body(permissions=["appointments", "pharmacy"]), 400, "invalid_permission"),
    (rep_body(permissions="appointments"), 400, "invalid_request"),
    (rep_body(username="not-an-email"), 400, "invalid_email"),
    (rep_body(username="a@b"), 400, "invalid_email"),
    (rep_body(username=["rep@example.com"]), 400, "invalid_request"),
    (rep_body(first_name=""), 400, "invalid_request"),
    (rep_body(first_name="x" * 101), 400, "invalid_request"),
    (rep_body(force_password_change="yes"), 400, "invalid_request"),
    (rep_body(is_admin=True), 400, "invalid_request"),
    ({k: v for k, v in rep_body().items() if k != "last_name"}, 400, "invalid_request"),
])
def test_bad_create_input_changes_nothing(gateway, seeded, body, status, code):
    staff = desk(gateway)
    before = counts()
    r = create(staff, body)
    assert (r.status, r.json()["error"]) == (status, code), r.text
    assert counts() == before and sent_messages() == []


@pytest.mark.parametrize("raw,headers,code", [
    (b"{not json", {"content-type": "application/json"}, "invalid_json"),
    (b"[1, 2]", {"content-type": "application/json"}, "invalid_json"),
    (json.dumps(rep_body(first_name="x" * 20000)).encode(), {"content-type": "application/json"},
     "body_too_large"),
    (b"patient_id=P100", {"content-type": "application/x-www-form-urlencoded"}, "unsupported_media_type"),
])
def test_malformed_and_huge_bodies_are_refused(gateway, seeded, raw, headers, code):
    staff = desk(gateway)
    before = counts()
    r = staff.post(ACCOUNTS, body=raw, headers=headers)
    assert 400 <= r.status < 500 and r.json()["error"] == code
    assert counts() == before


# ---------------------------------------------------------------- change

def test_patch_changes_names_and_permissions_with_an_audit_trail(gateway, seeded):
    staff = desk(gateway)
    account_id = ann_account_id(staff)
    live = signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient")

    r = staff.patch(f"{ACCOUNTS}/{account_id}", json={"first_name": "Annie"})
    assert r.status == 200 and r.json()["account"]["first_name"] == "Annie"
    assert live.get("/api/me").status == 200  # a name change keeps sessions

    assert live.get("/api/portal/patients/P100/form-requests").json()["error"] == "section_not_permitted"
    r = staff.patch(f"{ACCOUNTS}/{account_id}", json={"permissions": ["billing", "forms", "appointments"],
                                                     "access_type": "self"})
    assert r.status == 200 and r.json()["account"]["permissions"] == ["appointments", "billing", "forms"]
    login_id = r.json()["account"]["login"]["login_id"]
    # Sessions carry no grant: they go on, and the next request sees the new sections.
    assert live.get("/api/me").status == 200
    assert live.get("/api/portal/patients/P100/form-requests").status == 200

    names = [e for e in table_items("audit_events") if e["kind"]["S"] == "portal_account_updated"]
    grants = [e for e in table_items("audit_events") if e["kind"]["S"] == "access_grant_updated"]
    assert len(names) == 1 and len(grants) == 1
    perms = grants[0]["details"]["M"]["changes"]["M"]["permissions"]["M"]
    assert [v["S"] for v in perms["before"]["L"]] == ["appointments", "messages"]
    assert [v["S"] for v in perms["after"]["L"]] == ["appointments", "billing", "forms"]
    assert grants[0]["details"]["M"]["patient_id"]["S"] == "P100"
    assert all(e["actor"]["M"]["username"]["S"] == "SmithF" for e in names + grants)
    assert all(e["subject"]["M"]["id"]["S"] == login_id for e in names + grants)


@pytest.mark.parametrize("body,code", [
    ({"username": "x@example.com"}, "invalid_request"),
    ({"permissions": ["root"]}, "invalid_permission"),
    ({"access_type": "guardian"}, "invalid_request"),
    ({"force_password_change": 1}, "invalid_request"),
    ({"last_name": "  "}, "invalid_request"),
    ({}, "invalid_request"),
])
def test_bad_patch_changes_nothing(gateway, seeded, body, code):
    staff = desk(gateway)
    account_id = ann_account_id(staff)
    before = counts()
    r = staff.patch(f"{ACCOUNTS}/{account_id}", json=body)
    assert r.status == 400 and r.json()["error"] == code
    assert counts() == before


def test_delete_ends_logins_and_sessions_keeps_the_audit(gateway, seeded):
    staff = desk(gateway)
    account_id = ann_account_id(staff)
    login_id = staff.get(f"{ACCOUNTS}/{account_id}").json()["account"]["login"]["login_id"]
    live = signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient")
    r = staff.delete(f"{ACCOUNTS}/{account_id}")  # her only grant: the login goes too
    assert r.status == 204
    assert staff.get(f"{ACCOUNTS}/{account_id}").status == 404
    assert staff.delete(f"{ACCOUNTS}/{account_id}").status == 404
    assert live.get("/api/me").status == 401
    wrong = login(gateway.browser(), "ann@example.com", "a wrong password", login_type="patient")
    gone = login(gateway.browser(), "ann@example.com", PATIENT_PW, login_type="patient")
    assert gone.status == 401 and gone.json() == wrong.json()
    kinds = [e["kind"]["S"] for e in table_items("audit_events")
             if (e.get("subject") or {}).get("M", {}).get("id", {}).get("S") == login_id]
    assert {"access_grant_removed", "portal_account_deleted", "login"} <= set(kinds)  # the history stays
    assert not [c for c in table_items("portal_usernames") if c["account_id"]["S"] == login_id]
    assert not table_items("access_grants") and not table_items("self_grant_claims")
    # The username is free again.
    assert create(staff, self_body(username="ann@example.com")).status == 201


def test_reset_password_ends_the_old_one_and_every_session(gateway, seeded):
    staff = desk(gateway)
    account_id = ann_account_id(staff)
    live = signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient")
    r = staff.post(f"{ACCOUNTS}/{account_id}/reset-password")
    assert r.status == 200, r.text
    temp = r.json()["credentials"]["temporary_password"]
    assert temp in r.json()["credentials"]["message"]
    assert r.json()["account"]["force_password_change"] is True
    assert live.get("/api/me").status == 401
    assert login(gateway.browser(), "ann@example.com", PATIENT_PW, login_type="patient").status == 401
    r = login(gateway.browser(), "ann@example.com", temp, login_type="patient")
    assert r.status == 200 and r.json()["password_change_required"] is True


def test_reset_is_refused_while_an_invitation_is_pending(gateway, seeded):
    staff = desk(gateway)
    account, _ = invite_rep(staff)
    r = staff.post(f"{ACCOUNTS}/{account['account_id']}/reset-password")
    assert r.status == 409 and r.json()["error"] == "invitation_pending"


def test_disabling_a_row_ends_only_that_access(gateway, seeded):
    staff = desk(gateway)
    account_id = ann_account_id(staff)
    staff.patch(f"{ACCOUNTS}/{account_id}", json={"permissions": ["forms"]})
    live = signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient")
    assert live.get("/api/portal/patients/P100/form-requests").status == 200
    r = staff.post(f"{ACCOUNTS}/{account_id}/disable")
    assert r.status == 200 and r.json()["account"]["status"] == "disabled"
    assert r.json()["account"]["login"]["status"] == "active"
    assert live.get("/api/me").status == 200  # the login's sessions go on...
    r = live.get("/api/portal/patients/P100/form-requests")  # ...but the grant stops working at once
    assert r.status == 403 and r.json()["error"] == "no_patient_access"
    assert staff.post(f"{ACCOUNTS}/{account_id}/disable").status == 200  # twice: no change
    r = staff.post(f"{ACCOUNTS}/{account_id}/enable")
    assert r.status == 200 and r.json()["account"]["status"] == "active"
    assert live.get("/api/portal/patients/P100/form-requests").status == 200
    kinds = [e["kind"]["S"] for e in table_items("audit_events")]
    assert kinds.count("access_grant_disabled") == 1 and kinds.count("access_grant_enabled") == 1
    assert "portal_account_disabled" not in kinds


def test_disable_and_enable_the_login(gateway, seeded):
    staff = desk(gateway)
    account_id = ann_account_id(staff)
    login_id = staff.get(f"{ACCOUNTS}/{account_id}").json()["account"]["login"]["login_id"]
    logins = "/api/clinics/SUNRISE/portal-logins"
    live = signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient")
    r = staff.post(f"{logins}/{login_id}/disable")
    assert r.status == 200 and r.json()["login"]["status"] == "disabled"
    assert staff.get(f"{ACCOUNTS}/{account_id}").json()["account"]["status"] == "disabled"
    assert live.get("/api/me").status == 401
    refused = login(gateway.browser(), "ann@example.com", PATIENT_PW, login_type="patient")
    wrong = login(gateway.browser(), "ann@example.com", "not the password", login_type="patient")
    assert refused.status == 401 and refused.json() == wrong.json()  # the one generic 401
    assert staff.post(f"{logins}/{login_id}/disable").status == 200  # twice: no change
    r = staff.post(f"{logins}/{login_id}/enable")
    assert r.status == 200 and r.json()["login"]["status"] == "active"
    assert staff.get(f"{ACCOUNTS}/{account_id}").json()["account"]["status"] == "active"
    assert login(gateway.browser(), "ann@example.com", PATIENT_PW, login_type="patient").status == 200
    kinds = [e["kind"]["S"] for e in table_items("audit_events")]
    assert kinds.count("portal_account_disabled") == 1 and kinds.count("portal_account_enabled") == 1


def test_force_password_change(gateway, seeded):
    staff = desk(gateway)
    account_id = ann_account_id(staff)
    r = staff.post(f"{ACCOUNTS}/{account_id}/force-password-change")
    assert r.status == 200 and r.json()["account"]["force_password_change"] is True
    r = login(gateway.browser(), "ann@example.com", PATIENT_PW, login_type="patient")
    assert r.json()["password_change_required"] is True


def test_a_disabled_invitee_cannot_accept_until_enabled_and_sent_a_new_link(gateway, seeded):
    staff = desk(gateway)
    account, token = invite_rep(staff)
    path = f"{ACCOUNTS}/{account['account_id']}"
    login_path = f"/api/clinics/SUNRISE/portal-logins/{account['login']['login_id']}"
    assert staff.post(login_path + "/disable").status == 200
    assert accept(gateway.browser(), token).json()["error"] == "token_invalid"
    assert staff.post(path + "/resend-invitation").status == 409
    assert staff.post(login_path + "/enable").status == 200
    r = staff.get(path)
    assert r.json()["account"]["status"] == "invited"
    assert r.json()["account"]["invitation_status"] == "cancelled"  # the staff see it must be resent
    assert accept(gateway.browser(), token).json()["error"] == "token_invalid"  # the old link stays dead
    assert staff.post(path + "/resend-invitation").status == 200
    assert accept(gateway.browser(), token_in(sent_messages()[-1])).status == 204


# ---------------------------------------------------------------- secrets at rest

def test_no_password_or_token_is_stored_in_plain_text(gateway, seeded):
    staff = desk(gateway)
    temp = create(staff, self_body()).json()["credentials"]["temporary_password"]
    account, token = invite_rep(staff)
    reset = staff.post(f"{ACCOUNTS}/{ann_account_id(staff)}/reset-password").json()
    reset_pw = reset["credentials"]["temporary_password"]
    _, token2 = invite_rep(staff, username="rep2@example.com")
    assert accept(gateway.browser(), token2).status == 204
    rep = signed_in(gateway, "rep2@example.com", STRONG_PW, login_type="patient")
    session_token = rep.cookies["portal_session"]

    from chalicelib.models import all_models

    secrets = [temp, reset_pw, token, token2, STRONG_PW, PATIENT_PW, session_token]
    for model in all_models():
        dump = json.dumps(table_items(model.Meta.short_name))
        for secret in secrets:
            assert secret not in dump, (model.Meta.short_name, secret)
    hashes = [a["password_hash"]["S"] for a in table_items("portal_accounts") if "password_hash" in a]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
