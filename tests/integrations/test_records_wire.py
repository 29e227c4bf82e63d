"""The medications and statements resources against docs/openapi.yaml: their body
classes and the documented request schemas agree (fields, required, types), the
documented examples are accepted on the wire, and every reply this test can reach
matches the document. Also the key matrix of these resources: every session
identity and every wrong key is refused, and nothing changes."""
from __future__ import annotations

import pytest

from tests.api.test_openapi import Wire, load_doc, resolve, schema_errors
from tests.conftest import LAKE_PW, PATIENT_PW, login
from tests.integrations.helpers import KEYS, Ehr, new_key
from tests.integrations.records_helpers import MEDICATION, STATEMENT
from tests.portal_helpers import all_tables

RESOURCE_DOC = "/api/integration/v1/{resource}/{external_id}"
SCHEMAS = {"medications": "IntegrationMedicationRequest", "statements": "IntegrationStatementRequest"}
BODIES = {"medications": MEDICATION, "statements": STATEMENT}


def body_class(resource):
    from chalicelib.integrations import scopes

    return scopes.resource(resource).body


@pytest.mark.parametrize("resource", sorted(SCHEMAS))
def test_documented_fields_match_the_body_class(resource):
    doc = load_doc()
    schema = doc["components"]["schemas"][SCHEMAS[resource]]
    cls = body_class(resource)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(cls.specs())
    assert set(schema["required"]) == set(cls.required_names())
    for name, (parser, _) in cls.specs().items():
        prop, _ = resolve(doc, schema["properties"][name], "")
        types = prop.get("type")
        types = set(types) if isinstance(types, list) else {types}
        assert parser.json_type in types, (name, parser.json_type, types)
    pointer = f"#/components/schemas/{SCHEMAS[resource]}"
    assert schema_errors(pointer, schema["example"]) == []
    assert schema_errors(pointer, BODIES[resource]) == []
    # What the document says is refused is refused by the schema too.
    assert schema_errors(pointer, {**BODIES[resource], "resourceType": "X"})


def test_statement_amounts_are_documented_as_strings():
    doc = load_doc()
    pointer = "#/components/schemas/IntegrationStatementLine"
    ok = {"serviceDate": "2026-11-02", "description": "Visit", "charge": "120.50", "payment": None}
    assert schema_errors(pointer, ok) == []
    assert schema_errors(pointer, {**ok, "charge": 120.5})
    assert schema_errors(pointer, {**ok, "charge": "-1.00"})
    assert doc["components"]["schemas"]["IntegrationAmount"]["type"] == ["string", "null"]


def test_wire_matches_document(admin, gateway):
    doc = load_doc()
    key = new_key(admin, scopes=("medications", "statements"))["key"]
    ehr = Ehr(gateway, key)
    w = Wire()
    for resource, schema in SCHEMAS.items():
        example = doc["components"]["schemas"][schema]["example"]
        assert w.check(ehr.put("EX-1", example, resource=resource), "PUT", RESOURCE_DOC).status == 201
        r = w.check(ehr.put("EX-1", example, resource=resource), "PUT", RESOURCE_DOC)
        assert r.json()["result"] == "unchanged"
        assert w.check(ehr.delete("EX-1", resource=resource), "DELETE", RESOURCE_DOC).json()["result"] == "withdrawn"
        assert w.check(ehr.delete("EX-1", resource=resource), "DELETE", RESOURCE_DOC).json()["result"] == "unchanged"
        assert w.check(ehr.put("EX-1", example, resource=resource), "PUT", RESOURCE_DOC).json()["result"] == "updated"
        w.check(ehr.put("EX-2", {**example, "patient": "NOPE"}, resource=resource), "PUT", RESOURCE_DOC,
                code="invalid_field")
        w.check(ehr.put("bad id", example, resource=resource), "PUT", RESOURCE_DOC, code="invalid_field")
        w.check(ehr.delete("NEVER", resource=resource), "DELETE", RESOURCE_DOC, code="external_record_not_found")
    lines = [{"serviceDate": "2026-11-02", "description": "Visit", "charge": 120.5}]
    r = w.check(ehr.put("EX-3", {**STATEMENT, "lines": lines}, resource="statements"), "PUT", RESOURCE_DOC,
                code="invalid_field")
    assert r.json()["field"] == "lines[0].charge"
    w.check(ehr.put("EX-3", {**STATEMENT, "currency": "EUR"}, resource="statements"), "PUT", RESOURCE_DOC,
            code="invalid_field")
    patients_only = Ehr(gateway, new_key(admin, name="Patients only")["key"])
    for resource, body in BODIES.items():
        w.check(patients_only.put("EX-4", body, resource=resource), "PUT", RESOURCE_DOC, code="scope_not_granted")
        w.check(patients_only.delete("EX-1", resource=resource), "DELETE", RESOURCE_DOC, code="scope_not_granted")
    w.assert_ok()


