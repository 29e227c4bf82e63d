"""The integration API an EHR calls: PUT/DELETE /api/integration/v1/{resource}/{external_id}
with `Authorization: Bearer <key>`: idempotent by the EHR's own id, scoped, audited,
rate-limited, 400 naming the field, one generic 401."""
from __future__ import annotations

import pytest

from tests.conftest import LAKE_PW, login, table_items
from tests.integrations.helpers import API, KEYS, PATIENT, Ehr, audit_kinds, ehr, new_key


def patient(admin, pid):
    r = admin.get(f"/api/clinics/SUNRISE/patients/{pid}")
    return r.json()["patient"] if r.status == 200 else None


def test_a_new_patient_is_created_through_the_staff_use_case(admin, gateway):
    r = ehr(gateway, admin).put("mrn-100", PATIENT)
    assert r.status == 201, r.text
    assert r.json() == {"resource": "patients", "external_id": "MRN-100", "id": "MRN-100", "version": 1,
                        "result": "created"}
    p = patient(admin, "MRN-100")
    assert (p["last_name"], p["first_name"], p["date_of_birth"], p["region"], p["postal_code"]) == (
        "Rivera", "Lucía", "1984-07-09", "FL", "33323")
    # The same search keys as staff's patients: found by name, accents folded.
    found = admin.get("/api/clinics/SUNRISE/patients?q=rivera, lucia").json()["items"]
    assert [i["patient_id"] for i in found] == ["MRN-100"]
    (event,) = [i for i in table_items("audit_events") if i["kind"]["S"] == "patient_created"]
    details = event["details"]["M"]
    assert details["key_name"]["S"] == "Epic production" and details["external_id"]["S"] == "MRN-100"
    assert event["actor"]["M"]["kind"]["S"] == "integration_key"


def test_the_same_body_twice_writes_once(admin, gateway):
    client = ehr(gateway, admin)
    assert client.put("MRN-101", PATIENT).status == 201
    before_patients, before_audit = table_items("patients"), audit_kinds()
    # The same body (white space and case that normalize away included): nothing written.
    again = client.put("mrn-101", {**PATIENT, "givenName": "  Lucía ", "postalCode": "33323"})
    assert again.status == 200, again.text
    assert again.json()["version"] == 1 and again.json()["result"] == "unchanged"
    assert table_items("patients") == before_patients
    assert audit_kinds() == before_audit
    assert audit_kinds().count("patient_created") == 1


def test_a_changed_body_updates_and_is_audited(admin, gateway):
    client = ehr(gateway, admin)
    client.put("MRN-102", PATIENT)
    r = client.put("MRN-102", {**PATIENT, "city": "Weston", "phone": None})
    assert r.status == 200 and r.json()["version"] == 2 and r.json()["result"] == "updated"
    p = patient(admin, "MRN-102")
    assert p["city"] == "Weston" and p["phone"] is None
    (event,) = [i for i in table_items("audit_events") if i["kind"]["S"] == "patient_updated"]
    assert sorted(f["S"] for f in event["details"]["M"]["fields"]["L"]) == ["city", "phone"]
    assert "Weston" not in repr(event)   # field names, never values
    # Left out is removed too: a PUT is the whole record.
    body = {k: v for k, v in PATIENT.items() if k != "email"}
    assert client.put("MRN-102", body).json()["version"] == 3
    assert patient(admin, "MRN-102")["email"] is None


def test_a_patient_staff_added_is_adopted(admin, gateway):
    r = ehr(gateway, admin).put("P100", PATIENT)   # the seeded Ann Lee
    assert r.status == 201 and r.json()["id"] == "P100"
    assert patient(admin, "P100")["last_name"] == "Rivera"
    assert "patient_updated" in audit_kinds() and "patient_created" not in audit_kinds()


def test_delete_withdraws_and_keeps_portal_access(admin, gateway):
    client = ehr(gateway, admin)
    client.put("P100", PATIENT)
    grants_before = table_items("access_grants")
    r = client.delete("P100")
    assert r.status == 200 and r.json()["result"] == "withdrawn" and r.json()["version"] == 2
    p = patient(admin, "P100")
    assert p is not None and p["withdrawn_at"] is not None
    assert table_items("access_grants") == grants_before   # portal logins and grants untouched
    assert audit_kinds().count("patient_withdrawn") == 1
    again = client.delete("P100")
    assert again.status == 200 and again.json()["result"] == "unchanged"
    assert audit_kinds().count("patient_withdrawn") == 1
    # A later PUT restores the patient.
    back = client.put("P100", PATIENT)
    assert back.status == 200 and back.json()["version"] == 3
    assert patient(admin, "P100")["withdrawn_at"] is None
    missing = client.delete("NEVER-SENT")
    assert (missing.status, missing.json()["error"]) == (404, "external_record_not_found")


def test_a_key_without_the_scope_is_refused(admin, gateway, monkeypatch):
    from chalicelib.integrations import scopes

    # A key limited to a wired resource other than patients (a second one, wired for the test).
    monkeypatch.setitem(scopes.SCOPES, "appointments",
                        scopes.Scope("appointments", "Appointments", "chalicelib.integrations.patients"))
    client = ehr(gateway, admin, scopes=("appointments",))
    r = client.put("MRN-103", PATIENT)
    assert (r.status, r.json()["error"]) == (403, "scope_not_granted")
    assert client.delete("MRN-103").status == 403
    assert patient(admin, "MRN-103") is None


