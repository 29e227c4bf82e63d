"""The medications resource: PUT/DELETE /api/integration/v1/medications/{external_id}
writes a patient's medication list through the Refills use cases (the same records
staff keep, audited with the patient's id), idempotent by the EHR's own id."""
from __future__ import annotations

import pytest

from tests.conftest import LAKE_PW, login, table_items
from tests.integrations.helpers import KEYS, Ehr, audit_kinds, ehr, new_key
from tests.integrations.records_helpers import MEDICATION, medications
from tests.sections.section_world import PP, ann, ask

R = "medications"


def meds_ehr(gateway, admin, **kw) -> Ehr:
    return ehr(gateway, admin, scopes=kw.pop("scopes", ("medications",)), **kw)


def only(admin, pid="P100") -> dict:
    (item,) = medications(admin, pid)
    return item


def events(kind: str) -> list[dict]:
    return [i for i in table_items("audit_events") if i["kind"]["S"] == kind]


def test_a_new_medication_is_on_the_list_staff_and_the_patient_see(admin, gateway):
    person = ann(gateway, admin, "refills")
    r = meds_ehr(gateway, admin).put("RX-1", MEDICATION, resource=R)
    assert r.status == 201, r.text
    reply = r.json()
    assert (reply["resource"], reply["external_id"], reply["version"], reply["result"]) == (
        R, "RX-1", 1, "created")
    med = only(admin)
    assert med["medication_id"] == reply["id"]
    assert (med["name"], med["dose"], med["instructions"], med["prescriber"], med["refills_left"], med["active"]) == (
        "Lisinopril 10 mg tablet", "10 mg", "One tablet by mouth once a day", "Dr Raj Patel", 2, True)
    # The patient side sees it and may ask for a refill (active, refills left).
    mine = person.get(f"{PP}/medications").json()["items"]
    assert [m["medication_id"] for m in mine] == [reply["id"]]
    assert ask(person, reply["id"]).status == 201
    (event,) = events("medication_added")
    details = event["details"]["M"]
    assert details["patient_id"]["S"] == "P100" and details["external_id"]["S"] == "RX-1"
    assert details["key_name"]["S"] == "Epic production"
    assert event["actor"]["M"]["kind"]["S"] == "integration_key"


def test_the_same_body_twice_writes_once_and_a_change_updates(admin, gateway):
    client = meds_ehr(gateway, admin)
    assert client.put("RX-2", MEDICATION, resource=R).status == 201
    before_meds, before_audit = table_items("medications"), audit_kinds()
    again = client.put("RX-2", {**MEDICATION, "medication": "  Lisinopril 10 mg tablet "}, resource=R)
    assert (again.status, again.json()["result"], again.json()["version"]) == (200, "unchanged", 1)
    assert table_items("medications") == before_meds and audit_kinds() == before_audit
    # A change: the whole record (left out is removed; absent repeats are 0).
    body = {k: v for k, v in MEDICATION.items() if k not in ("requester", "numberOfRepeatsAllowed")}
    r = client.put("RX-2", {**body, "dose": "20 mg"}, resource=R)
    assert (r.status, r.json()["result"], r.json()["version"]) == (200, "updated", 2)
    med = only(admin)
    assert (med["dose"], med["prescriber"], med["refills_left"]) == ("20 mg", None, 0)
    (event,) = events("medication_changed")
    assert sorted(event["details"]["M"]["changes"]["M"]) == ["dose", "prescriber", "refills_left"]
    assert event["details"]["M"]["patient_id"]["S"] == "P100"


@pytest.mark.parametrize("status,active", [("active", True), ("on-hold", False), ("stopped", False),
                                           ("completed", False), ("cancelled", False),
                                           ("entered-in-error", False), ("draft", False), ("unknown", False)])
def test_fhir_status_maps_to_active(admin, gateway, status, active):
    r = meds_ehr(gateway, admin).put("RX-3", {**MEDICATION, "status": status}, resource=R)
    assert r.status == 201, r.text
    assert only(admin)["active"] is active


