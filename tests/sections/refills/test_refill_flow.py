"""Refills: staff keep the medication list; the patient asks; staff approve or deny;
the patient sees the status and is emailed that it changed (never the drug)."""
import threading

import pytest

from tests.portal_helpers import clinician, desk, patient, sent_messages
from tests.sections.section_world import MEDS, PP, QUEUE, add_med, ann, ask, audit_of


@pytest.fixture
def world(gateway, admin):
    person = ann(gateway, admin, "refills")
    return admin, person


def test_request_then_approve_decrements_and_emails_without_the_drug(world, gateway):
    staff, person = world
    med = add_med(staff)
    r = ask(person, med["medication_id"], note="Running low")
    assert r.status == 201, r.text
    req = r.json()["refill_request"]
    assert req["status"] == "requested" and req["medication_name"] == "Lisinopril"
    assert "requested_by" not in req   # the patient shape
    # the patient's medication shows the waiting request; the home says so
    mine = person.get(f"{PP}/medications").json()["items"]
    assert mine[0]["refill_requested"] is True
    tile = {t["section"]: t for t in person.get(f"{PP}/home").json()["tiles"]}["refills"]
    assert tile["attention"]["text"] == "1 request in progress"
    # the clinic queue and the workspace count
    desk_b = desk(gateway)
    queue = desk_b.get(QUEUE).json()["items"]
    assert [q["request_id"] for q in queue] == [req["request_id"]]
    work = {i["key"]: i for i in desk_b.get("/api/clinics/SUNRISE/workspace").json()["items"]}
    assert work["refills_requested"]["count"] == 1
    before = len(sent_messages())
    r = desk_b.post(f"{QUEUE}/{req['request_id']}/approve", json={"note": "Sent to your pharmacy"})
    assert r.status == 200, r.text
    assert r.json()["refill_request"]["status"] == "approved"
    # refills_left went down by one, the queue is empty, the workspace too
    meds = staff.get(MEDS).json()["items"]
    assert meds[0]["refills_left"] == 1 and meds[0]["refill_requested"] is False
    assert desk_b.get(QUEUE).json()["items"] == []
    work = {i["key"]: i for i in desk_b.get("/api/clinics/SUNRISE/workspace").json()["items"]}
    assert work["refills_requested"]["count"] == 0
    # one email to Ann, naming the clinic, not the drug, the dose, the pharmacy or the notes
    new = sent_messages()[before:]
    assert len(new) == 1 and new[0].destinations["ToAddresses"] == ["ann@example.com"]
    text = (new[0].subject + new[0].body).lower()
    assert "refill request" in text and "sunrise" in text
    for secret in ("lisinopril", "10 mg", "main st", "running low", "sent to your pharmacy", "ann lee"):
        assert secret not in text, secret
    # Ann's home says it was answered until she looks at her requests
    tile = {t["section"]: t for t in person.get(f"{PP}/home").json()["tiles"]}["refills"]
    assert tile["attention"]["text"] == "1 request answered"
    items = person.get(f"{PP}/refill-requests").json()["items"]
    assert items[0]["status"] == "approved" and items[0]["staff_note"] == "Sent to your pharmacy"
    tile = {t["section"]: t for t in person.get(f"{PP}/home").json()["tiles"]}["refills"]
    assert tile["attention"]["text"] == "Nothing new"
    # audited with the patient's id
    for kind in ("medication_added", "refill_requested", "refill_approved"):
        (event,) = audit_of(kind)
        assert event["details"]["M"]["patient_id"]["S"] == "P100"


def test_deny_with_a_note_keeps_the_refills(world, gateway):
    staff, person = world
    med = add_med(staff)
    rid = ask(person, med["medication_id"]).json()["refill_request"]["request_id"]
    r = clinician(gateway).post(f"{QUEUE}/{rid}/deny", json={"note": "  "})
    assert (r.status, r.json()["error"]) == (400, "invalid_request") and "note" in r.json()["message"]
    assert staff.get(QUEUE).json()["items"][0]["status"] == "requested"
    r = clinician(gateway).post(f"{QUEUE}/{rid}/deny", json={"note": "Please book a check-up first"})
    assert r.status == 200, r.text
    assert staff.get(MEDS).json()["items"][0]["refills_left"] == 2
    items = person.get(f"{PP}/refill-requests").json()["items"]
    assert (items[0]["status"], items[0]["staff_note"]) == ("denied", "Please book a check-up first")
    # answered once only
    r = staff.post(f"{QUEUE}/{rid}/approve", json={})
    assert (r.status, r.json()["error"]) == (409, "refill_request_answered")
    # and a new request may be made now
    assert ask(person, med["medication_id"]).status == 201


