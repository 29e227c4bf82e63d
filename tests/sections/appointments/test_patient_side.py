"""The patient side: upcoming and past (one Query a page, each view logged), cancel
outside the clinic's window only, requests -> the staff queue -> booked or declined."""
from __future__ import annotations

from tests.conftest import table_items
from tests.sections.appointments.helpers import MINE, MY_REQUESTS, QUEUE, SCHEDULE, at, book

HOME = "/api/portal/patients/P100/home"


def _tile(browser):
    tiles = browser.get(HOME).json()["tiles"]
    return next(t for t in tiles if t["section"] == "appointments")


def test_upcoming_and_past_one_query_each_and_logged(front_desk, ann, clock, aws_calls):
    past = book(front_desk, start=at(-2, 9, now=clock.t)).json()["appointment"]
    book(front_desk, start=at(2, 9, now=clock.t))
    book(front_desk, start=at(5, 9, now=clock.t)).json()
    book(front_desk, start=at(1, 10, now=clock.t), patient_id="P101")   # someone else's
    aws_calls.reset()
    r = ann.get(MINE)
    assert [a["start"] for a in r.json()["items"]] == [at(2, 9, now=clock.t), at(5, 9, now=clock.t)]
    assert r.json()["time_zone"] == "UTC"
    assert aws_calls.count("dynamodb", "Query") == 1
    assert "booked_by" not in r.json()["items"][0]
    r = ann.get(MINE + "?when=past")
    assert [a["appointment_id"] for a in r.json()["items"]] == [past["appointment_id"]]
    views = [i for i in table_items("audit_events") if i["kind"]["S"] == "section_viewed"]
    assert len(views) == 2
    assert {v["details"]["M"]["section"]["S"] for v in views} == {"appointments"}


def test_home_says_when_the_next_appointment_is(front_desk, ann, clock):
    assert _tile(ann)["attention"] == {"count": 0, "text": "No upcoming appointments"}
    late = book(front_desk, start="2030-01-08T09:30:00Z").json()["appointment"]
    first = book(front_desk, start="2030-01-01T14:05:00Z").json()["appointment"]
    assert _tile(ann)["attention"] == {"count": 2, "text": "Next: Tue 1 Jan 14:05 UTC"}
    front_desk.patch(f"{SCHEDULE}/{late['appointment_id']}", json={"start": "2029-12-31T08:00:00Z"})
    assert _tile(ann)["attention"]["text"] == "Next: Mon 31 Dec 08:00 UTC"
    front_desk.post(f"{SCHEDULE}/{late['appointment_id']}/cancel", json={})
    assert _tile(ann)["attention"] == {"count": 1, "text": "Next: Tue 1 Jan 14:05 UTC"}
    front_desk.post(f"{SCHEDULE}/{first['appointment_id']}/status", json={"status": "noshow"})
    assert _tile(ann)["attention"]["count"] == 0


def test_home_is_still_one_request(ann, front_desk, aws_calls):
    book(front_desk, start="2030-01-01T14:05:00Z")
    aws_calls.reset()
    assert ann.get(HOME).status == 200
    assert [op for s, op in aws_calls.calls if s == "dynamodb"] == ["TransactGetItems"]


def test_cancel_outside_the_window_only(front_desk, ann, admin, clock):
    far = book(front_desk, start=at(3, 9, now=clock.t)).json()["appointment"]
    near = book(front_desk, start=at(2, 9, now=clock.t), provider="NoAccessN").json()["appointment"]
    r = ann.post(f"{MINE}/{far['appointment_id']}/cancel")
    assert r.status == 200 and r.json()["appointment"]["status"] == "cancelled"
    # the time is free for someone else
    assert book(front_desk, start=at(3, 9, now=clock.t), patient_id="P101").status == 201
    # a 72-hour window: now "near" (inside) is refused with words saying to call
    assert admin.patch("/api/clinics/SUNRISE/settings", json={"cancellation_window_hours": 72}).status == 200
    r = ann.post(f"{MINE}/{near['appointment_id']}/cancel")
    assert (r.status, r.json()["error"]) == (409, "inside_cancellation_window")
    assert "call the clinic" in r.json()["message"]
    assert front_desk.get(f"{SCHEDULE}/{near['appointment_id']}").json()["appointment"]["status"] == "booked"
    # staff may still cancel it
    assert front_desk.post(f"{SCHEDULE}/{near['appointment_id']}/cancel", json={}).status == 200


