"""The integration API and its keys on the wire: every documented status this test can
reach, checked against docs/openapi.yaml (schemas, error codes, Retry-After)."""
from __future__ import annotations

from tests.api.test_openapi import Wire
from tests.conftest import DESK_PW, login
from tests.integrations.helpers import API, KEYS, PATIENT, Ehr, new_key

KEYS_DOC = "/api/clinics/{clinic_id}/integration-keys"
REVOKE_DOC = KEYS_DOC + "/{key_id}/revoke"
RESOURCE_DOC = "/api/integration/v1/{resource}/{external_id}"


def test_integration_wire_matches_document(admin, gateway, clock, monkeypatch):
    from chalicelib.integrations import keys, rate, scopes

    # A planned scope whose resource is not wired (every listed one may be by now).
    monkeypatch.setitem(scopes.SCOPES, "statements", scopes.Scope("statements", "Billing statements", None))

    w = Wire()
    w.check(admin.get(KEYS), "GET", KEYS_DOC)
    r = w.check(admin.post(KEYS, json={"name": "Epic production", "scopes": ["patients"]}), "POST", KEYS_DOC)
    assert r.status == 201
    key, key_id = r.json()["key"], r.json()["integration_key"]["key_id"]
    w.check(admin.post(KEYS, json={"name": "X", "scopes": ["statements"]}), "POST", KEYS_DOC,
            code="scope_not_available")
    w.check(admin.post(KEYS, json={"name": "X", "scopes": ["nope"]}), "POST", KEYS_DOC, code="invalid_scope")
    desk = gateway.browser()
    assert login(desk, "SmithF", DESK_PW).status == 200
    w.check(desk.post(KEYS, json={"name": "X", "scopes": ["patients"]}), "POST", KEYS_DOC, code="forbidden")
    w.check(gateway.browser().get(KEYS), "GET", KEYS_DOC, code="not_authenticated")
    monkeypatch.setattr(keys, "KEY_LIMIT", 1)
    w.check(admin.post(KEYS, json={"name": "Y", "scopes": ["patients"]}), "POST", KEYS_DOC,
            code="integration_key_limit")

    ehr = Ehr(gateway, key)
    assert w.check(ehr.put("MRN-1", PATIENT), "PUT", RESOURCE_DOC).status == 201
    assert w.check(ehr.put("MRN-1", PATIENT), "PUT", RESOURCE_DOC).status == 200
    w.check(ehr.put("MRN-1", {**PATIENT, "birthDate": "1984-02-30"}), "PUT", RESOURCE_DOC, code="invalid_field")
    w.check(ehr.put("A-1", PATIENT, resource="statements"), "PUT", RESOURCE_DOC, code="resource_not_available")
    w.check(ehr.request("PUT", f"{API}/patients/MRN-1", body=b"x", headers={"content-type": "text/plain"}),
            "PUT", RESOURCE_DOC, code="unsupported_media_type")
    w.check(Ehr(gateway, "cpk_nope").put("MRN-1", PATIENT), "PUT", RESOURCE_DOC, code="not_authenticated")
    assert w.check(ehr.delete("MRN-1"), "DELETE", RESOURCE_DOC).status == 200
    w.check(ehr.delete("NEVER"), "DELETE", RESOURCE_DOC, code="external_record_not_found")
    w.check(ehr.delete("bad.id"), "DELETE", RESOURCE_DOC, code="invalid_field")
    monkeypatch.setattr(rate, "WRITES_PER_MINUTE", 0)
    r = w.check(ehr.put("MRN-1", PATIENT), "PUT", RESOURCE_DOC, code="rate_limited")
    assert int(r.header("Retry-After")) > 0
    w.check(ehr.delete("MRN-1"), "DELETE", RESOURCE_DOC, code="rate_limited")

    w.check(admin.post(f"{KEYS}/{'0' * 32}/revoke"), "POST", REVOKE_DOC, code="integration_key_not_found")
    assert w.check(admin.post(f"{KEYS}/{key_id}/revoke"), "POST", REVOKE_DOC).status == 200
    w.check(ehr.put("MRN-1", PATIENT), "PUT", RESOURCE_DOC, code="not_authenticated")
    w.check(admin.get("/api/clinics/SUNRISE/patients/MRN-1"), "GET", "/api/clinics/{clinic_id}/patients/{patient_id}")
    w.assert_ok()


def test_scope_not_granted_on_the_wire(admin, gateway, monkeypatch):
    from chalicelib.integrations import scopes

    monkeypatch.setitem(scopes.SCOPES, "statements",
                        scopes.Scope("statements", "Billing statements", "chalicelib.integrations.patients"))
    ehr = Ehr(gateway, new_key(admin, scopes=("statements",))["key"])
    w = Wire()
    w.check(ehr.put("MRN-2", PATIENT), "PUT", RESOURCE_DOC, code="scope_not_granted")
    w.check(ehr.delete("MRN-2"), "DELETE", RESOURCE_DOC, code="scope_not_granted")
    w.assert_ok()
