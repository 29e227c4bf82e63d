"""An administrator's password reset lifts a lockout on the staff member's username."""
from tests.conftest import DESK_PW, login
from tests.portal_helpers import user_counters

STAFF = "/api/clinics/SUNRISE/staff"


def test_reset_password_lifts_the_lockout(admin, gateway):
    for _ in range(5):  # SUNRISE locks after 5 failures
        assert login(gateway.browser(), "SmithF", "definitely-wrong-pw").status == 401
    locked = login(gateway.browser(), "SmithF", DESK_PW)
    assert locked.status == 429 and locked.json()["error"] == "too_many_attempts"
    assert user_counters("staff", "smithf")

    r = admin.post(f"{STAFF}/smithf/reset-password")
    assert r.status == 200, r.text
    temp = r.json()["credentials"]["temporary_password"]
    assert user_counters("staff", "smithf") == []

    r = login(gateway.browser(), "SmithF", temp)
    assert r.status == 200, r.text
    assert r.json()["password_change_required"] is True