# ---------------------------------------------------------------- the key matrix

def _identities(admin, gateway) -> dict:
    """Every caller that must be refused, with the (status, code) it must get."""
    lake = gateway.browser()
    assert login(lake, "KimS", LAKE_PW, clinic="Lakeside").status == 200
    patient = gateway.browser()
    assert login(patient, "ann@example.com", PATIENT_PW, login_type="patient").status == 200
    revoked = new_key(admin, name="Revoked", scopes=("medications", "statements"))
    assert admin.post(f"{KEYS}/{revoked['integration_key']['key_id']}/revoke").status == 200
    return {
        "no_key": (gateway.browser(origin=None), None, (401, "not_authenticated")),
        "admin_cookie": (admin, None, (401, "not_authenticated")),
        "patient_cookie": (patient, None, (401, "not_authenticated")),
        "revoked_key": (gateway.browser(origin=None), revoked["key"], (401, "not_authenticated")),
        "patients_only_key": (gateway.browser(origin=None), new_key(admin, name="P")["key"],
                              (403, "scope_not_granted")),
        # Lakeside's key with both scopes: SUNRISE's records and patients are not its.
        "other_clinic_key": (gateway.browser(origin=None),
                             new_key(lake, clinic="Lakeside", scopes=("medications", "statements"))["key"], None),
    }


def test_every_wrong_caller_is_refused_and_nothing_changes(admin, gateway):
    ours = Ehr(gateway, new_key(admin, name="Ours", scopes=("medications", "statements"))["key"])
    for resource, body in BODIES.items():
        assert ours.put("MINE-1", body, resource=resource).status == 201
    identities = _identities(admin, gateway)
    wire = Wire()
    for name, (browser, key, want) in identities.items():
        headers = {"authorization": f"Bearer {key}"} if key else {}
        for resource, body in BODIES.items():
            for method, eid, sent in (("PUT", "MINE-1", {**body, "patient": "P101"}), ("PUT", "NEW-1", body),
                                      ("DELETE", "MINE-1", None)):
                before = all_tables()
                r = browser.request(method, f"/api/integration/v1/{resource}/{eid}", json=sent, headers=headers)
                expected = want
                if want is None:   # another clinic's key: P100/P101 are no patients of its; MINE-1 no record of its
                    expected = (404, "external_record_not_found") if method == "DELETE" else (400, "invalid_field")
                assert (r.status, r.json().get("error")) == expected, (name, resource, method, eid, r.text)
                wire.check(r, method, RESOURCE_DOC, code=expected[1])
                leaked = [m for m in ("Ann", "Lee", "Lisinopril", "Office visit", "P101") if m in r.text]
                assert not leaked, (name, r.text)
                after = all_tables()
                # A key's own bookkeeping (its rate slot, last use) may move; no record does.
                changed = [t for t in before if before[t] != after.get(t)
                           and not t.endswith(("login_counters", "integration_keys"))]
                assert not changed, (name, resource, method, changed)
    wire.assert_ok()
