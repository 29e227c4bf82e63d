"""Every route that reads a JSON body, read from the route table: a body nested
1,000 deep (2 KB), NaN, or a lone surrogate is a 400 in the documented shape
(or the caller's 401/403 first), never a 5xx, and changes nothing."""
import re

import pytest

from tests.conftest import table_items

HOSTILE = {
    "deep": ("[" * 1000 + "]" * 1000).encode(),
    "deep_object": ('{"a":' * 1000 + "1" + "}" * 1000).encode(),
    "nan": b'{"first_name": NaN, "username": NaN, "token": NaN, "answers": {"n": NaN}}',
    "surrogate": b'{"username": "\\ud800", "password": "\\udfff", "token": "\\ud800", "first_name": "\\ud800"}',
}
TABLES = ("clinics", "staff", "portal_accounts", "sessions", "login_counters", "tokens", "form_requests",
          "conversations", "section_counters", "documents", "audit_events", "integration_keys",
          "external_records", "patients")


def _routes():
    import app  # noqa: F401  (registers every blueprint)
    from chalicelib.api.http import body_classes
    return sorted(body_classes())


def _fill(path: str) -> str:
    values = {"clinic_id": "SUNRISE", "account_id": "0" * 32, "username": "SmithF", "request_id": "0" * 32,
              "patient_id": "P100", "template_id": "0" * 32,
              "conversation_id": "0" * 32, "appointment_id": "0" * 32, "appointment_request_id": "0" * 32,
              "document_id": "0" * 32,
              "medication_id": "0" * 32, "statement_id": "20261201-" + "0" * 32,
              "resource": "patients", "external_id": "P100", "passkey_id": "M" * 43}
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def _dump():
    return {name: sorted(map(repr, table_items(name))) for name in TABLES if name != "audit_events"}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_bodies_on_every_json_route(admin, kind):
    routes = _routes()
    assert len(routes) >= 10
    before = _dump()
    for method, path in routes:
        r = admin.request(method, _fill(path), body=HOSTILE[kind], headers={"content-type": "application/json"})
        assert r.status < 500, (method, path, r.status, r.text)
        assert r.status in (400, 401, 403), (method, path, r.status, r.text)
        body = r.json()
        assert set(body) == {"error", "message"}, (method, path, body)
    assert _dump() == before
