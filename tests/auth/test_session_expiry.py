"""What a person is told about their session: how long it has left (for the page's
warning), and, when a request meets it ended, why."""
from chalicelib.models import ClinicModel
from tests.conftest import ADMIN_PW, login


def short_idle(minutes: int) -> None:
    ClinicModel.get("sunrise").update(actions=[ClinicModel.settings["idle_timeout_minutes"].set(minutes)])


def test_an_idle_ended_session_says_after_how_long(browser, seeded, clock):
    login(browser, "DoeJ", ADMIN_PW)
    clock.advance(31 * 60)
    r = browser.get("/api/me")
    assert r.status == 401 and r.json() == {
        "error": "session_expired",
        "message": "You were signed out after 30 minutes without activity. Please log in again."}


def test_one_minute_is_said_in_the_singular(browser, seeded, clock):
    short_idle(1)
    login(browser, "DoeJ", ADMIN_PW)
    clock.advance(61)
    assert browser.get("/api/me").json()["message"].startswith("You were signed out after 1 minute without")


def test_me_says_how_long_the_session_has_left(browser, seeded, clock):
    assert login(browser, "DoeJ", ADMIN_PW).json()["session_expires_in"] == 30 * 60
    clock.advance(10 * 60)
    me = browser.get("/api/me").json()     # used again: the count starts over
    assert me["idle_timeout_minutes"] == 30 and me["session_expires_in"] == 30 * 60
    clock.advance(30)
    assert browser.get("/api/me").json()["session_expires_in"] == 30 * 60 - 30  # not rewritten within a minute


def test_a_short_idle_timeout_is_refreshed_often_enough_to_keep_a_used_session(browser, seeded, clock):
    short_idle(1)
    login(browser, "DoeJ", ADMIN_PW)
    for _ in range(6):                     # "Stay signed in" every 40 s for 4 minutes
        clock.advance(40)
        me = browser.get("/api/me")
        assert me.status == 200
        assert me.json()["session_expires_in"] == 60
    clock.advance(61)
    assert browser.get("/api/me").status == 401


def test_the_absolute_limit_is_said_as_such(browser, seeded, clock):
    login(browser, "DoeJ", ADMIN_PW)
    for _ in range(12 * 3):
        clock.advance(20 * 60)
        r = browser.get("/api/me")
    assert r.status == 401 and "time limit" in r.json()["message"]
