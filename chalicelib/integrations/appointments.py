"""The `appointments` resource of the integration API: the EHR's appointments,
written through the booking use cases staff use (sections/appointments/booking.py
`commit`: the same slot claims, the patient's upcoming list, the providers'
counters, the day registry and the same audit events, in one transaction with the
external-id mapping).

Fields are flat, named after FHIR R4 Appointment (FIELD_MAP, docs/integration.md):
status (booked, arrived, fulfilled, cancelled, noshow: FHIR codes the portal
keeps), start (an instant with its offset, on a 5-minute boundary),
minutesDuration (5 to 180, steps of 5), patient (the portal patient id = the
`patients` resource's external id), practitioner (the staff username of an active
clinician of the key's clinic), description (the reason), location, videoLink.

**The EHR is the source of truth for its own schedule.** A PUT first claims the
provider's slots like a staff booking; if another appointment already holds one
it books anyway (staff's "force"), marking the appointment `forced` so the
schedule shows the overlap, rather than answering 409 `provider_busy`: the
appointment exists in the EHR whatever the portal says, and a refusal would only
leave the portal's copy of the schedule wrong while the EHR retried forever.

A changed body moves or changes the appointment (audited `appointment_moved`,
and `appointment_status_changed` when the status changes too); status `cancelled`
or DELETE cancels it (`appointment_cancelled`, frees the time). A cancelled
appointment stays cancelled (the staff rule): a later PUT with a live status books
a new portal appointment for the same external id if the EHR itself cancelled it,
and is 409 `appointment_cancelled` if staff or the patient cancelled it in the
portal (the EHR must learn of that cancellation, not undo it). An appointment's
patient does not change: 409 `appointment_patient_changed` (cancel it and send a
new external id).
"""
from __future__ import annotations

from chalicelib.api.appointment_bodies import LOCATION, REASON, HttpsLink, Minutes, StartTime
from chalicelib.api.bodies import PATIENT_ID, STAFF_USERNAME
from chalicelib.api.fields import Choice
from chalicelib.api.requests import Body, optional, request_body, required
from chalicelib.core.errors import Conflict
from chalicelib.integrations.records import InvalidField
from chalicelib.sections.appointments import STATUSES

# wire field -> (portal field, FHIR R4 Appointment path)
FIELD_MAP = {
    "status": ("status", "Appointment.status"),
    "start": ("start", "Appointment.start"),
    "minutesDuration": ("minutes", "Appointment.minutesDuration"),
    "patient": ("patient_id", "Appointment.participant.actor(Patient)"),
    "practitioner": ("provider", "Appointment.participant.actor(Practitioner)"),
    "description": ("reason", "Appointment.description"),
    "location": ("location", "Appointment.participant.actor(Location).display"),
    "videoLink": ("video_link", "Appointment.supportingInformation (virtual service address)"),
}
EHR_LABEL = "Integration key "   # cancelled_by/booked_by of a write with a key (see keys.Caller.actor)


@request_body
class IntegrationAppointmentBody(Body):
    """PUT /api/integration/v1/appointments/{external_id}: the whole appointment, every time."""

    status: str = required(Choice(STATUSES))
    start: str = required(StartTime())
    minutesDuration: int = required(Minutes())
    patient: str = required(PATIENT_ID)
    practitioner: str = required(STAFF_USERNAME)
    description: str | None = optional(REASON)
    location: str | None = optional(LOCATION)
    videoLink: str | None = optional(HttpsLink())


body = IntegrationAppointmentBody


def external_id(value) -> str:
    from chalicelib.integrations.fields import external_id as check

    return check(value, "An appointment's")


def parse(request) -> dict:
    from chalicelib.core.ids import normalize_key
    from chalicelib.integrations.fields import parse as parse_fields

    out = parse_fields(request, body, {wire: portal for wire, (portal, _) in FIELD_MAP.items()})
    out["patient_id"] = out["patient_id"].upper()
    out["provider"] = normalize_key(out["provider"])   # usernames compare case-insensitively
    return out


def cancelled_in_portal() -> Conflict:
    return Conflict("This appointment was cancelled in the portal (by the clinic's staff or the patient); "
                    "it stays cancelled. Send it with status cancelled, or as a new external id.",
                    code="appointment_cancelled")


def patient_changed() -> Conflict:
    return Conflict("An appointment's patient cannot change. Cancel it (DELETE) and send the new one "
                    "under a new external id.", code="appointment_patient_changed")


def _people(push):
    """(clinician, patient) of the body, of the key's clinic only: else 400 naming the field."""
    from chalicelib.core.errors import InvalidRequest, NotFound
    from chalicelib.sections.appointments import booking

    ck = push.clinic.clinic_key
    try:
        patient = booking.patient_record(ck, push.fields["patient_id"])
    except NotFound:
        raise InvalidField("patient", "No patient with that id at this clinic: write it to the patients "
                                      "resource first.") from None
    try:
        staff = booking.provider_record(ck, push.fields["provider"])
    except InvalidRequest:
        raise InvalidField("practitioner", "practitioner must be the username of an active clinician of "
                                           "this clinic.") from None
    return staff, patient


def _label(push) -> str:
    return push.caller.actor()["name"]


def _event(push, kind: str, item, **details):
    from chalicelib.core import audit
    from chalicelib.sections.appointments.booking import event_details

    return audit.event(push.clinic.clinic_key, kind, info=push.info, outcome="succeeded",
                       actor=push.caller.actor(), details={**event_details(item), **push.details(), **details})