def test_stopping_a_medication_deactivates_it_and_refills_are_refused(admin, gateway):
    person = ann(gateway, admin, "refills")
    client = meds_ehr(gateway, admin)
    mid = client.put("RX-4", MEDICATION, resource=R).json()["id"]
    r = client.put("RX-4", {**MEDICATION, "status": "stopped"}, resource=R)
    assert r.json()["result"] == "updated"
    assert only(admin)["active"] is False
    assert audit_kinds().count("medication_deactivated") == 1
    refused = ask(person, mid)
    assert (refused.status, refused.json()["error"]) == (409, "medication_inactive")
    # stopped -> completed: another FHIR code, the same portal record: a change (version 3), written
    r = client.put("RX-4", {**MEDICATION, "status": "completed"}, resource=R)
    assert (r.status, r.json()["result"], r.json()["version"]) == (200, "updated", 3)


def test_delete_withdraws_and_an_open_refill_request_stays_for_staff(admin, gateway):
    person = ann(gateway, admin, "refills")
    client = meds_ehr(gateway, admin)
    mid = client.put("RX-5", MEDICATION, resource=R).json()["id"]
    request = ask(person, mid).json()["refill_request"]
    r = client.delete("RX-5", resource=R)
    assert (r.status, r.json()["result"], r.json()["version"]) == (200, "withdrawn", 2)
    med = only(admin)
    assert med["active"] is False                      # still on the list, inactive
    assert audit_kinds().count("medication_withdrawn") == 1
    # The patient's request waits for staff, who answer it (deny, with a note).
    queue = admin.get("/api/clinics/SUNRISE/refill-requests").json()["items"]
    assert [q["request_id"] for q in queue] == [request["request_id"]]
    denied = admin.post(f"/api/clinics/SUNRISE/refill-requests/{request['request_id']}/deny",
                        json={"note": "Your doctor stopped this medication."})
    assert denied.status == 200, denied.text
    again = client.delete("RX-5", resource=R)
    assert (again.status, again.json()["result"]) == (200, "unchanged")
    assert audit_kinds().count("medication_withdrawn") == 1
    # A later PUT restores it, with the body's values.
    back = client.put("RX-5", MEDICATION, resource=R)
    assert (back.json()["result"], back.json()["version"], back.json()["id"]) == ("updated", 3, mid)
    assert only(admin)["active"] is True
    missing = client.delete("RX-NEVER", resource=R)
    assert (missing.status, missing.json()["error"]) == (404, "external_record_not_found")


def test_scopes_are_enforced(admin, gateway):
    patients_only = ehr(gateway, admin)          # scopes: patients
    r = patients_only.put("RX-6", MEDICATION, resource=R)
    assert (r.status, r.json()["error"]) == (403, "scope_not_granted")
    assert patients_only.delete("RX-6", resource=R).status == 403
    assert medications(admin) == []
    meds_only = meds_ehr(gateway, admin)
    assert meds_only.put("RX-6", MEDICATION, resource=R).status == 201
    r = meds_only.delete("RX-6", resource=R.replace("medications", "statements"))
    assert (r.status, r.json()["error"]) == (403, "scope_not_granted")
    assert only(admin)["active"] is True


def test_a_revoked_key_is_refused(admin, gateway):
    out = new_key(admin, scopes=("medications",))
    client = Ehr(gateway, out["key"])
    assert client.put("RX-7", MEDICATION, resource=R).status == 201
    assert admin.post(f"{KEYS}/{out['integration_key']['key_id']}/revoke").status == 200
    for r in (client.put("RX-7", {**MEDICATION, "dose": "5 mg"}, resource=R), client.delete("RX-7", resource=R)):
        assert (r.status, r.json()["error"]) == (401, "not_authenticated")
    med = only(admin)
    assert (med["dose"], med["active"]) == ("10 mg", True)