def test_cancel_window_edge(front_desk, ann, clock):
    from chalicelib.sections.appointments.times import stored, wire

    start = (clock.t // 300 + 1) * 300 + 24 * 3600 + 600   # a little more than a day ahead
    a = book(front_desk, start=wire(stored(start))).json()["appointment"]
    b = book(front_desk, start=wire(stored(start)), provider="NoAccessN").json()["appointment"]
    clock.t = start - 24 * 3600 - 60   # a minute more than 24 hours ahead: outside the window
    assert ann.post(f"{MINE}/{a['appointment_id']}/cancel").status == 200
    clock.t = start - 24 * 3600   # exactly 24 hours ahead: inside
    assert ann.post(f"{MINE}/{b['appointment_id']}/cancel").status == 409


def test_another_patients_appointment_is_not_found(front_desk, ann):
    other = book(front_desk, patient_id="P101").json()["appointment"]
    r = ann.post(f"{MINE}/{other['appointment_id']}/cancel")
    assert (r.status, r.json()["error"]) == (404, "appointment_not_found")
    assert front_desk.get(f"{SCHEDULE}/{other['appointment_id']}").json()["appointment"]["status"] == "booked"


def test_request_then_book(ann, front_desk, admin, clock):
    r = ann.post(MY_REQUESTS, json={"reason": "Annual check-up", "preferred": "Mornings, not Fridays"})
    assert r.status == 201, r.text
    rid = r.json()["appointment_request"]["request_id"]
    work = admin.get("/api/clinics/SUNRISE/workspace").json()["items"]
    assert next(i for i in work if i["key"] == "appointment_requests")["text"] == "1 request"
    queue = front_desk.get(QUEUE).json()["items"]
    assert [(q["request_id"], q["patient_name"], q["preferred"]) for q in queue] == [
        (rid, "Ann Lee", "Mornings, not Fridays")]
    r = front_desk.post(f"{QUEUE}/{rid}/book", json={"provider": "PatelR", "start": at(4, 8, now=clock.t),
                                                      "minutes": 20, "location": "Room 1"})
    assert r.status == 201, r.text
    assert r.json()["appointment_request"]["status"] == "booked"
    booked = r.json()["appointment"]
    assert (booked["reason"], booked["request_id"], booked["patient_id"]) == ("Annual check-up", rid, "P100")
    assert front_desk.get(QUEUE).json()["items"] == []
    assert [q["request_id"] for q in front_desk.get(QUEUE + "?status=closed").json()["items"]] == [rid]
    work = admin.get("/api/clinics/SUNRISE/workspace").json()["items"]
    assert next(i for i in work if i["key"] == "appointment_requests")["count"] == 0
    mine = ann.get(MINE).json()["items"]
    assert [a["appointment_id"] for a in mine] == [booked["appointment_id"]]
    # booking it twice: 409, and no second appointment
    r = front_desk.post(f"{QUEUE}/{rid}/book", json={"provider": "PatelR", "start": at(5, 8, now=clock.t),
                                                      "minutes": 20})
    assert (r.status, r.json()["error"]) == (409, "appointment_request_closed")
    assert len(table_items("appointments")) == 1


def test_request_book_on_a_busy_time_leaves_the_request_waiting(ann, front_desk, clock):
    book(front_desk, start=at(4, 8, now=clock.t))
    rid = ann.post(MY_REQUESTS, json={"reason": "Rash"}).json()["appointment_request"]["request_id"]
    r = front_desk.post(f"{QUEUE}/{rid}/book", json={"provider": "PatelR", "start": at(4, 8, now=clock.t),
                                                      "minutes": 20})
    assert (r.status, r.json()["error"]) == (409, "provider_busy")
    assert [q["request_id"] for q in front_desk.get(QUEUE).json()["items"]] == [rid]


def test_request_then_decline(ann, front_desk, admin):
    rid = ann.post(MY_REQUESTS, json={"reason": "Sore throat"}).json()["appointment_request"]["request_id"]
    r = front_desk.post(f"{QUEUE}/{rid}/decline", json={"note": ""})
    assert r.status == 400
    r = front_desk.post(f"{QUEUE}/{rid}/decline", json={"note": "Please see the walk-in clinic today."})
    assert r.status == 200 and r.json()["appointment_request"]["status"] == "declined"
    mine = ann.get(MY_REQUESTS).json()["items"]
    assert [(m["status"], m["decline_note"]) for m in mine] == [("declined", "Please see the walk-in clinic today.")]
    assert "requested_by" not in mine[0]
    assert front_desk.post(f"{QUEUE}/{rid}/decline", json={"note": "again"}).status == 409
    work = admin.get("/api/clinics/SUNRISE/workspace").json()["items"]
    assert next(i for i in work if i["key"] == "appointment_requests")["count"] == 0
