"""The `appointments` resource: an EHR's appointments written through the staff booking
use cases (slots, the patient's upcoming list, counters, audit), idempotent by the
EHR's id, scoped to the key's clinic."""
from __future__ import annotations

import pytest

from tests.conftest import LAKE_PW, login, table_items
from tests.integrations.ehr_samples import appointment
from tests.integrations.helpers import Ehr, audit_kinds, ehr, new_key
from tests.sections.appointments.helpers import SCHEDULE, at
from tests.sections.appointments.helpers import book as staff_book

HOME = "/api/portal/patients/P100/home"


@pytest.fixture
def client(admin, gateway):
    return ehr(gateway, admin, scopes=("appointments",))


def put(client, eid, body):
    return client.put(eid, body, resource="appointments")


def shown(admin, appointment_id):
    r = admin.get(f"{SCHEDULE}/{appointment_id}")
    assert r.status == 200, r.text
    return r.json()["appointment"]


def events(kind):
    return [i for i in table_items("audit_events") if i["kind"]["S"] == kind]


def test_a_booking_is_the_same_as_a_staff_booking(admin, gateway, client):
    from tests.portal_helpers import patient
    from tests.sections.documents.helpers import grant_sections

    r = put(client, "APT-1", appointment(start="2030-01-01T14:05:00+02:00"))
    assert r.status == 201, r.text
    reply = r.json()
    assert (reply["resource"], reply["external_id"], reply["version"], reply["result"]) == (
        "appointments", "APT-1", 1, "created")
    a = shown(admin, reply["id"])
    assert (a["patient_id"], a["provider"], a["start"], a["minutes"], a["status"], a["reason"], a["location"]) == (
        "P100", "patelr", "2030-01-01T12:05:00Z", 30, "booked", "Knee pain", "Room 2")
    assert a["booked_by"] == "Integration key “Epic production”" and a["forced"] is False
    # The staff day view and the patient's home see it (the same counters and list).
    day = admin.get(f"{SCHEDULE}?date=2030-01-01").json()["items"]
    assert [i["appointment_id"] for i in day] == [reply["id"]]
    grant_sections(admin)
    ann = patient(gateway)
    tile = next(t for t in ann.get(HOME).json()["tiles"] if t["section"] == "appointments")
    assert tile["attention"] == {"count": 1, "text": "Next: Tue 1 Jan 12:05 UTC"}
    # The provider's time is taken: staff cannot book over it without forcing.
    r = staff_book(admin, start="2030-01-01T12:15:00Z", patient_id="P101")
    assert (r.status, r.json()["error"]) == (409, "provider_busy")
    (event,) = events("appointment_booked")
    assert event["actor"]["M"]["kind"]["S"] == "integration_key"
    details = event["details"]["M"]
    assert details["external_id"]["S"] == "APT-1" and details["patient_id"]["S"] == "P100"
    assert "Knee" not in repr(event)


def test_the_same_body_twice_writes_once(client):
    body = appointment()
    assert put(client, "APT-2", body).status == 201
    before, kinds = table_items("appointments"), audit_kinds()
    # Same body, the practitioner's case and the offset spelled differently: the same appointment.
    again = put(client, "APT-2", {**body, "practitioner": "patelr", "start": body["start"].replace("Z", "+00:00")})
    assert again.status == 200 and again.json()["result"] == "unchanged" and again.json()["version"] == 1
    assert table_items("appointments") == before and audit_kinds() == kinds


def test_a_changed_body_moves_and_changes_the_status_in_one_write(admin, client):
    first = put(client, "APT-3", appointment()).json()
    r = put(client, "APT-3", appointment(start=at(3, 11), minutesDuration=45, status="arrived", description="Hip"))
    assert r.status == 200 and r.json()["result"] == "updated" and r.json()["version"] == 2
    assert r.json()["id"] == first["id"]
    a = shown(admin, first["id"])
    assert (a["start"], a["minutes"], a["status"], a["reason"]) == (at(3, 11), 45, "arrived", "Hip")
    (moved,) = events("appointment_moved")
    changes = moved["details"]["M"]["changes"]["M"]
    assert changes["reason"]["S"] == "changed" and "start" in changes and "Hip" not in repr(moved)
    assert len(events("appointment_status_changed")) == 1
    # The old time is free again, the new one is not.
    assert staff_book(admin, start=at(3, 9), patient_id="P101").status == 201
    assert staff_book(admin, start=at(3, 11, 30), patient_id="P101").status == 409


def test_an_overlap_is_booked_anyway_and_marked_forced(admin, client):
    """The EHR is the source of truth for its schedule: no 409 provider_busy."""
    staff = staff_book(admin, start=at(3, 9), patient_id="P101").json()["appointment"]
    r = put(client, "APT-4", appointment(start=at(3, 9, 15)))
    assert r.status == 201, r.text
    assert shown(admin, r.json()["id"])["forced"] is True
    assert shown(admin, staff["appointment_id"])["status"] == "booked"
    (event,) = [e for e in events("appointment_booked") if e["actor"]["M"]["kind"]["S"] == "integration_key"]
    assert event["details"]["M"]["forced"]["BOOL"] is True
    # Without an overlap the flag stays off.
    assert shown(admin, put(client, "APT-5", appointment(start=at(4, 9))).json()["id"])["forced"] is False