def test_inactive_and_no_refills_left_are_refused_in_plain_words(world):
    staff, person = world
    empty = add_med(staff, name="Metformin", refills_left=0)
    r = ask(person, empty["medication_id"])
    assert (r.status, r.json()["error"]) == (409, "no_refills_left")
    assert "no refills left" in r.json()["message"]
    med = add_med(staff)
    r = staff.patch(f"{MEDS}/{med['medication_id']}", json={"active": False}, headers={"If-Match": '"0"'})
    assert r.status == 200, r.text
    assert r.json()["medication"]["active"] is False
    r = ask(person, med["medication_id"])
    assert (r.status, r.json()["error"]) == (409, "medication_inactive")
    assert "no longer active" in r.json()["message"]
    assert staff.get(QUEUE).json()["items"] == []
    assert audit_of("refill_requested") == []


def test_one_open_request_per_medication(world):
    staff, person = world
    med = add_med(staff)
    assert ask(person, med["medication_id"]).status == 201
    r = ask(person, med["medication_id"])
    assert (r.status, r.json()["error"]) == (409, "refill_already_requested")


def test_two_requests_at_once_only_one_wins(world, gateway, atomic_dynamodb):
    staff, person = world
    med = add_med(staff)
    other = patient(gateway)   # a second browser of Ann
    results = []
    barrier = threading.Barrier(2)

    def go(b):
        barrier.wait()
        results.append(ask(b, med["medication_id"]).status)

    threads = [threading.Thread(target=go, args=(b,)) for b in (person, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [201, 409]
    assert len(staff.get(QUEUE).json()["items"]) == 1
    from chalicelib.sections import counters

    items = counters.read("sunrise", [counters.CLINIC])
    assert counters.count(items, counters.CLINIC, "refills_requested") == 1


def test_medication_edits_need_the_current_revision(world, gateway):
    staff, _ = world
    med = add_med(staff)
    url = f"{MEDS}/{med['medication_id']}"
    r = staff.patch(url, json={"dose": "20 mg"}, headers={"If-Match": '"0"'})
    assert r.status == 200 and r.json()["medication"]["revision"] == 1
    r = staff.patch(url, json={"dose": "5 mg"}, headers={"If-Match": '"0"'})
    assert (r.status, r.json()["error"]) == (409, "conflict")
    assert staff.get(MEDS).json()["items"][0]["dose"] == "20 mg"
    (event,) = audit_of("medication_changed")
    assert event["details"]["M"]["patient_id"]["S"] == "P100"
    # a front desk (no medications.manage) may not
    r = desk(gateway).patch(url, json={"dose": "1 mg"})
    assert (r.status, r.json()["error"]) == (403, "forbidden")


def test_a_patient_cannot_ask_for_another_patients_medication(world, gateway):
    staff, person = world
    r = staff.post("/api/clinics/SUNRISE/medications/P101", json={"name": "Ventolin", "refills_left": 3})
    other = r.json()["medication"]["medication_id"]
    r = ask(person, other)
    assert (r.status, r.json()["error"]) == (404, "medication_not_found")


def test_lists_are_one_query_a_page(world, aws_calls):
    staff, person = world
    med = add_med(staff)
    ask(person, med["medication_id"])
    for browser, url in ((staff, MEDS), (staff, QUEUE), (person, f"{PP}/medications"),
                         (person, f"{PP}/refill-requests")):
        aws_calls.reset()
        assert browser.get(url).status == 200
        assert aws_calls.count("dynamodb", "Query") == 1, url
        assert aws_calls.count("dynamodb", "Scan") == 0


def test_views_are_access_logged(world):
    staff, person = world
    add_med(staff)
    person.get(f"{PP}/medications")
    staff.get(MEDS)
    events = audit_of("section_viewed")
    assert len(events) == 2
    assert {e["details"]["M"]["patient_id"]["S"] for e in events} == {"P100"}
    assert {e["details"]["M"]["section"]["S"] for e in events} == {"refills"}


