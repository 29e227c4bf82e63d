"""Real replies of every appointments operation checked against docs/openapi.yaml:
a success reply of each, and the error codes people will meet."""
from tests.api.test_openapi import Wire, load_doc, operations
from tests.sections.appointments.helpers import at

C = "/api/clinics/{clinic_id}"
AP = C + "/appointments"
ONE = AP + "/{appointment_id}"
RQ = C + "/appointment-requests"
PA = "/api/portal/patients/{patient_id}/appointments"
PR = "/api/portal/patients/{patient_id}/appointment-requests"


def test_appointment_wire_matches_document(front_desk, ann, doctor, admin, clock):
    w = Wire()
    clinic = "/api/clinics/SUNRISE"
    mine = "/api/portal/patients/P100"
    w.check(front_desk.get(f"{clinic}/providers"), "GET", C + "/providers")
    body = {"patient_id": "P100", "provider": "PatelR", "start": at(3, 9, now=clock.t), "minutes": 30,
            "reason": "Knee", "location": "Room 2"}
    r = w.check(front_desk.post(f"{clinic}/appointments", json=body), "POST", AP)
    aid = r.json()["appointment"]["appointment_id"]
    w.check(front_desk.post(f"{clinic}/appointments", json={**body, "patient_id": "P101"}), "POST", AP,
            code="provider_busy")
    w.check(front_desk.post(f"{clinic}/appointments", json={**body, "minutes": 7}), "POST", AP,
            code="invalid_minutes")
    w.check(front_desk.post(f"{clinic}/appointments", json={**body, "start": "2030-01-01T09:01:00Z"}), "POST", AP,
            code="invalid_start")
    w.check(front_desk.post(f"{clinic}/appointments", json={**body, "video_link": "http://x.example"}), "POST", AP,
            code="invalid_video_link")
    w.check(front_desk.post(f"{clinic}/appointments", json={**body, "provider": "SmithF"}), "POST", AP,
            code="invalid_provider")
    w.check(front_desk.post(f"{clinic}/appointments", json={**body, "patient_id": "NOPE"}), "POST", AP,
            code="patient_not_found")
    w.check(doctor.post(f"{clinic}/appointments", json=body), "POST", AP, code="forbidden")
    day = at(3, now=clock.t)[:10]
    w.check(front_desk.get(f"{clinic}/appointments?date={day}&provider=PatelR&days=7"), "GET", AP)
    w.check(front_desk.get(f"{clinic}/appointments?date={day}"), "GET", AP)
    w.check(front_desk.get(f"{clinic}/appointments?date={day}&days=7"), "GET", AP, code="provider_required")
    w.check(front_desk.get(f"{clinic}/appointments?date=soon"), "GET", AP, code="invalid_date")
    w.check(front_desk.get(f"{clinic}/appointments?date={day}&days=3"), "GET", AP, code="invalid_days")
    w.check(front_desk.get(f"{clinic}/appointments/{aid}"), "GET", ONE)
    w.check(front_desk.get(f"{clinic}/appointments/{'0' * 32}"), "GET", ONE, code="appointment_not_found")
    w.check(front_desk.patch(f"{clinic}/appointments/{aid}", json={"start": at(3, 10, now=clock.t)}), "PATCH", ONE)
    w.check(front_desk.patch(f"{clinic}/appointments/{aid}", json={"minutes": 30, "revision": 0}), "PATCH", ONE,
            code="conflict")
    w.check(front_desk.post(f"{clinic}/appointments/{aid}/status", json={"status": "arrived"}), "POST",
            ONE + "/status")
    w.check(front_desk.post(f"{clinic}/appointments/{aid}/status", json={"status": "done"}), "POST",
            ONE + "/status", code="invalid_request")
    w.check(doctor.get(f"{clinic}/my-schedule"), "GET", C + "/my-schedule")
    w.check(doctor.get(f"{clinic}/my-schedule?date=x"), "GET", C + "/my-schedule", code="invalid_date")
    w.check(front_desk.post(f"{clinic}/appointments/{aid}/cancel", json={}), "POST", ONE + "/cancel")
    w.check(front_desk.post(f"{clinic}/appointments/{aid}/cancel", json={}), "POST", ONE + "/cancel",
            code="appointment_cancelled")

    # the patient side and the request queue
    from chalicelib.sections.appointments.times import stored, wire

    soon = wire(stored((clock.t // 300 + 2) * 300))   # ten minutes ahead: inside the 24-hour window
    near = front_desk.post(f"{clinic}/appointments", json={**body, "start": soon, "minutes": 5}).json()["appointment"]
    far = front_desk.post(f"{clinic}/appointments", json={**body, "start": at(5, 9, now=clock.t)}).json()["appointment"]
    w.check(ann.get(f"{mine}/appointments"), "GET", PA)
    w.check(ann.get(f"{mine}/appointments?when=past"), "GET", PA)
    w.check(ann.get(f"{mine}/appointments?cursor=nope"), "GET", PA, code="invalid_cursor")
    w.check(ann.post(f"{mine}/appointments/{far['appointment_id']}/cancel"), "POST", PA + "/{appointment_id}/cancel")
    w.check(ann.post(f"{mine}/appointments/{near['appointment_id']}/cancel"), "POST", PA + "/{appointment_id}/cancel",
            code="inside_cancellation_window")
    w.check(ann.post(f"{mine}/appointments/{'0' * 32}/cancel"), "POST", PA + "/{appointment_id}/cancel",
            code="appointment_not_found")
    w.check(front_desk.get(f"{mine}/appointments"), "GET", PA, code="forbidden")
    r = w.check(ann.post(f"{mine}/appointment-requests", json={"reason": "Check-up", "preferred": "Mornings"}),
                "POST", PR)
    rid = r.json()["appointment_request"]["request_id"]
    second = ann.post(f"{mine}/appointment-requests", json={"reason": "Other"}).json()["appointment_request"]
    w.check(ann.post(f"{mine}/appointment-requests", json={"reason": ""}), "POST", PR, code="invalid_request")
    w.check(ann.get(f"{mine}/appointment-requests"), "GET", PR)
    w.check(front_desk.get(f"{clinic}/appointment-requests"), "GET", RQ)
    w.check(front_desk.get(f"{clinic}/appointment-requests?status=all"), "GET", RQ, code="invalid_request")
    book = RQ + "/{appointment_request_id}/book"
    w.check(front_desk.post(f"{clinic}/appointment-requests/{rid}/book",
                            json={"provider": "PatelR", "start": at(6, 9, now=clock.t), "minutes": 20}), "POST", book)
    w.check(front_desk.post(f"{clinic}/appointment-requests/{rid}/book",
                            json={"provider": "PatelR", "start": at(6, 11, now=clock.t), "minutes": 20}), "POST", book,
            code="appointment_request_closed")
    w.check(front_desk.post(f"{clinic}/appointment-requests/{'0' * 32}/book",
                            json={"provider": "PatelR", "start": at(6, 11, now=clock.t), "minutes": 20}), "POST", book,
            code="appointment_request_not_found")
    decline = RQ + "/{appointment_request_id}/decline"
    w.check(front_desk.post(f"{clinic}/appointment-requests/{second['request_id']}/decline",
                            json={"note": "Please call us"}), "POST", decline)
    w.check(front_desk.post(f"{clinic}/appointment-requests/{second['request_id']}/decline",
                            json={"note": "Again"}), "POST", decline, code="appointment_request_closed")
    w.assert_ok()

    unchecked = []
    for path, method, op, _ in operations(load_doc()):
        if "/appointment" not in path and not path.endswith(("/providers", "/my-schedule")):
            continue
        if path.startswith("/api/integration/"):
            continue   # the EHR's: tests/integrations/test_ehr_records_wire.py
        success = {s for s in op.get("responses", {}) if str(s).startswith("2")}
        if not any((path, method, s) in w.checked for s in success):
            unchecked.append(f"{method.upper()} {path}")
    assert not unchecked, f"no success reply checked for: {unchecked}"
