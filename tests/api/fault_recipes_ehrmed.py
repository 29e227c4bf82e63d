"""Fault-matrix recipes of the integration API's medications and statements
resources (variants of the one PUT and DELETE route; fault_recipes.py adds them)."""
from __future__ import annotations

from tests.api.fault_recipes import CLINIC, Call, KeyClient

API = "/api/integration/v1"
MED = {"patient": None, "medication": "Faultol 5 mg", "status": "active", "dose": "5 mg",
       "numberOfRepeatsAllowed": 2}
BILL = {"patient": None, "date": "2026-12-01", "dueDate": "2027-01-15", "currency": "USD",
        "lines": [{"serviceDate": "2026-11-02", "description": "Visit", "charge": "120.50"}]}


def _client(w, scope: str) -> KeyClient:
    out = w.ok(w.admin().post(f"{CLINIC}/integration-keys", json={"name": f"EHR {w.n()}", "scopes": [scope]}), 201)
    return KeyClient(w.gateway, out["key"])


def _put(resource: str, sample: dict, variant: str):
    """created | updated | restored | refiled (statements: a new date) | paid (statements:
    a change after staff recorded a payment)."""
    def prepare(w):
        client, eid, body = _client(w, resource), f"X{w.n()}", {**sample, "patient": w.patient()}
        url = f"{API}/{resource}/{eid}"
        if variant != "created":
            reply = w.ok(client.request("PUT", url, json=body), 201)
            if variant == "restored":
                w.ok(client.request("DELETE", url))
            if variant == "paid":
                w.ok(w.admin().post(f"{CLINIC}/billing/{body['patient']}/statements/{reply['id']}/payments",
                                    json={"amount_cents": 500, "received_date": "2026-12-02"}), 201)
        if variant in ("updated", "paid"):
            body = {**body, "dose": "10 mg"} if resource == "medications" else {
                **body, "lines": [*body["lines"], {"serviceDate": "2026-11-03", "description": "Lab",
                                                   "charge": "9.99"}]}
        if variant == "refiled":
            body = {**body, "date": "2026-12-04"}
        return Call(client, "PUT", url, body)
    return prepare


def _delete(resource: str, sample: dict, paid: bool = False):
    def prepare(w):
        client, eid = _client(w, resource), f"X{w.n()}"
        pid = w.patient()
        url = f"{API}/{resource}/{eid}"
        reply = w.ok(client.request("PUT", url, json={**sample, "patient": pid}), 201)
        if paid:
            w.ok(w.admin().post(f"{CLINIC}/billing/{pid}/statements/{reply['id']}/payments",
                                json={"amount_cents": 500, "received_date": "2026-12-02"}), 201)
        return Call(client, "DELETE", url)
    return prepare


PUT_VARIANTS = {**{f"medications:{v}": _put("medications", MED, v) for v in ("created", "updated", "restored")},
                **{f"statements:{v}": _put("statements", BILL, v)
                   for v in ("created", "updated", "restored", "refiled", "paid")}}
DELETE_VARIANTS = {"medications": _delete("medications", MED), "statements": _delete("statements", BILL),
                   "statements:paid": _delete("statements", BILL, paid=True)}


def add_to(recipes: dict) -> None:
    recipes[("PUT", "/api/integration/v1/{resource}/{external_id}")].update(PUT_VARIANTS)
    recipes[("DELETE", "/api/integration/v1/{resource}/{external_id}")].update(DELETE_VARIANTS)
