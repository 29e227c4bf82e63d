"""The fault matrix's recipes for the integration API's `appointments` and `results`:
each prepares a key, a patient and records of its own, so the same flow runs again
and again (a fresh day for each appointment, a fresh patient for each release)."""
from __future__ import annotations

from tests.api.fault_recipes import CLINIC, SCHEDULE, Call, KeyClient, _slot
from tests.integrations.ehr_samples import PDF, form, result

APPOINTMENTS = "/api/integration/v1/appointments"
RESULTS = "/api/integration/v1/results"


def _client(w, scope: str) -> KeyClient:
    out = w.ok(w.admin().post(f"{CLINIC}/integration-keys", json={"name": f"EHR {w.n()}", "scopes": [scope]}), 201)
    return KeyClient(w.gateway, out["key"])


def _appointment(w, pid: str, start: str, **extra) -> dict:
    return {"status": "booked", "start": start, "minutesDuration": 30, "patient": pid, "practitioner": "PatelR",
            "description": "Fault", **extra}


def _put_appointment(variant: str):
    def prepare(w):
        client, eid, pid, start = _client(w, "appointments"), f"A{w.n()}", w.patient(), _slot(w)
        body = _appointment(w, pid, start)
        if variant == "forced":   # staff booked that time: the EHR books over it
            w.ok(w.admin().post(SCHEDULE, json={"patient_id": w.patient(), "provider": "PatelR", "start": start,
                                                "minutes": 30}), 201)
        if variant in ("moved", "unchanged", "rebooked"):
            w.ok(client.request("PUT", f"{APPOINTMENTS}/{eid}", json=body), 201)
        if variant == "rebooked":
            w.ok(client.request("DELETE", f"{APPOINTMENTS}/{eid}"))
        if variant == "moved":
            body = _appointment(w, pid, start.replace("T09:00", "T10:00"), status="arrived")
        return Call(client, "PUT", f"{APPOINTMENTS}/{eid}", body)
    return prepare


def _delete_appointment(w):
    client, eid = _client(w, "appointments"), f"A{w.n()}"
    w.ok(client.request("PUT", f"{APPOINTMENTS}/{eid}", json=_appointment(w, w.patient(), _slot(w))), 201)
    return Call(client, "DELETE", f"{APPOINTMENTS}/{eid}")


def _put_result(variant: str):
    def prepare(w):
        client, eid, pid = _client(w, "results"), f"R{w.n()}", w.patient()
        body = result(patient=pid, status="final" if variant == "released" else "preliminary")
        if variant in ("replaced", "unchanged"):
            w.ok(client.request("PUT", f"{RESULTS}/{eid}", json=body), 201)
        if variant == "replaced":
            body = result(patient=pid, title="Amended", presentedForm=form(PDF + b"% v2\n"))
        return Call(client, "PUT", f"{RESULTS}/{eid}", body)
    return prepare


def _delete_result(w):
    client, eid = _client(w, "results"), f"R{w.n()}"
    w.ok(client.request("PUT", f"{RESULTS}/{eid}", json=result(patient=w.patient())), 201)
    return Call(client, "DELETE", f"{RESULTS}/{eid}")


EHR_RECIPES = {
    ("PUT", "/api/integration/v1/appointments/{external_id}"): {
        v: _put_appointment(v) for v in ("created", "forced", "moved", "unchanged", "rebooked")},
    ("DELETE", "/api/integration/v1/appointments/{external_id}"): {"": _delete_appointment},
    ("PUT", "/api/integration/v1/results/{external_id}"): {
        v: _put_result(v) for v in ("preliminary", "released", "replaced", "unchanged")},
    ("DELETE", "/api/integration/v1/results/{external_id}"): {"": _delete_result},
}
