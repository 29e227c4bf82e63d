"""The Appointments section's routes (use cases: `chalicelib/sections/appointments/`):

- the schedule, for `appointments.manage`: /api/clinics/{clinic_id}/appointments...
  and /providers;
- the request queue, for `appointments.manage`: /api/clinics/{clinic_id}/appointment-requests...;
- one's own day (a clinician's "Today's schedule"), any staff member: /api/clinics/{clinic_id}/my-schedule;
- the patient side, guard `section_access("appointments")`:
  /api/portal/patients/{patient_id}/appointments... and .../appointment-requests.
"""
from chalice import Blueprint

from chalicelib.api.access import clinic_permission
from chalicelib.api.appointment_bodies import (
    AppointmentRequestBody,
    AppointmentStatusBody,
    BookAppointmentBody,
    BookRequestBody,
    CancelAppointmentBody,
    DeclineRequestBody,
    MoveAppointmentBody,
)
from chalicelib.api.http import expected_revision, json_response, record_response, request_info, route
from chalicelib.sections.access import section_access

bp = Blueprint(__name__)

MANAGER = clinic_permission("appointments.manage")
SCHEDULE = "/api/clinics/{clinic_id}/appointments"
QUEUE = "/api/clinics/{clinic_id}/appointment-requests"
MINE = "/api/portal/patients/{patient_id}/appointments"
MY_REQUESTS = "/api/portal/patients/{patient_id}/appointment-requests"
PATIENT = section_access("appointments")


def _params(request) -> dict:
    return request.query_params or {}


def _appointment(item, status: int = 200, *, for_staff: bool = True):
    from chalicelib.api.appointment_shapes import appointment

    return record_response({"appointment": appointment(item, for_staff=for_staff)}, item, status)


def _page(items, cursor, shape, **extra):
    return json_response({"items": [shape(i) for i in items], "next_cursor": cursor, **extra})


def _any_staff(request, clinic_id, **_params):
    from chalicelib.api.access import authenticate_clinic
    from chalicelib.core.errors import Forbidden

    session, clinic = authenticate_clinic(request, clinic_id)
    if session.kind != "staff":
        raise Forbidden("You do not have permission to do that.", code="forbidden")
    return session, clinic


# ---------------------------------------------------------------- the schedule (staff)

@route(bp, "/api/clinics/{clinic_id}/providers", guard=MANAGER)
def list_providers(request, clinic_id, *, auth):
    from chalicelib.api.appointment_shapes import provider
    from chalicelib.sections.appointments.schedule import providers

    _session, clinic = auth
    return json_response({"items": [provider(i) for i in providers(clinic)]})


@route(bp, SCHEDULE, guard=MANAGER)
def list_appointments(request, clinic_id, *, auth):
    """?date=YYYY-MM-DD[&provider=username][&days=1|7][&cursor=]"""
    from chalicelib.api.appointment_shapes import appointment
    from chalicelib.core.errors import InvalidRequest
    from chalicelib.sections.appointments.schedule import view
    from chalicelib.sections.appointments.times import parse_day

    _session, clinic = auth
    params = _params(request)
    day = parse_day("date", params.get("date"))
    days = params.get("days") or "1"
    if days not in ("1", "7"):
        raise InvalidRequest("days must be 1 (a day) or 7 (a week).", code="invalid_days")
    items, cursor = view(clinic, provider=params.get("provider") or None, day=day, days=int(days),
                         cursor=params.get("cursor"))
    return _page(items, cursor, appointment, date=day, days=int(days), time_zone="UTC")


@route(bp, SCHEDULE, methods=("POST",), body=BookAppointmentBody, guard=MANAGER)
def book_appointment(request, clinic_id, *, auth, body: BookAppointmentBody):
    from chalicelib.sections.appointments.booking import book

    session, clinic = auth
    item = book(session, clinic, patient_id=body.patient_id, provider=body.provider, start=body.start,
                minutes=body.minutes, reason=body.reason, location=body.location, video_link=body.video_link,
                force=body.force, info=request_info(request))
    return _appointment(item, 201)


@route(bp, SCHEDULE + "/{appointment_id}", guard=MANAGER)
def get_appointment(request, clinic_id, appointment_id, *, auth):
    from chalicelib.sections.appointments.booking import get_appointment as get

    _session, clinic = auth
    return _appointment(get(clinic.clinic_key, appointment_id))


@route(bp, SCHEDULE + "/{appointment_id}", methods=("PATCH",), body=MoveAppointmentBody, guard=MANAGER)
def move_appointment(request, clinic_id, appointment_id, *, auth, body: MoveAppointmentBody):
    from chalicelib.sections.appointments.booking import move

    session, clinic = auth
    return _appointment(move(session, clinic, appointment_id, body.changes(), force=body.force,
                             revision=expected_revision(request, body), info=request_info(request)))


