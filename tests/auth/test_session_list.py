"""Where you're signed in: a person's live sessions (browser, system, address, last
use, this device), signing one out, everywhere else, and an admin ending a staff
member's; another person's session id is a 404 like an unknown one."""
from __future__ import annotations

from tests.conftest import ADMIN_PW, CLINICIAN_PW, LAKE_PW, PATIENT_PW, login

CLINIC = "/api/clinics/SUNRISE"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")


def signed_in(gateway, username, password, *, ua="pytest-browser/1.0", ip="198.51.100.7", login_type="staff",
              clinic="SUNRISE"):
    b = gateway.browser(user_agent=ua, source_ip=ip)
    r = login(b, username, password, login_type=login_type, clinic=clinic)
    assert r.status == 200, r.text
    return b


def sessions_of(browser) -> list[dict]:
    r = browser.get("/api/me/sessions")
    assert r.status == 200, r.text
    return r.json()["sessions"]


def test_the_list_shows_each_browser_its_system_address_and_this_device(gateway, seeded):
    office = signed_in(gateway, "PatelR", CLINICIAN_PW, ua=FIREFOX, ip="203.0.113.5")
    signed_in(gateway, "PatelR", CLINICIAN_PW, ua=IPHONE, ip="203.0.113.9")
    listed = sessions_of(office)
    assert len(listed) == 2
    mine = next(s for s in listed if s["this_device"])
    other = next(s for s in listed if not s["this_device"])
    assert (mine["browser"], mine["os"], mine["source_ip"]) == ("Firefox 128", "Windows", "203.0.113.5")
    assert (other["browser"], other["os"], other["source_ip"]) == ("Safari 17", "iOS", "203.0.113.9")
    assert mine["last_used_at"] and mine["started_at"] and mine["session_id"]
    text = str(listed)
    assert office.cookies["portal_session"] not in text
    assert "token" not in text and "hash" not in text


def test_last_used_moves_on_at_most_once_per_touch_interval(gateway, seeded, clock):
    b = signed_in(gateway, "PatelR", CLINICIAN_PW)
    first = sessions_of(b)[0]["last_used_at"]
    clock.advance(30)
    assert sessions_of(b)[0]["last_used_at"] == first       # no write within the interval
    clock.advance(31)
    sessions_of(b)                                           # this request refreshes it
    assert sessions_of(b)[0]["last_used_at"] != first


def test_a_session_signed_out_from_another_browser_is_signed_out(gateway, seeded):
    here = signed_in(gateway, "PatelR", CLINICIAN_PW)
    there = signed_in(gateway, "PatelR", CLINICIAN_PW, ua=IPHONE)
    other = next(s for s in sessions_of(here) if not s["this_device"])
    assert here.delete(f"/api/me/sessions/{other['session_id']}").status == 204
    assert there.get("/api/me").status == 401
    assert here.get("/api/me").status == 200
    assert [s["this_device"] for s in sessions_of(here)] == [True]
    # Already ended: the same 404 as an unknown id.
    again = here.delete(f"/api/me/sessions/{other['session_id']}")
    assert (again.status, again.json()["error"]) == (404, "session_not_found")


def test_signing_out_this_device_from_the_list_is_a_logout(gateway, seeded):
    here = signed_in(gateway, "PatelR", CLINICIAN_PW)
    (mine,) = sessions_of(here)
    assert here.delete(f"/api/me/sessions/{mine['session_id']}").status == 204
    assert "portal_session" not in here.cookies
    assert here.get("/api/me").status == 401


def test_sign_out_everywhere_else_keeps_only_this_one(gateway, seeded, admin):
    here = signed_in(gateway, "PatelR", CLINICIAN_PW)
    others = [signed_in(gateway, "PatelR", CLINICIAN_PW, ua=IPHONE) for _ in range(3)]
    r = here.post("/api/me/sessions/sign-out-others")
    assert (r.status, r.json()) == (200, {"sessions_ended": 3})
    assert all(o.get("/api/me").status == 401 for o in others)
    assert [s["this_device"] for s in sessions_of(here)] == [True]
    events = admin.get(CLINIC + "/audit?kind=sessions_ended_elsewhere").json()["items"]
    assert events[0]["description"] == "Ravi Patel signed out everywhere else"


