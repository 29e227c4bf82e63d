"""The Appointments section's reply shapes. Times are UTC ("...Z"); `status` is the
FHIR R4 Appointment.status code and `status_words` its words ("Completed" for
fulfilled)."""
from __future__ import annotations

from chalicelib.core.ids import iso
from chalicelib.core.records import revision_of


def appointment(item, *, for_staff: bool = True) -> dict:
    from chalicelib.sections.appointments import STATUS_WORDS
    from chalicelib.sections.appointments.times import end_of, wire

    out = {
        "appointment_id": item.appointment_id,
        "patient_id": item.patient_id,
        "patient_name": item.patient_name,
        "provider": item.provider,
        "provider_name": item.provider_name,
        "start": wire(item.start),
        "end": wire(end_of(item.start, item.minutes)),
        "minutes": int(item.minutes),
        "reason": item.reason,
        "location": item.location,
        "video_link": item.video_link,
        "status": item.status,
        "status_words": STATUS_WORDS.get(item.status, item.status),
        "cancelled_at": iso(item.cancelled_at),
        "revision": revision_of(item),
    }
    if for_staff:
        out.update({"forced": bool(item.forced), "booked_by": item.booked_by, "request_id": item.request_id,
                    "cancelled_by": item.cancelled_by, "note": item.status_note,
                    "reminded_at": iso(item.reminded_at),
                    "created_at": iso(item.created_at), "updated_at": iso(item.updated_at)})
    return out


def appointment_request(item, *, for_staff: bool = True) -> dict:
    out = {
        "request_id": item.request_id,
        "patient_id": item.patient_id,
        "reason": item.reason,
        "preferred": item.preferred,
        "status": item.status,
        "created_at": iso(item.created_at),
        "closed_at": iso(item.closed_at),
        "decline_note": item.decline_note,
        "appointment_id": item.appointment_id,
    }
    if for_staff:
        out.update({"patient_name": item.patient_name, "requested_by": item.requested_by,
                    "closed_by": item.closed_by})
    return out


def provider(item) -> dict:
    return {"username": item.username, "provider": item.username_key,
            "name": f"{item.first_name or ''} {item.last_name or ''}".strip()}