@route(bp, SCHEDULE + "/{appointment_id}/status", methods=("POST",), body=AppointmentStatusBody, guard=MANAGER)
def set_appointment_status(request, clinic_id, appointment_id, *, auth, body: AppointmentStatusBody):
    from chalicelib.sections.appointments.booking import set_status

    session, clinic = auth
    return _appointment(set_status(session, clinic, appointment_id, body.status,
                                   revision=expected_revision(request, body), info=request_info(request)))


@route(bp, SCHEDULE + "/{appointment_id}/cancel", methods=("POST",), body=CancelAppointmentBody, guard=MANAGER)
def cancel_appointment(request, clinic_id, appointment_id, *, auth, body: CancelAppointmentBody):
    from chalicelib.sections.appointments.booking import cancel

    session, clinic = auth
    return _appointment(cancel(session, clinic.clinic_key, appointment_id, note=body.note,
                               info=request_info(request)))


@route(bp, "/api/clinics/{clinic_id}/my-schedule", guard=_any_staff)
def my_schedule(request, clinic_id, *, auth):
    """?date=YYYY-MM-DD (default today, UTC): the caller's own appointments that day."""
    from chalicelib.api.appointment_shapes import appointment
    from chalicelib.core.ids import now
    from chalicelib.sections.appointments.schedule import my_day
    from chalicelib.sections.appointments.times import parse_day, today

    session, _clinic = auth
    params = _params(request)
    day = parse_day("date", params["date"]) if params.get("date") else today(now())
    items, cursor = my_day(session, day, params.get("cursor"))
    return _page(items, cursor, appointment, date=day, time_zone="UTC")


# ---------------------------------------------------------------- the request queue (staff)

def _request(item, status: int = 200, *, for_staff: bool = True, **extra):
    from chalicelib.api.appointment_shapes import appointment_request

    return json_response({"appointment_request": appointment_request(item, for_staff=for_staff), **extra}, status)


@route(bp, QUEUE, guard=MANAGER)
def list_appointment_requests(request, clinic_id, *, auth):
    from chalicelib.api.appointment_shapes import appointment_request
    from chalicelib.sections.appointments.requests import list_queue

    _session, clinic = auth
    items, cursor = list_queue(clinic, _params(request).get("status") or "waiting", _params(request).get("cursor"))
    return _page(items, cursor, appointment_request)


@route(bp, QUEUE + "/{appointment_request_id}/book", methods=("POST",), body=BookRequestBody, guard=MANAGER)
def book_appointment_request(request, clinic_id, appointment_request_id, *, auth, body: BookRequestBody):
    from chalicelib.api.appointment_shapes import appointment
    from chalicelib.sections.appointments.requests import book_from

    session, clinic = auth
    item, booked = book_from(session, clinic, appointment_request_id, provider=body.provider, start=body.start,
                             minutes=body.minutes, location=body.location, video_link=body.video_link,
                             reason=body.reason, force=body.force, info=request_info(request))
    return _request(item, 201, appointment=appointment(booked))


@route(bp, QUEUE + "/{appointment_request_id}/decline", methods=("POST",), body=DeclineRequestBody, guard=MANAGER)
def decline_appointment_request(request, clinic_id, appointment_request_id, *, auth, body: DeclineRequestBody):
    from chalicelib.sections.appointments.requests import decline

    session, clinic = auth
    return _request(decline(session, clinic, appointment_request_id, note=body.note, info=request_info(request)))


# ---------------------------------------------------------------- the patient side

@route(bp, MINE, guard=PATIENT)
def patient_appointments(request, patient_id, *, auth):
    """?when=upcoming (default) | past"""
    from chalicelib.api.appointment_shapes import appointment
    from chalicelib.sections.appointments.patient import list_mine

    session, grant = auth
    items, cursor = list_mine(session, grant, _params(request).get("when") or "upcoming",
                              _params(request).get("cursor"), request_info(request))
    return _page(items, cursor, lambda i: appointment(i, for_staff=False), time_zone="UTC")


@route(bp, MINE + "/{appointment_id}/cancel", methods=("POST",), guard=PATIENT)
def patient_cancel_appointment(request, patient_id, appointment_id, *, auth):
    from chalicelib.sections.appointments.patient import cancel_mine

    session, grant = auth
    return _appointment(cancel_mine(session, grant, appointment_id, request_info(request)), for_staff=False)


@route(bp, MY_REQUESTS, guard=PATIENT)
def patient_appointment_requests(request, patient_id, *, auth):
    from chalicelib.api.appointment_shapes import appointment_request
    from chalicelib.sections.appointments.requests import list_for_patient

    session, grant = auth
    items, cursor = list_for_patient(session, grant, _params(request).get("cursor"), request_info(request))
    return _page(items, cursor, lambda i: appointment_request(i, for_staff=False))


@route(bp, MY_REQUESTS, methods=("POST",), body=AppointmentRequestBody, guard=PATIENT)
def request_appointment(request, patient_id, *, auth, body: AppointmentRequestBody):
    from chalicelib.sections.appointments.requests import create

    session, grant = auth
    return _request(create(session, grant, reason=body.reason, preferred=body.preferred,
                           info=request_info(request)), 201, for_staff=False)
