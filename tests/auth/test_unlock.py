"""Unlock: a locked staff member or portal login shows "locked until" on the Staff
page and in User Management, and an administrator can lift the lock (audited)."""
from __future__ import annotations

from tests.auth.test_forgot_password import lock
from tests.conftest import DESK_PW, PATIENT_PW, login

CLINIC = "/api/clinics/SUNRISE"


def _row(items, username):
    (row,) = [i for i in items if i["username"].lower() == username.lower()]
    return row


def test_a_locked_staff_member_shows_until_when_and_an_admin_unlocks(gateway, seeded, admin, clock):
    lock(gateway, "SmithF")
    row = _row(admin.get(CLINIC + "/staff").json()["items"], "SmithF")
    assert row["locked_until"] is not None
    assert _row(admin.get(CLINIC + "/staff").json()["items"], "PatelR")["locked_until"] is None
    r = admin.post(CLINIC + "/staff/SmithF/unlock")
    assert r.status == 200, r.text
    assert r.json()["staff"]["locked_until"] is None
    assert login(gateway.browser(), "SmithF", DESK_PW).status == 200
    assert _row(admin.get(CLINIC + "/staff").json()["items"], "SmithF")["locked_until"] is None
    events = admin.get(CLINIC + "/audit?kind=staff_unlocked").json()["items"]
    assert events and events[0]["description"] == "Jane Doe unlocked staff member SmithF"


def test_the_lock_shown_is_the_lockout_window(gateway, seeded, admin, clock):
    import datetime

    lock(gateway, "SmithF")
    until = _row(admin.get(CLINIC + "/staff").json()["items"], "SmithF")["locked_until"]
    ends = datetime.datetime.fromisoformat(until.replace("Z", "+00:00")).timestamp()
    assert abs(ends - (clock() + 15 * 60)) <= 2
    clock.advance(15 * 60 + 1)
    assert _row(admin.get(CLINIC + "/staff").json()["items"], "SmithF")["locked_until"] is None


def test_a_locked_portal_login_shows_in_user_management_and_unlocks(gateway, seeded, admin):
    lock(gateway, "ann@example.com", "patient")
    row = _row(admin.get(CLINIC + "/portal-accounts").json()["items"], "ann@example.com")
    assert row["locked_until"] is not None
    r = admin.post(f"{CLINIC}/portal-logins/{row['login']['login_id']}/unlock")
    assert r.status == 200, r.text
    assert r.json()["login"]["locked_until"] is None
    assert login(gateway.browser(), "ann@example.com", PATIENT_PW, login_type="patient").status == 200
    kinds = [e["kind"] for e in admin.get(CLINIC + "/audit").json()["items"]]
    assert "portal_account_unlocked" in kinds


def test_only_managers_unlock(gateway, seeded):
    from tests.portal_helpers import clinician

    r = clinician(gateway).post(CLINIC + "/staff/SmithF/unlock")
    assert r.status == 403


def test_unlocking_someone_unknown_is_a_404(admin):
    r = admin.post(CLINIC + "/staff/NobodyN/unlock")
    assert r.status == 404 and r.json()["error"] == "staff_not_found"


def test_the_list_reads_the_page_s_counters_in_one_batch(gateway, seeded, admin, aws_calls):
    aws_calls.reset()
    assert admin.get(CLINIC + "/staff").status == 200
    assert aws_calls.count("dynamodb", "BatchGetItem") == 1
    aws_calls.reset()
    assert admin.get(CLINIC + "/portal-accounts").status == 200
    assert aws_calls.count("dynamodb", "BatchGetItem") == 2   # the page's logins, then their counters


def test_the_locked_message_says_to_ask_the_administrator(gateway, seeded):
    for _ in range(5):
        login(gateway.browser(), "SmithF", "wrong-password-x")
    r = login(gateway.browser(), "SmithF", DESK_PW)
    assert r.status == 429
    assert "ask your clinic's administrator to unlock it" in r.json()["message"]
