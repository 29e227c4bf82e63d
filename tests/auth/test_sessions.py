"""Sessions: /api/me, logout, timeouts, clinic scoping, forced and voluntary password change."""
import pytest

from tests.conftest import ADMIN_PW, DESK_PW, LAKE_PW, login, table_items

STRONG = "violet-harbor-lantern-91"


def test_me_without_a_session_is_401(browser, seeded):
    r = browser.get("/api/me")
    assert r.status == 401 and r.json()["error"] == "not_authenticated"
    browser.cookies["portal_session"] = "forged-token-value"
    assert browser.get("/api/me").status == 401
    browser.cookies["portal_session"] = "x" * 5000
    assert browser.get("/api/me").status == 401


def test_logout_kills_the_session_server_side(gateway, seeded):
    b = gateway.browser()
    login(b, "DoeJ", ADMIN_PW)
    stolen = dict(b.cookies)
    assert b.get("/api/me").status == 200
    r = b.post("/api/logout")
    assert r.status == 204 and "Max-Age=0" in r.header("set-cookie")
    assert b.get("/api/me").status == 401
    # a copy of the cookie kept by someone else is dead too
    thief = gateway.browser(cookies=stolen)
    assert thief.get("/api/me").status == 401
    assert table_items("sessions") == []
    assert b.post("/api/logout").status == 204  # logging out twice is harmless


def test_idle_timeout_ends_a_session(browser, seeded, clock):
    login(browser, "DoeJ", ADMIN_PW)
    clock.advance(29 * 60)
    assert browser.get("/api/me").status == 200      # activity keeps it alive ...
    clock.advance(29 * 60)
    assert browser.get("/api/me").status == 200
    clock.advance(30 * 60)                           # ... idleness ends it
    r = browser.get("/api/me")
    assert r.status == 401 and r.json()["error"] == "session_expired"


def test_absolute_timeout_ends_even_an_active_session(browser, seeded, clock):
    login(browser, "DoeJ", ADMIN_PW)
    for _ in range(12 * 3):                          # active every 20 minutes for 12 hours
        clock.advance(20 * 60)
        status = browser.get("/api/me").status
    assert status == 401


def test_timeouts_follow_the_clinic_settings(browser, seeded, clock):
    from chalicelib.models import ClinicModel

    ClinicModel.get("sunrise").update(actions=[ClinicModel.settings["idle_timeout_minutes"].set(5)])
    login(browser, "DoeJ", ADMIN_PW)
    clock.advance(6 * 60)
    assert browser.get("/api/me").status == 401


def test_me_is_one_read_and_does_not_write_on_every_request(browser, seeded, clock, aws_calls):
    login(browser, "DoeJ", ADMIN_PW)
    aws_calls.reset()
    for _ in range(5):
        clock.advance(5)
        assert browser.get("/api/me").status == 200
    # one TransactGetItems each: the session and the person's record (revocation is a read)
    assert aws_calls.count() == 5 and aws_calls.count(operation="TransactGetItems") == 5
    aws_calls.reset()
    clock.advance(120)
    browser.get("/api/me")
    assert aws_calls.count(operation="UpdateItem") == 1  # refreshed at most once a minute


def test_a_session_of_clinic_a_is_refused_on_clinic_b_routes(gateway, seeded):
    lake = gateway.browser()
    assert login(lake, "KimS", LAKE_PW, clinic="LAKESIDE").status == 200
    r = lake.get("/api/clinics/SUNRISE/audit")
    assert r.status == 403 and r.json()["error"] == "wrong_clinic"
    assert lake.get("/api/clinics/lakeside/audit").status == 200


def test_logged_out_or_expired_sessions_are_refused_on_clinic_routes(browser, seeded, clock):
    login(browser, "DoeJ", ADMIN_PW)
    assert browser.get("/api/clinics/SUNRISE/audit").status == 200
    clock.advance(31 * 60)
    assert browser.get("/api/clinics/SUNRISE/audit").status == 401
    login(browser, "DoeJ", ADMIN_PW)
    browser.post("/api/logout")
    assert browser.get("/api/clinics/SUNRISE/audit").status == 401


def test_cookie_state_changes_need_our_origin(gateway, seeded):
    b = gateway.browser()
    login(b, "DoeJ", ADMIN_PW)
    body = {"current_password": ADMIN_PW, "new_password": STRONG}
    b.origin = "https://evil.example"
    r = b.post("/api/me/password", json=body)
    assert r.status == 403 and r.json()["error"] == "origin_mismatch"
    b.origin = None
    assert b.post("/api/me/password", json=body).status == 403
    b.origin = "http://127.0.0.1:8000"
    assert b.post("/api/me/password", json=body).status == 204


def force_change(username_key):
    from chalicelib.models import StaffModel

    StaffModel.get("sunrise", username_key).update(actions=[StaffModel.force_password_change.set(True)])