def test_another_clinics_key_cannot_touch_sunrise_patients(admin, gateway):
    lake = gateway.browser()
    assert login(lake, "KimS", LAKE_PW, clinic="Lakeside").status == 200
    theirs = Ehr(gateway, new_key(lake, clinic="Lakeside", scopes=("medications",))["key"])
    ours = meds_ehr(gateway, admin)
    assert ours.put("RX-8", MEDICATION, resource=R).status == 201
    before = table_items("medications")
    # SUNRISE's P100 is no patient of Lakeside's: the same 400 as an unknown id.
    r = theirs.put("RX-9", MEDICATION, resource=R)
    assert (r.status, r.json()["error"], r.json()["field"]) == (400, "invalid_field", "patient")
    assert "Ann" not in r.text and "Lee" not in r.text
    # SUNRISE's external id is not Lakeside's record.
    assert theirs.delete("RX-8", resource=R).status == 404
    r = theirs.put("RX-8", {**MEDICATION, "patient": "L200"}, resource=R)
    assert r.status == 201                       # Lakeside's own medication for its own patient
    assert table_items("medications") != before
    assert only(admin)["active"] is True and len(medications(admin)) == 1


def test_a_medication_stays_with_its_patient(admin, gateway):
    client = meds_ehr(gateway, admin)
    assert client.put("RX-10", MEDICATION, resource=R).status == 201
    r = client.put("RX-10", {**MEDICATION, "patient": "P101"}, resource=R)
    assert (r.status, r.json()["field"]) == (400, "patient")
    assert medications(admin, "P101") == []
    # After a DELETE it may be sent for another patient: made anew for them.
    client.delete("RX-10", resource=R)
    r = client.put("RX-10", {**MEDICATION, "patient": "P101"}, resource=R)
    assert r.status == 200 and r.json()["result"] == "updated"
    assert [m["name"] for m in medications(admin, "P101")] == ["Lisinopril 10 mg tablet"]
    assert only(admin)["active"] is False


@pytest.mark.parametrize("field,value", [
    ("patient", "NOPE-1"), ("patient", "bad id"), ("patient", 100), ("medication", ""), ("medication", "x" * 201),
    ("medication", None), ("status", "finished"), ("status", "Active"), ("dose", 10), ("dose", "x" * 501),
    ("dosageInstruction", ["one"]), ("requester", "a\u0000b"), ("numberOfRepeatsAllowed", -1),
    ("numberOfRepeatsAllowed", 100), ("numberOfRepeatsAllowed", "2"), ("numberOfRepeatsAllowed", 2.0),
    ("numberOfRepeatsAllowed", True), ("resourceType", "MedicationRequest")])
def test_bad_fields_are_400_naming_the_field(admin, gateway, field, value):
    client = meds_ehr(gateway, admin)
    before = table_items("medications"), audit_kinds()
    r = client.put("RX-11", {**MEDICATION, field: value}, resource=R)
    assert r.status == 400, r.text
    assert (r.json()["error"], r.json()["field"]) == ("invalid_field", field)
    assert (table_items("medications"), audit_kinds()) == before


@pytest.mark.parametrize("missing", ["patient", "medication", "status"])
def test_missing_required_fields_are_named(admin, gateway, missing):
    body = {k: v for k, v in MEDICATION.items() if k != missing}
    r = meds_ehr(gateway, admin).put("RX-12", body, resource=R)
    assert (r.status, r.json()["field"]) == (400, missing)


def test_bad_external_ids_are_named(admin, gateway):
    client = meds_ehr(gateway, admin)
    for eid in ("bad%20id", "x" * 65, "a%2Fb"):
        r = client.put(eid, MEDICATION, resource=R)
        assert (r.status, r.json()["field"]) == (400, "external_id"), eid
    # FHIR ids are case sensitive: rx-13 and RX-13 are two records.
    assert client.put("RX-13", MEDICATION, resource=R).status == 201
    assert client.put("rx-13", MEDICATION, resource=R).status == 201
    assert len(medications(admin)) == 2
