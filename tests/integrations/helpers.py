"""Integration keys and an EHR client for the tests (a server: no cookies, no Origin)."""
from __future__ import annotations

from dataclasses import dataclass

KEYS = "/api/clinics/SUNRISE/integration-keys"
API = "/api/integration/v1"

PATIENT = {"familyName": "Rivera", "givenName": "Lucía", "birthDate": "1984-07-09",
           "email": "lucia.rivera@example.com", "phone": "+1 555 010 4242",
           "addressLine1": "12 Harbor Road", "city": "Sunrise", "state": "FL", "postalCode": "33323"}


def new_key(admin, *, name="Epic production", scopes=("patients",), clinic="SUNRISE") -> dict:
    r = admin.post(f"/api/clinics/{clinic}/integration-keys", json={"name": name, "scopes": list(scopes)})
    assert r.status == 201, r.text
    return r.json()


@dataclass
class Ehr:
    """A clinic's EHR calling the API with one key."""
    gateway: object
    key: str

    def request(self, method, path, *, json=None, body=None, headers=None):
        b = self.gateway.browser(origin=None)
        h = {"authorization": f"Bearer {self.key}", **(headers or {})}
        return b.request(method, path, json=json, body=body, headers=h)

    def put(self, external_id, body, resource="patients"):
        return self.request("PUT", f"{API}/{resource}/{external_id}", json=body)

    def delete(self, external_id, resource="patients"):
        return self.request("DELETE", f"{API}/{resource}/{external_id}")


def ehr(gateway, admin, **kw) -> Ehr:
    return Ehr(gateway, new_key(admin, **kw)["key"])


def audit_kinds() -> list[str]:
    from tests.conftest import table_items

    return sorted(i["kind"]["S"] for i in table_items("audit_events"))