def test_forced_change_allows_only_me_password_and_logout(browser, seeded):
    force_change("smithf")
    r = login(browser, "SmithF", DESK_PW)
    assert r.status == 200 and r.json()["password_change_required"] is True
    me = browser.get("/api/me")
    assert me.status == 200 and me.json()["password_change_required"] is True
    r = browser.get("/api/clinics/SUNRISE/audit")
    assert r.status == 403 and r.json()["error"] == "password_change_required"
    assert browser.post("/api/me/password",
                        json={"current_password": DESK_PW, "new_password": STRONG}).status == 204
    assert browser.get("/api/me").json()["password_change_required"] is False
    browser.post("/api/logout")
    assert login(browser, "SmithF", STRONG).json()["password_change_required"] is False
    assert login(browser, "SmithF", DESK_PW).status == 401


def test_password_change_ends_the_other_sessions_only(gateway, seeded):
    phone, laptop = gateway.browser(), gateway.browser()
    login(phone, "DoeJ", ADMIN_PW)
    login(laptop, "DoeJ", ADMIN_PW)
    r = laptop.post("/api/me/password", json={"current_password": ADMIN_PW, "new_password": STRONG})
    assert r.status == 204
    assert laptop.get("/api/me").status == 200
    assert phone.get("/api/me").status == 401


@pytest.mark.parametrize("new,fragment", [
    ("short-pw", "at least 12 characters"),
    ("doej-and-some-more-text", "username"),
    ("jane@sunrise.example-x", "username or email"),
    ("password1234", "common"),
    ("aaaaaaaaaaaaaaaaaaaa", "guess"),
    ("p" * 1025, "at most 1024"),
])
def test_weak_new_passwords_get_a_message_saying_what_to_fix(browser, seeded, new, fragment):
    login(browser, "DoeJ", ADMIN_PW)
    r = browser.post("/api/me/password", json={"current_password": ADMIN_PW, "new_password": new})
    assert r.status == 400, r.text
    assert r.json()["error"] == "password_policy"
    assert fragment.lower() in r.json()["message"].lower()
    assert login(browser, "DoeJ", ADMIN_PW).status == 200  # nothing changed


def test_long_passwords_are_allowed_and_not_truncated(browser, seeded):
    long_pw = "correct horse battery staple " * 6  # 174 characters
    login(browser, "DoeJ", ADMIN_PW)
    assert browser.post("/api/me/password",
                        json={"current_password": ADMIN_PW, "new_password": long_pw}).status == 204
    assert login(browser, "DoeJ", long_pw[:128]).status == 401
    assert login(browser, "DoeJ", long_pw[:-1]).status == 401
    assert login(browser, "DoeJ", long_pw).status == 200


def test_composition_rule_when_the_clinic_sets_one(browser, seeded):
    from chalicelib.models import ClinicModel

    ClinicModel.get("sunrise").update(actions=[ClinicModel.settings["password_min_classes"].set(4)])
    login(browser, "DoeJ", ADMIN_PW)
    r = browser.post("/api/me/password", json={"current_password": ADMIN_PW, "new_password": STRONG})
    assert r.status == 400 and "at least 4 of these" in r.json()["message"]
    assert browser.post("/api/me/password", json={"current_password": ADMIN_PW,
                                                  "new_password": "Violet-Harbor-lantern-91"}).status == 204


def test_wrong_current_password_is_refused_and_counted(browser, seeded):
    login(browser, "DoeJ", ADMIN_PW)
    for _ in range(5):
        r = browser.post("/api/me/password", json={"current_password": "guess-guess-guess", "new_password": STRONG})
        assert r.status == 400 and r.json()["error"] == "wrong_current_password"
    r = browser.post("/api/me/password", json={"current_password": ADMIN_PW, "new_password": STRONG})
    assert r.status == 429


def test_password_is_rehashed_when_the_parameters_change(gateway, seeded, stage):
    from argon2 import extract_parameters

    from chalicelib.models import StaffModel

    before = StaffModel.get("sunrise", "doej").password_hash
    assert extract_parameters(before).time_cost == 1
    stage(PORTAL_ARGON2_TIME_COST="2")
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 200
    after = StaffModel.get("sunrise", "doej").password_hash
    assert after != before and extract_parameters(after).time_cost == 2
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 200


def test_a_password_changed_elsewhere_mid_change_is_a_409_and_changes_nothing(browser, seeded, monkeypatch):
    import chalicelib.auth.passwords as pw
    from chalicelib.models import StaffModel

    login(browser, "DoeJ", ADMIN_PW)
    original = pw.check_policy

    def change_elsewhere(*args, **kwargs):
        # another device changes the password between our read and our write
        other = pw.hash_password("other-device-pw")
        StaffModel.get("sunrise", "doej").update(actions=[StaffModel.password_hash.set(other)])
        return original(*args, **kwargs)

    monkeypatch.setattr(pw, "check_policy", change_elsewhere)
    r = browser.post("/api/me/password", json={"current_password": ADMIN_PW, "new_password": STRONG})
    assert r.status == 409 and r.json()["error"] == "conflict"
    assert login(browser, "DoeJ", STRONG).status == 401
    assert login(browser, "DoeJ", "other-device-pw").status == 200