def test_resources_not_yet_available_and_unknown_ones_are_404(admin, gateway, monkeypatch):
    from chalicelib.integrations import scopes

    # A planned scope whose resource is not wired (every listed one may be by now).
    monkeypatch.setitem(scopes.SCOPES, "statements", scopes.Scope("statements", "Billing statements", None))
    client = ehr(gateway, admin)
    r = client.put("A1", {"status": "booked"}, resource="statements")
    assert (r.status, r.json()["error"]) == (404, "resource_not_available")
    r = client.put("A1", {}, resource="spaceships")
    assert (r.status, r.json()["error"]) == (404, "unknown_resource")


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer ", "Basic abc", "Bearer cpk_", "Bearer cpk_" + "0" * 32 + "_" + "A" * 43,
    "Bearer cpk_" + "G" * 32 + "_" + "A" * 43, "Bearer " + "x" * 5000, "Bearer cpk_\u00e9\u0000"])
def test_malformed_or_unknown_keys_get_one_generic_401(admin, gateway, header):
    gateway_browser = gateway.browser(origin=None)
    r = gateway_browser.request("PUT", f"{API}/patients/MRN-104", json=PATIENT,
                                headers={"authorization": header})
    assert r.status == 401 and r.json() == {
        "error": "not_authenticated", "message": "Send a valid integration key: Authorization: Bearer cpk_..."}
    assert table_items("patients") and patient(admin, "MRN-104") is None


def test_a_wrong_secret_for_a_real_key_is_the_same_401(admin, gateway):
    key = new_key(admin)["key"]
    wrong = key[:-1] + ("A" if key[-1] != "A" else "B")
    r = Ehr(gateway, wrong).put("MRN-105", PATIENT)
    assert r.status == 401 and r.json()["error"] == "not_authenticated"


def test_a_session_is_not_a_key(admin):
    # The administrator's own cookie (and a session token as a bearer) reach nothing here.
    r = admin.request("PUT", f"{API}/patients/MRN-106", json=PATIENT)
    assert (r.status, r.json()["error"]) == (401, "not_authenticated")


def test_another_clinics_key_writes_only_its_own_clinic(admin, gateway):
    lake = gateway.browser()
    assert login(lake, "KimS", LAKE_PW, clinic="Lakeside").status == 200
    theirs = Ehr(gateway, new_key(lake, clinic="Lakeside")["key"])
    ours = ehr(gateway, admin)
    assert ours.put("SHARED-1", PATIENT).status == 201
    # The same external id from Lakeside's EHR is Lakeside's own patient.
    r = theirs.put("SHARED-1", {**PATIENT, "familyName": "Lakeman"})
    assert r.status == 201
    assert patient(admin, "SHARED-1")["last_name"] == "Rivera"
    # ... and it cannot touch SUNRISE's P100.
    assert theirs.delete("P100").status == 404
    assert patient(admin, "P100")["withdrawn_at"] is None


@pytest.mark.parametrize("field,value", [
    ("birthDate", "1984-02-30"), ("birthDate", "2999-01-01"), ("birthDate", 19840709),
    ("familyName", "R2D2"), ("givenName", ""), ("email", "not-an-email"), ("phone", "12"),
    ("postalCode", "!!"), ("city", "x" * 500), ("nickname", "Lu")])
def test_bad_fields_are_400_naming_the_field(admin, gateway, field, value):
    r = ehr(gateway, admin).put("MRN-107", {**PATIENT, field: value})
    assert r.status == 400, r.text
    body = r.json()
    assert body["error"] == "invalid_field" and body["field"] == field and body["message"]
    assert patient(admin, "MRN-107") is None


def test_missing_fields_and_bad_ids_name_them(admin, gateway):
    client = ehr(gateway, admin)
    body = {k: v for k, v in PATIENT.items() if k != "birthDate"}
    r = client.put("MRN-108", body)
    assert (r.status, r.json()["error"], r.json()["field"]) == (400, "invalid_field", "birthDate")
    r = client.put("bad.id", PATIENT)
    assert (r.status, r.json()["field"]) == (400, "external_id")
    r = client.request("PUT", f"{API}/patients/MRN-108", body=b"{not json",
                       headers={"content-type": "application/json"})
    assert (r.status, r.json()["error"]) == (400, "invalid_json")


def test_writes_are_rate_limited_per_key(admin, gateway, clock, monkeypatch):
    from chalicelib.integrations import rate

    monkeypatch.setattr(rate, "WRITES_PER_MINUTE", 3)
    clock.t = (clock.t // 60) * 60 + 10   # ten seconds into a minute
    client, other = ehr(gateway, admin), ehr(gateway, admin, name="Second")
    assert [client.put("MRN-109", PATIENT).status for _ in range(3)] == [201, 200, 200]
    r = client.put("MRN-109", {**PATIENT, "city": "Weston"})
    assert (r.status, r.json()["error"]) == (429, "rate_limited")
    assert r.header("Retry-After") == "50"
    assert patient(admin, "MRN-109")["city"] == "Sunrise"
    assert other.put("MRN-110", PATIENT).status == 201   # per key
    clock.advance(50)
    assert client.put("MRN-109", {**PATIENT, "city": "Weston"}).status == 200


def test_reads_and_no_ops_write_no_audit_event(admin, gateway):
    client = ehr(gateway, admin)
    client.put("MRN-111", PATIENT)
    n = len(table_items("audit_events"))
    for _ in range(3):
        assert client.put("MRN-111", PATIENT).json()["result"] == "unchanged"
    assert len(table_items("audit_events")) == n
    assert admin.get(KEYS).status == 200
