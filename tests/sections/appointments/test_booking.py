"""Staff book, move, cancel and set the status; a provider is never double-booked
unless forced, even by bookings racing each other."""
from __future__ import annotations

import threading

from tests.conftest import table_items
from tests.sections.appointments.helpers import SCHEDULE, at, book


def test_book_then_overlap_is_refused_unless_forced(front_desk):
    r = book(front_desk)
    assert r.status == 201, r.text
    a = r.json()["appointment"]
    assert (a["status"], a["status_words"], a["start"], a["end"]) == ("booked", "Booked", at(), at(3, 9, 30))
    before = len(table_items("appointments"))
    r = book(front_desk, start=at(3, 9, 25), patient_id="P101")
    assert (r.status, r.json()["error"]) == (409, "provider_busy")
    assert len(table_items("appointments")) == before   # nothing written
    # touching is not overlapping: 09:30 right after 09:00-09:30
    assert book(front_desk, start=at(3, 9, 30), patient_id="P101").status == 201
    # forced: booked over the first one, and said so
    r = book(front_desk, start=at(3, 9, 10), minutes=10, patient_id="P102", force=True)
    assert r.status == 201, r.text
    assert r.json()["appointment"]["forced"] is True
    # another provider at the same time is free
    assert book(front_desk, provider="NoAccessN").status == 201


def test_cancelled_time_is_free_again_and_a_move_checks_the_new_time(front_desk):
    first = book(front_desk).json()["appointment"]
    second = book(front_desk, start=at(3, 10)).json()["appointment"]
    # moving the second onto the first is refused, and changes nothing
    r = front_desk.patch(f"{SCHEDULE}/{second['appointment_id']}", json={"start": at(3, 9, 15)})
    assert (r.status, r.json()["error"]) == (409, "provider_busy")
    assert front_desk.get(f"{SCHEDULE}/{second['appointment_id']}").json()["appointment"]["start"] == at(3, 10)
    # moving within its own time (overlapping itself) is fine
    r = front_desk.patch(f"{SCHEDULE}/{second['appointment_id']}", json={"start": at(3, 10, 15), "minutes": 45})
    assert r.status == 200, r.text
    assert r.json()["appointment"]["end"] == at(3, 11)
    # 10:00-10:15 was released by the move
    assert book(front_desk, start=at(3, 10), minutes=15, patient_id="P101").status == 201
    # cancel the first: its time is free
    r = front_desk.post(f"{SCHEDULE}/{first['appointment_id']}/cancel", json={"note": "Patient called"})
    assert r.status == 200 and r.json()["appointment"]["status"] == "cancelled"
    assert book(front_desk, patient_id="P101").status == 201
    # a cancelled appointment cannot be moved or cancelled again
    r = front_desk.post(f"{SCHEDULE}/{first['appointment_id']}/cancel", json={})
    assert (r.status, r.json()["error"]) == (409, "appointment_cancelled")


def test_status_uses_fhir_codes(front_desk):
    a = book(front_desk).json()["appointment"]
    url = f"{SCHEDULE}/{a['appointment_id']}/status"
    for status, words in (("arrived", "Arrived"), ("fulfilled", "Completed"), ("noshow", "No-show")):
        r = front_desk.post(url, json={"status": status})
        assert r.status == 200, r.text
        assert (r.json()["appointment"]["status"], r.json()["appointment"]["status_words"]) == (status, words)
    r = front_desk.post(url, json={"status": "completed"})
    assert r.status == 400
    r = front_desk.post(url, json={"status": "cancelled"})   # cancelling has its own action
    assert r.status == 400


def test_bad_input_is_a_clear_400_and_writes_nothing(front_desk):
    before = len(table_items("appointments"))
    cases = [({"start": "2026-12-04T09:03:00Z"}, "invalid_start"), ({"start": "2026-12-04T09:00:00"}, "invalid_start"),
             ({"minutes": 7}, "invalid_minutes"), ({"minutes": 185}, "invalid_minutes"),
             ({"video_link": "http://meet.example/x"}, "invalid_video_link"),
             ({"video_link": "javascript:alert(1)"}, "invalid_video_link"),
             ({"provider": "SmithF"}, "invalid_provider"),   # front desk is not a clinician
             ({"provider": "Nobody"}, "invalid_provider")]
    for change, code in cases:
        r = book(front_desk, **change)
        assert (r.status, r.json()["error"]) == (400, code), (change, r.text)
    r = book(front_desk, patient_id="NOPE")
    assert (r.status, r.json()["error"]) == (404, "patient_not_found")
    assert len(table_items("appointments")) == before
    r = book(front_desk, video_link="https://meet.example/room-7", location=None)
    assert r.status == 201 and r.json()["appointment"]["video_link"] == "https://meet.example/room-7"


def test_start_with_an_offset_is_stored_in_utc(front_desk):
    r = book(front_desk, start=at()[:-1].replace("T09:00:00", "T11:00:00") + "+02:00")
    assert r.status == 201 and r.json()["appointment"]["start"] == at()