def test_a_patient_sees_and_ends_their_own_sessions(gateway, seeded):
    here = signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient")
    there = signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient", ua=IPHONE)
    other = next(s for s in sessions_of(here) if not s["this_device"])
    assert here.delete(f"/api/me/sessions/{other['session_id']}").status == 204
    assert there.get("/api/me").status == 401


def test_someone_elses_session_id_is_a_404_like_an_unknown_one(gateway, seeded):
    ravi = signed_in(gateway, "PatelR", CLINICIAN_PW)
    jane = signed_in(gateway, "DoeJ", ADMIN_PW)
    ann = signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient")
    kim = signed_in(gateway, "KimS", LAKE_PW, clinic="Lakeside")
    janes = sessions_of(jane)[0]["session_id"]
    unknown = ravi.delete("/api/me/sessions/NoSuchSession123")
    for hostile in (ravi, ann, kim):
        r = hostile.delete(f"/api/me/sessions/{janes}")
        assert (r.status, r.json()) == (404, unknown.json())
    assert jane.get("/api/me").status == 200
    # Nor through the admin route: Kim administers another clinic, Jane's session is not Ravi's.
    r = kim.delete(f"/api/clinics/Lakeside/staff/DoeJ/sessions/{janes}")
    assert r.status == 404
    r = jane.delete(f"{CLINIC}/staff/PatelR/sessions/{janes}")
    assert (r.status, r.json()["error"]) == (404, "session_not_found")
    assert kim.get(f"{CLINIC}/staff/DoeJ/sessions").status == 403
    assert jane.get("/api/me").status == 200


def test_an_admin_sees_and_ends_a_staff_members_session(gateway, seeded, admin):
    ravi = signed_in(gateway, "PatelR", CLINICIAN_PW, ua=FIREFOX, ip="203.0.113.5")
    r = admin.get(CLINIC + "/staff/PatelR/sessions")
    assert r.status == 200, r.text
    (listed,) = r.json()["sessions"]
    assert (listed["browser"], listed["source_ip"], listed["this_device"]) == ("Firefox 128", "203.0.113.5", False)
    assert admin.delete(f"{CLINIC}/staff/PatelR/sessions/{listed['session_id']}").status == 204
    assert ravi.get("/api/me").status == 401
    assert admin.get(CLINIC + "/staff/PatelR/sessions").json()["sessions"] == []
    events = admin.get(CLINIC + "/audit?kind=staff_session_ended").json()["items"]
    assert events[0]["description"] == "Jane Doe ended a session of staff member PatelR"
    assert admin.get(CLINIC + "/staff/NoSuchPerson/sessions").status == 404


def test_only_managers_see_a_staff_members_sessions(gateway, seeded):
    ravi = signed_in(gateway, "PatelR", CLINICIAN_PW)
    assert ravi.get(CLINIC + "/staff/DoeJ/sessions").status == 403
    assert ravi.delete(CLINIC + "/staff/DoeJ/sessions/whatever").status == 403


def test_ended_and_expired_sessions_are_not_listed(gateway, seeded, clock):
    b = signed_in(gateway, "PatelR", CLINICIAN_PW)
    old = signed_in(gateway, "PatelR", CLINICIAN_PW, ua=IPHONE)
    assert old.post("/api/logout").status == 204
    assert len(sessions_of(b)) == 1
    idle = signed_in(gateway, "PatelR", CLINICIAN_PW, ua=FIREFOX)
    assert len(sessions_of(idle)) == 2
    clock.advance(29 * 60)
    sessions_of(b)                  # b stays active, the Firefox one goes idle
    clock.advance(2 * 60)
    assert [s["browser"] for s in sessions_of(b)] == ["Unknown browser"]


def test_the_list_is_one_query_and_one_batch_get(gateway, seeded, aws_calls):
    b = signed_in(gateway, "PatelR", CLINICIAN_PW)
    signed_in(gateway, "PatelR", CLINICIAN_PW, ua=IPHONE)
    aws_calls.reset()
    sessions_of(b)
    assert aws_calls.count("dynamodb", "Query") == 1
    assert aws_calls.count("dynamodb", "BatchGetItem") == 1
    assert aws_calls.count("dynamodb", "Scan") == 0
