"""The patient side of appointments (guard `section_access("appointments")`): upcoming
and past appointments (one Query of `by_patient` a page, and its access-log event),
cancelling one more than the clinic's cancellation window ahead (setting
`cancellation_window_hours`, default 24; inside it: 409 saying to call the clinic),
and requests (`requests.create`, `requests.list_for_patient`).
"""
from __future__ import annotations

from chalicelib.core.db import encode_cursor, page_start
from chalicelib.core.errors import Conflict, InvalidRequest
from chalicelib.core.ids import now
from chalicelib.sections.appointments import SECTION, times

PAGE_SIZE = 25
KEYS = ("patient_key", "start_key", "clinic_key", "appointment_id")
WHEN = ("upcoming", "past")


def list_mine(session, grant, when: str, cursor: str | None, info, limit: int = PAGE_SIZE):
    """Upcoming (from now, soonest first) or past (newest first)."""
    from chalicelib.models import AppointmentModel as A
    from chalicelib.sections.access import view_page

    if when not in WHEN:
        raise InvalidRequest("when must be upcoming or past.")
    key = f"{session.clinic_key}#{grant.patient_id}"
    start = page_start(cursor, hash_name="patient_key", hash_value=key, key_names=KEYS)
    edge = times.stored(now())
    condition = A.start_key >= edge if when == "upcoming" else A.start_key < edge
    items, last = view_page(session, grant, SECTION, info, model=A, query=A.by_patient.query, hash_key=key,
                            limit=limit, start=start, key_names=KEYS, range_key_condition=condition,
                            scan_index_forward=(when == "upcoming"))
    return items, encode_cursor(last)


def inside_window(hours: int) -> Conflict:
    return Conflict(f"This appointment is less than {hours} hours away, so it cannot be cancelled online. "
                    "Please call the clinic to cancel it.", code="inside_cancellation_window")


def cancel_mine(session, grant, appointment_id: str, info):
    from chalicelib.clinics.records import Clinic
    from chalicelib.models import ClinicModel
    from chalicelib.sections.appointments.booking import appointment_not_found, cancel, get_appointment

    item = get_appointment(session.clinic_key, appointment_id)
    if item.patient_id != grant.patient_id:
        raise appointment_not_found()
    hours = Clinic.from_model(ClinicModel.get(session.clinic_key)).settings.cancellation_window_hours
    if item.status == "booked" and times.epoch(item.start) - now() <= hours * 3600:
        raise inside_window(hours)
    return cancel(session, session.clinic_key, appointment_id, note=None, info=info, by_patient=grant)