def test_racing_bookings_for_overlapping_times_book_exactly_one(gateway, seeded, atomic_dynamodb):
    from tests.portal_helpers import desk

    browsers = [desk(gateway) for _ in range(6)]
    results = []

    def go(i, b):
        results.append(book(b, patient_id=("P100", "P101", "P102")[i % 3], start=at(4, 9, 5 * i), minutes=30))

    threads = [threading.Thread(target=go, args=(i, b)) for i, b in enumerate(browsers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status for r in results)
    assert statuses.count(201) == 1, [r.text for r in results]
    assert set(statuses) == {201, 409}
    assert all(r.json()["error"] == "provider_busy" for r in results if r.status == 409)
    assert len(table_items("appointments")) == 1


def test_racing_moves_onto_the_same_time_move_exactly_one(gateway, seeded, atomic_dynamodb):
    from tests.portal_helpers import desk

    b = desk(gateway)
    ids = [book(b, start=at(5, 8 + i), minutes=30).json()["appointment"]["appointment_id"] for i in range(4)]
    results = []

    def go(aid, browser):
        results.append(browser.patch(f"{SCHEDULE}/{aid}", json={"start": at(5, 14)}))

    threads = [threading.Thread(target=go, args=(aid, desk(gateway))) for aid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status for r in results) == [200, 409, 409, 409], [r.text for r in results]
    day = b.get(f"{SCHEDULE}?date={at(5)[:10]}&provider=PatelR").json()["items"]
    assert [a["start"] for a in day].count(at(5, 14)) == 1


def test_day_and_week_views_are_one_query_each(front_desk, aws_calls):
    for d in range(7):
        assert book(front_desk, start=at(3 + d, 9)).status == 201
    assert book(front_desk, provider="NoAccessN", start=at(3, 9)).status == 201
    day = at(3)[:10]
    aws_calls.reset()
    r = front_desk.get(f"{SCHEDULE}?date={day}&provider=PatelR")
    assert r.status == 200 and [a["start"] for a in r.json()["items"]] == [at(3, 9)]
    assert aws_calls.count("dynamodb", "Query") == 1
    aws_calls.reset()
    r = front_desk.get(f"{SCHEDULE}?date={day}&provider=PatelR&days=7")
    assert [a["start"] for a in r.json()["items"]] == [at(3 + d, 9) for d in range(7)]
    assert aws_calls.count("dynamodb", "Query") == 1
    aws_calls.reset()
    r = front_desk.get(f"{SCHEDULE}?date={day}")   # the whole clinic's day
    assert sorted(a["provider"] for a in r.json()["items"]) == ["noaccessn", "patelr"]
    assert aws_calls.count("dynamodb", "Query") == 1
    r = front_desk.get(f"{SCHEDULE}?date={day}&days=7")
    assert (r.status, r.json()["error"]) == (400, "provider_required")
    r = front_desk.get(f"{SCHEDULE}?date=2026-13-01")
    assert (r.status, r.json()["error"]) == (400, "invalid_date")


def test_providers_are_active_clinicians(front_desk):
    r = front_desk.get("/api/clinics/SUNRISE/providers")
    assert [p["username"] for p in r.json()["items"]] == ["NoAccessN", "PatelR"]


def test_clinician_sees_their_own_day_and_workspace_etag_moves(front_desk, doctor, clock):
    from datetime import UTC, datetime

    today = datetime.fromtimestamp(clock.t, UTC).date().isoformat()
    w1 = doctor.get("/api/clinics/SUNRISE/workspace")
    assert w1.json()["schedule"] == {"date": today}
    assert doctor.get("/api/clinics/SUNRISE/workspace",
                      headers={"If-None-Match": w1.headers["ETag"]}).status == 304
    r = book(front_desk, start=at(0, 23, 30, now=clock.t), minutes=15)
    assert r.status == 201, r.text
    r = doctor.get("/api/clinics/SUNRISE/workspace", headers={"If-None-Match": w1.headers["ETag"]})
    assert r.status == 200   # their schedule changed
    mine = doctor.get("/api/clinics/SUNRISE/my-schedule")
    assert [a["start"] for a in mine.json()["items"]] == [at(0, 23, 30, now=clock.t)]
    # the front desk's own day is empty; the schedule itself needs appointments.manage
    assert front_desk.get("/api/clinics/SUNRISE/my-schedule").json()["items"] == []
    assert doctor.get(f"{SCHEDULE}?date={today}").status == 403


def test_changes_are_audited_without_the_reason(front_desk):
    a = book(front_desk, reason="Chest pain").json()["appointment"]
    front_desk.patch(f"{SCHEDULE}/{a['appointment_id']}", json={"reason": "Follow-up of chest pain"})
    front_desk.post(f"{SCHEDULE}/{a['appointment_id']}/cancel", json={})
    events = [i for i in table_items("audit_events") if i["kind"]["S"].startswith("appointment_")]
    assert sorted(e["kind"]["S"] for e in events) == ["appointment_booked", "appointment_cancelled",
                                                       "appointment_moved"]
    assert all("chest" not in str(e).lower() for e in events)
    assert all(e["details"]["M"]["patient_id"]["S"] == "P100" for e in events)
