"""The `appointments` and `results` routes on the wire: every status these tests can
reach, checked against docs/openapi.yaml (schemas, error codes, Retry-After)."""
from __future__ import annotations

from tests.api.test_openapi import Wire
from tests.integrations.ehr_samples import appointment, result
from tests.integrations.helpers import API, Ehr, ehr
from tests.sections.appointments.helpers import SCHEDULE, at

APPOINTMENT_DOC = "/api/integration/v1/appointments/{external_id}"
RESULT_DOC = "/api/integration/v1/results/{external_id}"


def test_appointments_on_the_wire(admin, gateway, monkeypatch):
    from chalicelib.integrations import rate

    w = Wire()
    client = ehr(gateway, admin, scopes=("appointments",))

    def put(eid, body):
        return w.check(client.put(eid, body, resource="appointments"), "PUT", APPOINTMENT_DOC)

    assert put("APT-1", appointment()).status == 201
    assert put("APT-1", appointment()).status == 200
    assert put("APT-1", appointment(start=at(3, 10))).status == 200
    r = w.check(client.put("APT-1", appointment(practitioner="SmithF"), resource="appointments"), "PUT",
                APPOINTMENT_DOC, code="invalid_field")
    assert r.json()["field"] == "practitioner"
    w.check(client.put("APT-1", appointment(patient="P101"), resource="appointments"), "PUT", APPOINTMENT_DOC,
            code="appointment_patient_changed")
    staff_cancelled = put("APT-2", appointment(start=at(4, 9))).json()["id"]
    assert admin.post(f"{SCHEDULE}/{staff_cancelled}/cancel", json={}).status == 200
    w.check(client.put("APT-2", appointment(start=at(4, 10)), resource="appointments"), "PUT", APPOINTMENT_DOC,
            code="appointment_cancelled")
    w.check(client.request("PUT", f"{API}/appointments/APT-3", body=b"x", headers={"content-type": "text/plain"}),
            "PUT", APPOINTMENT_DOC, code="unsupported_media_type")
    w.check(Ehr(gateway, "cpk_nope").put("APT-3", appointment(), resource="appointments"), "PUT", APPOINTMENT_DOC,
            code="not_authenticated")
    w.check(ehr(gateway, admin, name="P").put("APT-3", appointment(), resource="appointments"), "PUT",
            APPOINTMENT_DOC, code="scope_not_granted")
    assert w.check(client.delete("APT-1", resource="appointments"), "DELETE", APPOINTMENT_DOC).status == 200
    w.check(client.delete("NEVER", resource="appointments"), "DELETE", APPOINTMENT_DOC,
            code="external_record_not_found")
    w.check(client.delete("bad id", resource="appointments"), "DELETE", APPOINTMENT_DOC, code="invalid_field")
    monkeypatch.setattr(rate, "WRITES_PER_MINUTE", 0)
    r = w.check(client.put("APT-1", appointment(), resource="appointments"), "PUT", APPOINTMENT_DOC,
                code="rate_limited")
    assert int(r.header("Retry-After")) > 0
    w.assert_ok()


def test_results_on_the_wire(admin, gateway):
    w = Wire()
    client = ehr(gateway, admin, scopes=("results",))

    def put(eid, body, code=None):
        return w.check(client.put(eid, body, resource="results"), "PUT", RESULT_DOC, code=code)

    assert put("LAB-1", result()).status == 201
    assert put("LAB-1", result()).status == 200
    assert put("LAB-1", result(title="Amended")).status == 200
    assert put("LAB-2", result(status="final")).status == 201
    put("LAB-2", result(status="final", title="Changed"), code="document_released")
    w.check(client.delete("LAB-2", resource="results"), "DELETE", RESULT_DOC, code="document_released")
    assert put("LAB-3", result(observations=[{"test": "Hb"}]), code="invalid_field").json()["field"] == \
        "observations[0].value"
    put("LAB-3", {**result(), "presentedForm": {"contentType": "text/html", "data": ""}}, code="invalid_field")
    w.check(ehr(gateway, admin, name="P").put("LAB-3", result(), resource="results"), "PUT", RESULT_DOC,
            code="scope_not_granted")
    assert w.check(client.delete("LAB-1", resource="results"), "DELETE", RESULT_DOC).status == 200
    assert w.check(client.delete("LAB-1", resource="results"), "DELETE", RESULT_DOC).json()["result"] == "unchanged"
    w.check(client.delete("LAB-9", resource="results"), "DELETE", RESULT_DOC, code="external_record_not_found")
    w.assert_ok()
