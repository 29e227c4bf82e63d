"""A staff member's password reset lifts a lockout on the portal account's username."""
from tests.conftest import PATIENT_PW, login
from tests.portal_helpers import ACCOUNTS, ann_account_id, desk, user_counters


def patient_login(gateway, password):
    return login(gateway.browser(), "ann@example.com", password, login_type="patient")


def test_reset_password_lifts_the_lockout(gateway, seeded):
    for _ in range(5):  # SUNRISE locks after 5 failures
        assert patient_login(gateway, "definitely-wrong-pw").status == 401
    locked = patient_login(gateway, PATIENT_PW)
    assert locked.status == 429 and locked.json()["error"] == "too_many_attempts"
    assert user_counters("patient", "ann@example.com")

    staff = desk(gateway)
    r = staff.post(f"{ACCOUNTS}/{ann_account_id(staff)}/reset-password")
    assert r.status == 200, r.text
    temp = r.json()["credentials"]["temporary_password"]
    assert user_counters("patient", "ann@example.com") == []

    r = patient_login(gateway, temp)
    assert r.status == 200, r.text
    assert r.json()["password_change_required"] is True