def test_delete_cancels_and_frees_the_time_and_a_later_put_books_again(admin, client):
    first = put(client, "APT-6", appointment()).json()
    r = client.delete("APT-6", resource="appointments")
    assert r.status == 200 and r.json()["result"] == "withdrawn" and r.json()["version"] == 2
    a = shown(admin, first["id"])
    assert a["status"] == "cancelled" and a["cancelled_by"] == "Integration key “Epic production”"
    assert len(events("appointment_cancelled")) == 1
    assert client.delete("APT-6", resource="appointments").json()["result"] == "unchanged"
    assert len(events("appointment_cancelled")) == 1
    # The EHR books it again: a new portal appointment (the cancelled one stays in history).
    again = put(client, "APT-6", appointment())
    assert again.status == 200 and again.json()["version"] == 3 and again.json()["id"] != first["id"]
    assert shown(admin, again.json()["id"])["status"] == "booked"
    assert shown(admin, first["id"])["status"] == "cancelled"
    # Status cancelled in a PUT cancels too.
    r = put(client, "APT-6", appointment(status="cancelled"))
    assert r.status == 200 and shown(admin, again.json()["id"])["status"] == "cancelled"
    assert len(events("appointment_cancelled")) == 2


def test_a_cancellation_in_the_portal_is_not_undone(admin, client):
    first = put(client, "APT-7", appointment()).json()
    assert admin.post(f"{SCHEDULE}/{first['id']}/cancel", json={"note": "Patient called"}).status == 200
    before = table_items("appointments")
    r = put(client, "APT-7", appointment(start=at(3, 10)))
    assert (r.status, r.json()["error"]) == (409, "appointment_cancelled")
    assert table_items("appointments") == before
    # Telling the portal it is cancelled is fine.
    assert put(client, "APT-7", appointment(start=at(3, 10), status="cancelled")).status == 200


def test_the_patient_of_an_appointment_does_not_change(client):
    put(client, "APT-8", appointment())
    r = put(client, "APT-8", appointment(patient="P101"))
    assert (r.status, r.json()["error"]) == (409, "appointment_patient_changed")


@pytest.mark.parametrize("field,value", [
    ("status", "proposed"), ("status", None), ("start", "2030-01-01T09:00:00"), ("start", "2030-01-01T09:02:00Z"),
    ("start", "tomorrow"), ("minutesDuration", 7), ("minutesDuration", 240), ("minutesDuration", "30"),
    ("patient", "NOPE-1"), ("patient", "bad id"), ("practitioner", "SmithF"), ("practitioner", "NobodyX"),
    ("practitioner", "x"), ("description", "x" * 501), ("location", "Room\n2"), ("videoLink", "http://v.example"),
    ("participant", [])])
def test_bad_fields_are_400_naming_the_field(admin, client, field, value):
    r = put(client, "APT-9", {**appointment(), field: value})
    assert r.status == 400, r.text
    assert r.json()["error"] == "invalid_field" and r.json()["field"] == field and r.json()["message"]
    assert table_items("appointments") == []


def test_missing_fields_and_bad_ids_name_them(client):
    body = {k: v for k, v in appointment().items() if k != "start"}
    r = put(client, "APT-10", body)
    assert (r.status, r.json()["field"]) == (400, "start")
    r = put(client, "bad id", appointment())
    assert (r.status, r.json()["field"]) == (400, "external_id")
    assert put(client, "x" * 65, appointment()).json()["field"] == "external_id"


def test_scope_cross_clinic_and_revoked_keys(admin, gateway, client):
    patients_only = ehr(gateway, admin, name="Patients only")
    r = put(patients_only, "APT-11", appointment())
    assert (r.status, r.json()["error"]) == (403, "scope_not_granted")
    assert patients_only.delete("APT-11", resource="appointments").status == 403
    assert table_items("appointments") == []
    assert put(client, "APT-11", appointment()).status == 201
    # Lakeside's key: SUNRISE's patient and clinician are not theirs, nor SUNRISE's record.
    lake = gateway.browser()
    assert login(lake, "KimS", LAKE_PW, clinic="Lakeside").status == 200
    theirs = Ehr(gateway, new_key(lake, clinic="Lakeside", scopes=("appointments",))["key"])
    r = put(theirs, "APT-12", appointment())
    assert (r.status, r.json()["field"]) == (400, "patient")
    r = put(theirs, "APT-12", appointment(patient="L200"))
    assert (r.status, r.json()["field"]) == (400, "practitioner")
    r = put(theirs, "APT-12", appointment(patient="L200", practitioner="KimS"))
    assert (r.status, r.json()["field"]) == (400, "practitioner")   # an admin, not a clinician
    r = theirs.delete("APT-11", resource="appointments")
    assert (r.status, r.json()["error"]) == (404, "external_record_not_found")
    assert [a["status"]["S"] for a in table_items("appointments")] == ["booked"]
    # Revoked: refused like any unknown key.
    (key_id,) = [k["key_id"] for k in admin.get("/api/clinics/SUNRISE/integration-keys").json()["items"]
                 if k["name"] == "Epic production"]
    assert admin.post(f"/api/clinics/SUNRISE/integration-keys/{key_id}/revoke").status == 200
    r = put(client, "APT-13", appointment(start=at(5, 9)))
    assert (r.status, r.json()["error"]) == (401, "not_authenticated")