def _current(push):
    from chalicelib.sections.appointments.booking import get_appointment

    if push.existing is None:
        return None
    return get_appointment(push.clinic.clinic_key, push.existing.internal_id)


def _new(push, staff, patient, appointment_id: str):
    from chalicelib.core.ids import now
    from chalicelib.models import AppointmentModel as A
    from chalicelib.sections.appointments.booking import _keys, _name

    f, at = push.fields, now()
    item = A(push.clinic.clinic_key, appointment_id, patient_id=patient.patient_id, patient_name=_name(patient),
             provider=staff.username_key, provider_name=_name(staff), start=f["start"], minutes=int(f["minutes"]),
             reason=f["reason"], location=f["location"], video_link=f["video_link"], status=f["status"],
             booked_by=_label(push), created_at=at, updated_at=at)
    if f["status"] == "cancelled":
        item.cancelled_at, item.cancelled_by = at, _label(push)
    _keys(item)
    return item


def _changed(push, before, staff):
    """(after, field diff) of a changed appointment."""
    from chalicelib.core.ids import now
    from chalicelib.core.records import revision_of
    from chalicelib.sections.appointments.booking import _copy, _keys, _name, _wire_value

    f, after = push.fields, _copy(before)
    after.provider, after.provider_name = staff.username_key, _name(staff)
    for name in ("start", "minutes", "reason", "location", "video_link", "status"):
        setattr(after, name, f[name])
    after.revision = revision_of(before) + 1
    after.updated_at = now()
    if f["status"] == "cancelled" and before.status != "cancelled":
        after.cancelled_at, after.cancelled_by, after.status_note = after.updated_at, _label(push), None
    _keys(after)
    diff = {n: {"before": _wire_value(n, getattr(before, n)), "after": _wire_value(n, getattr(after, n))}
            for n in ("provider", "start", "minutes", "location", "video_link")
            if getattr(before, n) != getattr(after, n)}
    if before.reason != after.reason:
        diff["reason"] = "changed"    # never the words: they may name a condition
    return after, diff


def _events(push, before, after, diff, forced: bool) -> list:
    """The audit events of the change, as staff's use cases write them."""
    if before is None:
        return [_event(push, "appointment_booked", after, forced=forced, status=after.status)]
    if after.status == "cancelled" and before.status != "cancelled":
        return [_event(push, "appointment_cancelled", after, by="integration")]
    out = []
    if diff:
        out.append(_event(push, "appointment_moved", after, changes=diff, forced=forced))
    if after.status != before.status:
        out.append(_event(push, "appointment_status_changed", after,
                          status={"before": before.status, "after": after.status}))
    return out


def _commit(push, before, after, events, force: bool, *, withdrawn: bool = False) -> None:
    from chalicelib.core.records import write
    from chalicelib.integrations.records import written_meanwhile
    from chalicelib.sections.appointments.booking import Change, commit

    def mapping(tx):
        push.save_mapping(tx, after.appointment_id, withdrawn=withdrawn)
        for i, extra in enumerate(events[1:]):
            tx.save(f"audit:{i + 1}", extra)

    if not events:   # the appointment is already as the body says: the mapping alone
        write(mapping, failed={"mapping": written_meanwhile})
        return
    commit(Change(before, after, force, events[0], mapping, {"mapping": written_meanwhile}))


def apply(push) -> str:
    """Book, change or cancel the appointment and save the mapping; the appointment id."""
    from chalicelib.core.ids import new_id
    from chalicelib.sections.appointments import upcoming

    staff, patient = _people(push)
    appointment_id = new_id()

    def attempt(force: bool):
        before = _current(push)
        if before is not None and before.status == "cancelled" and push.fields["status"] != "cancelled":
            if not (before.cancelled_by or "").startswith(EHR_LABEL):
                raise cancelled_in_portal()
            before = None   # the EHR cancelled it and books it again: a new portal appointment
        if before is not None and before.patient_id != patient.patient_id:
            raise patient_changed()
        if before is None:
            after, diff = _new(push, staff, patient, appointment_id), {}
        else:
            after, diff = _changed(push, before, staff)
        if force:
            after.forced = True
        _commit(push, before, after, _events(push, before, after, diff, force), force)
        return after.appointment_id

    def run():
        try:
            return attempt(False)
        except Conflict as exc:
            if exc.code != "provider_busy":
                raise
            return attempt(True)   # the EHR's schedule wins: booked over the overlap, marked forced

    return upcoming.retrying(run)


def withdraw(push) -> None:
    """DELETE: cancel the appointment (frees the provider's time), as staff's cancel."""
    from chalicelib.core.ids import now
    from chalicelib.sections.appointments import upcoming
    from chalicelib.sections.appointments.booking import _copy

    def run():
        before = _current(push)
        if before.status == "cancelled":
            _commit(push, before, before, [], False, withdrawn=True)
            return
        after = _copy(before)
        after.status, after.status_note = "cancelled", None
        after.cancelled_at = after.updated_at = now()
        after.cancelled_by = _label(push)
        after.revision = int(before.revision or 0) + 1
        _commit(push, before, after, [_event(push, "appointment_cancelled", after, by="integration")], False,
                withdrawn=True)

    upcoming.retrying(run)
