"""The Refills section's routes (use cases: `chalicelib/sections/refills/`):

- a patient's medication list, for `medications.manage`:
  /api/clinics/{clinic_id}/medications/{patient_id}[/{medication_id}]
- the refill request queue, for `refills.manage`: /api/clinics/{clinic_id}/refill-requests...
- the patient side, guard `section_access("refills")`:
  /api/portal/patients/{patient_id}/medications, .../refill-requests
"""
from chalice import Blueprint

from chalicelib.api.access import clinic_permission
from chalicelib.api.http import expected_revision, json_response, record_response, request_info, route
from chalicelib.api.refill_bodies import (
    AddMedicationBody,
    ChangeMedicationBody,
    RefillDecisionBody,
    RefillRequestBody,
)
from chalicelib.sections.access import section_access

bp = Blueprint(__name__)

MEDICATIONS = clinic_permission("medications.manage")
QUEUE = clinic_permission("refills.manage")
MEDS = "/api/clinics/{clinic_id}/medications/{patient_id}"
REQUESTS = "/api/clinics/{clinic_id}/refill-requests"
MINE = "/api/portal/patients/{patient_id}"
PATIENT = section_access("refills")


def _params(request) -> dict:
    return request.query_params or {}


def _medication(item, status: int = 200):
    from chalicelib.api.section_shapes import medication

    return record_response({"medication": medication(item)}, item, status)


def _request(item, status: int = 200, *, for_staff: bool = True):
    from chalicelib.api.section_shapes import refill_request

    return json_response({"refill_request": refill_request(item, for_staff=for_staff)}, status)


# ---------------------------------------------------------------- medications (staff)

@route(bp, MEDS, guard=MEDICATIONS)
def list_medications(request, clinic_id, patient_id, *, auth):
    from chalicelib.api.section_shapes import medication
    from chalicelib.sections.refills.medications import list_for_staff

    session, clinic = auth
    patient, items, cursor = list_for_staff(session, clinic, patient_id, _params(request).get("cursor"),
                                            request_info(request))
    return json_response({"patient": {"patient_id": patient.patient_id, "first_name": patient.first_name,
                                      "last_name": patient.last_name},
                          "items": [medication(i) for i in items], "next_cursor": cursor})


@route(bp, MEDS, methods=("POST",), body=AddMedicationBody, guard=MEDICATIONS)
def add_medication(request, clinic_id, patient_id, *, auth, body: AddMedicationBody):
    from chalicelib.sections.refills.medications import add

    session, clinic = auth
    values = {k: v for k, v in body.sent().items()}
    values.setdefault("refills_left", 0)
    return _medication(add(session, clinic, patient_id, values, request_info(request)), 201)


@route(bp, MEDS + "/{medication_id}", methods=("PATCH",), body=ChangeMedicationBody, guard=MEDICATIONS)
def change_medication(request, clinic_id, patient_id, medication_id, *, auth, body: ChangeMedicationBody):
    from chalicelib.sections.refills.medications import change

    session, clinic = auth
    return _medication(change(session, clinic, patient_id, medication_id, body.changes(), request_info(request),
                              revision=expected_revision(request, body)))


# ---------------------------------------------------------------- the queue (staff)

@route(bp, REQUESTS, guard=QUEUE)
def list_refill_requests(request, clinic_id, *, auth):
    from chalicelib.api.section_shapes import refill_request
    from chalicelib.sections.refills.queue import list_queue

    session, clinic = auth
    items, cursor = list_queue(clinic, _params(request).get("status") or "requested", _params(request).get("cursor"))
    return json_response({"items": [refill_request(i) for i in items], "next_cursor": cursor})


@route(bp, REQUESTS + "/{request_id}", guard=QUEUE)
def get_refill_request(request, clinic_id, request_id, *, auth):
    from chalicelib.sections.refills.queue import read_request

    session, clinic = auth
    return _request(read_request(session, clinic, request_id, request_info(request)))


def _decide(approve: bool):
    def view(request, clinic_id, request_id, *, auth, body: RefillDecisionBody):
        from chalicelib.sections.refills.queue import decide

        session, clinic = auth
        return _request(decide(session, clinic, request_id, approve=approve, note=body.note,
                               info=request_info(request)))
    view.__name__ = view.__qualname__ = "approve_refill" if approve else "deny_refill"
    return view


route(bp, REQUESTS + "/{request_id}/approve", methods=("POST",), body=RefillDecisionBody, guard=QUEUE)(_decide(True))
route(bp, REQUESTS + "/{request_id}/deny", methods=("POST",), body=RefillDecisionBody, guard=QUEUE)(_decide(False))


# ---------------------------------------------------------------- the patient side

def _with_counter(request, patient_id, **_params):
    from chalicelib.api.access import authenticate_patient_with
    from chalicelib.sections.refills.requests import counter_keys

    session, grant, extras = authenticate_patient_with(request, patient_id, counter_keys(patient_id),
                                                       permission="refills")
    return session, grant, extras[0]


@route(bp, MINE + "/medications", guard=PATIENT)
def patient_medications(request, patient_id, *, auth):
    from chalicelib.api.section_shapes import medication
    from chalicelib.sections.refills.medications import list_for_patient

    session, grant = auth
    items, cursor = list_for_patient(session, grant, _params(request).get("cursor"), request_info(request))
    return json_response({"items": [medication(i, for_staff=False) for i in items], "next_cursor": cursor})


@route(bp, MINE + "/refill-requests", guard=_with_counter)
def patient_refill_requests(request, patient_id, *, auth):
    from chalicelib.api.section_shapes import refill_request
    from chalicelib.sections.refills.requests import list_for_patient

    session, grant, counter = auth
    items, cursor = list_for_patient(session, grant, counter, _params(request).get("cursor"), request_info(request))
    return json_response({"items": [refill_request(i, for_staff=False) for i in items], "next_cursor": cursor})


@route(bp, MINE + "/refill-requests", methods=("POST",), body=RefillRequestBody, guard=PATIENT)
def ask_for_refill(request, patient_id, *, auth, body: RefillRequestBody):
    from chalicelib.sections.refills.requests import ask

    session, grant = auth
    return _request(ask(session, grant, body.medication_id, body.pharmacy, body.note, request_info(request)), 201,
                    for_staff=False)
