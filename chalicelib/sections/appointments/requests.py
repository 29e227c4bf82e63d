"""Appointment requests: a patient (or a representative with `appointments`) asks for
an appointment (reason, preferred days and times); it waits in the clinic's queue
(`by_queue`, "<clinic>#waiting", oldest first) until staff holding
`appointments.manage` book it (the appointment is created and the request closed in
one transaction) or decline it with a note. The clinic counter
`appointment_requests_waiting` counts the queue: +1 on request, -1 on book or
decline, each conditional on the request still waiting.
"""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.ids import new_id, now
from chalicelib.core.limits import RECORD_ID_RE
from chalicelib.core.records import write
from chalicelib.sections import counters

PAGE_SIZE = 50
QUEUE_KEYS = ("queue_key", "created_key", "clinic_key", "request_id")
PATIENT_KEYS = ("patient_key", "created_key", "clinic_key", "request_id")
QUEUES = ("waiting", "closed")


def request_not_found() -> NotFound:
    return NotFound("No appointment request with that id.", code="appointment_request_not_found")


def request_closed() -> Conflict:
    return Conflict("This appointment request has already been booked or declined.",
                    code="appointment_request_closed")


def get_request(clinic_key: str, request_id: object):
    from chalicelib.models import AppointmentRequestModel as R

    if not isinstance(request_id, str) or not RECORD_ID_RE.fullmatch(request_id):
        raise request_not_found()
    try:
        return R.get(clinic_key, request_id, consistent_read=True)
    except R.DoesNotExist:
        raise request_not_found() from None


def create(session, grant, *, reason: str, preferred: str | None, info):
    """The patient side asks for an appointment."""
    from chalicelib.models import AppointmentRequestModel as R
    from chalicelib.sections.access import patient_name

    ck = session.clinic_key
    at = now()
    rid = new_id()
    item = R(ck, rid, patient_id=grant.patient_id, patient_name=patient_name(grant), reason=reason,
             preferred=preferred, status="waiting", requested_by=session.username, created_at=at,
             queue_key=f"{ck}#waiting", patient_key=f"{ck}#{grant.patient_id}", created_key=f"{at:010d}#{rid}")

    def build(tx):
        tx.save("request", item, condition=R.request_id.does_not_exist())
        counters.bump(tx, ck, {counters.CLINIC: {"appointment_requests_waiting": 1}})
        tx.audit(audit.event(ck, "appointment_requested", info=info, outcome="succeeded",
                             actor=audit.actor(session),
                             details={"patient_id": grant.patient_id, "section": "appointments",
                                      "request_id": rid}))

    write(build)
    return item


def close_in(item, status: str, session, appointment_id: str | None, note: str | None):
    """(build(tx), failed) closing `item` inside another transaction (booking it)."""
    from chalicelib.models import AppointmentRequestModel as R

    at = now()
    actions = [R.status.set(status), R.closed_at.set(at), R.closed_by.set(session.username),
               R.queue_key.set(f"{item.clinic_key}#closed")]
    if appointment_id:
        actions.append(R.appointment_id.set(appointment_id))
    if note:
        actions.append(R.decline_note.set(note))

    def build(tx):
        tx.update("request", item, actions=actions, condition=(R.status == "waiting"))

    def apply():
        item.status, item.closed_at, item.closed_by = status, at, session.username
        item.appointment_id, item.decline_note = appointment_id, note
        item.queue_key = f"{item.clinic_key}#closed"

    build.apply = apply
    return build, {"request": request_closed}


def book_from(session, clinic, request_id: str, *, provider: str, start: str, minutes: int,
              location: str | None, video_link: str | None, reason: str | None, force: bool, info):
    """Book the request: a new appointment for its patient (its reason unless another is
    given), and the request closed as booked, in one transaction."""
    from chalicelib.sections.appointments.booking import book

    item = get_request(clinic.clinic_key, request_id)
    if item.status != "waiting":
        raise request_closed()
    appointment = book(session, clinic, patient_id=item.patient_id, provider=provider, start=start,
                       minutes=minutes, reason=reason or item.reason, location=location, video_link=video_link,
                       force=force, info=info, from_request=item)
    item.status, item.appointment_id, item.closed_by = "booked", appointment.appointment_id, session.username
    item.closed_at = now()
    item.queue_key = f"{item.clinic_key}#closed"
    return item, appointment


def decline(session, clinic, request_id: str, *, note: str, info):
    item = get_request(clinic.clinic_key, request_id)
    if item.status != "waiting":
        raise request_closed()
    ck = clinic.clinic_key
    build_close, failed = close_in(item, "declined", session, None, note)

    def build(tx):
        build_close(tx)
        counters.bump(tx, ck, {counters.CLINIC: {"appointment_requests_waiting": -1}})
        tx.audit(audit.event(ck, "appointment_request_declined", info=info, outcome="succeeded",
                             actor=audit.actor(session),
                             details={"patient_id": item.patient_id, "section": "appointments",
                                      "request_id": item.request_id}))

    write(build, failed=failed)
    build_close.apply()
    return item


def list_queue(clinic, queue: str, cursor: str | None, limit: int = PAGE_SIZE):
    """Waiting requests oldest first; closed ones newest first. One Query a page (no
    access-log event: like the inbox, a queue of names and reasons across patients)."""
    from chalicelib.core.errors import InvalidRequest
    from chalicelib.models import AppointmentRequestModel as R

    if queue not in QUEUES:
        raise InvalidRequest(f"status must be one of: {', '.join(QUEUES)}.")
    key = f"{clinic.clinic_key}#{queue}"
    start = page_start(cursor, hash_name="queue_key", hash_value=key, key_names=QUEUE_KEYS)
    items, last = query_page(R, R.by_queue.query, key, limit=limit, start=start, key_names=QUEUE_KEYS,
                             scan_index_forward=(queue == "waiting"))
    return items, encode_cursor(last)


def list_for_patient(session, grant, cursor: str | None, info, limit: int = PAGE_SIZE):
    """The patient side's requests, newest first: one Query + its access-log event."""
    from chalicelib.models import AppointmentRequestModel as R
    from chalicelib.sections.access import view_page

    key = f"{session.clinic_key}#{grant.patient_id}"
    start = page_start(cursor, hash_name="patient_key", hash_value=key, key_names=PATIENT_KEYS)
    items, last = view_page(session, grant, "appointments", info, model=R, query=R.by_patient.query, hash_key=key,
                            limit=limit, start=start, key_names=PATIENT_KEYS, scan_index_forward=False)
    return items, encode_cursor(last)
