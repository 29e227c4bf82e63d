"""Booking, moving, cancelling and the status of an appointment (staff holding
`appointments.manage`; a patient's own cancellation goes through `cancel` too).

**No double-booking, even under races.** A provider's time is cut in 5-minute
slots (`times.slots`); each slot is an item (`AppointmentSlotModel`) whose
`holders` set names the appointments on it. Every change writes, in the one
transaction that saves the appointment, an `ADD holders :id` on each slot it now
covers and did not before, conditional on the slot having no holder (unless
forced), and a `DELETE holders :id` on each slot it leaves. Two bookings racing for
an overlapping time both try to claim at least one common slot: DynamoDB lets one
transaction win and cancels the other (409 `provider_busy`). Slots rather than one
item per provider-day: the conflict is decided by DynamoDB on exactly the time that
overlaps (no read of the day, no list to keep sorted, no contention between
bookings of different hours of the same day), and an appointment over midnight
needs nothing special. The price is up to 36 small items per booking (3 hours).
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core import audit
from chalicelib.core.errors import Conflict, InvalidRequest, NotFound
from chalicelib.core.ids import new_id, now
from chalicelib.core.limits import RECORD_ID_RE
from chalicelib.core.records import CONFLICT_MESSAGE, STALE_MESSAGE, check_revision, write
from chalicelib.sections import counters
from chalicelib.sections.appointments import PROVIDER_ROLE, SETTABLE, times, upcoming

HOLDING = ("booked", "arrived", "fulfilled", "noshow")   # statuses that keep their time


def appointment_not_found() -> NotFound:
    return NotFound("No appointment with that id.", code="appointment_not_found")


def provider_busy() -> Conflict:
    return Conflict("The provider already has an appointment at that time. Choose another time, "
                    "or book it anyway (force).", code="provider_busy")


def invalid_provider() -> InvalidRequest:
    return InvalidRequest("provider must be an active clinician of this clinic.", code="invalid_provider")


def already_cancelled() -> Conflict:
    return Conflict("This appointment is cancelled; book a new one instead.", code="appointment_cancelled")


def get_appointment(clinic_key: str, appointment_id: object):
    from chalicelib.models import AppointmentModel as A

    if not isinstance(appointment_id, str) or not RECORD_ID_RE.fullmatch(appointment_id):
        raise appointment_not_found()
    try:
        return A.get(clinic_key, appointment_id, consistent_read=True)
    except A.DoesNotExist:
        raise appointment_not_found() from None


def provider_record(clinic_key: str, username: str):
    """The active clinician `username` (case-insensitive), else 400 invalid_provider."""
    from chalicelib.core.ids import normalize_key
    from chalicelib.models import StaffModel

    try:
        staff = StaffModel.get(clinic_key, normalize_key(username), consistent_read=True)
    except StaffModel.DoesNotExist:
        raise invalid_provider() from None
    if not staff.enabled or PROVIDER_ROLE not in (staff.roles or []):
        raise invalid_provider()
    return staff


def patient_record(clinic_key: str, patient_id: str):
    from chalicelib.models import PatientModel

    try:
        return PatientModel.get(clinic_key, patient_id, consistent_read=True)
    except PatientModel.DoesNotExist:
        raise NotFound("No patient with that id.", code="patient_not_found") from None


def _name(person) -> str:
    return f"{person.first_name or ''} {person.last_name or ''}".strip()


def _keys(item) -> None:
    """Set the index keys from the appointment's fields."""
    ck = item.clinic_key
    item.provider_key = f"{ck}#{item.provider}"
    item.day_key = f"{ck}#{times.day_of(item.start)}"
    item.patient_key = f"{ck}#{item.patient_id}"
    item.start_key = times.start_key(item.start, item.appointment_id)


def held_slots(item) -> set[str]:
    if item is None or item.status not in HOLDING:
        return set()
    return {f"{item.provider}#{s}" for s in times.slots(item.start, item.minutes)}


def _upcoming_entry(item) -> str | None:
    return item.start if item is not None and item.status in ("booked", "arrived") else None


@dataclass
class Change:
    """One change of an appointment: what it was (None: new) and what it becomes."""
    before: object
    after: object
    force: bool
    event: object
    more: object = None            # build(tx) of more items (e.g. the request it closes)
    more_failed: dict | None = None
    clinic_deltas: dict | None = None


def commit(change: Change) -> None:
    """One transaction: the appointment, its slot claims and releases, the patient's
    upcoming list, the providers' counters (their schedule's ETag), the day registry
    and the audit event. Raises provider_busy when a slot is taken."""
    from chalicelib.models import AppointmentDayModel as D
    from chalicelib.models import AppointmentModel as A
    from chalicelib.models import AppointmentSlotModel as S

    before, after = change.before, change.after
    ck = after.clinic_key
    claim = sorted(held_slots(after) - held_slots(before))
    release = sorted(held_slots(before) - held_slots(after))
    counter = upcoming.read(ck, after.patient_id)
    new_list = upcoming.changed(upcoming.entries(counter), after.appointment_id, _upcoming_entry(after),
                                times.stored(now()))
    providers = {p for p in (getattr(before, "provider", None), after.provider) if p}
    deltas = {counters.staff(p): {} for p in sorted(providers)}
    if change.clinic_deltas:
        deltas[counters.CLINIC] = change.clinic_deltas

    def build(tx):
        if before is None:
            tx.save("appointment", after, condition=A.appointment_id.does_not_exist())
        else:
            same = A.appointment_id.exists() & ((A.revision == before.revision) if before.revision is not None
                                                else A.revision.does_not_exist())
            tx.save("appointment", after, condition=same)
        for key in claim:
            tx.update(f"slot:{key}", S(ck, key), actions=[S.holders.add({after.appointment_id})],
                      condition=None if change.force else S.holders.does_not_exist())
        for key in release:
            tx.update(f"free:{key}", S(ck, key), actions=[S.holders.delete({after.appointment_id})])
        if after.status in HOLDING:
            tx.save("day", D(times.day_of(after.start), ck))
        upcoming.update(tx, ck, counter, after.patient_id, new_list)
        counters.bump(tx, ck, deltas)
        if change.more is not None:
            change.more(tx)
        tx.audit(change.event)

    def changed_meanwhile():
        return Conflict(STALE_MESSAGE if before is not None else CONFLICT_MESSAGE, code="conflict")

    def retry():
        return upcoming.Retry()

    failed = {"appointment": changed_meanwhile, **(change.more_failed or {}),
              **{f"slot:{key}": provider_busy for key in claim}, upcoming.COUNTER: retry}
    write(build, failed=failed)


def event_details(item) -> dict:
    """What every appointment audit event says of it (staff's and the integration API's)."""
    return {"patient_id": item.patient_id, "section": "appointments", "appointment_id": item.appointment_id,
            "provider": item.provider, "start": times.wire(item.start), "minutes": int(item.minutes)}


def _event(session, clinic_key: str, kind: str, item, info, **details):
    return audit.event(clinic_key, kind, info=info, outcome="succeeded", actor=audit.actor(session),
                       details={**event_details(item), **details})


def book(session, clinic, *, patient_id: str, provider: str, start: str, minutes: int, reason: str | None,
         location: str | None, video_link: str | None, force: bool, info, from_request=None):
    """A new appointment (status booked). Values come checked from the edge."""
    from chalicelib.models import AppointmentModel as A

    ck = clinic.clinic_key
    staff = provider_record(ck, provider)
    patient = patient_record(ck, patient_id)
    at = now()
    item = A(ck, new_id(), patient_id=patient.patient_id, patient_name=_name(patient),
             provider=staff.username_key, provider_name=_name(staff), start=start, minutes=int(minutes),
             reason=reason, location=location, video_link=video_link, status="booked",
             forced=True if force else None, booked_by=session.username, created_at=at, updated_at=at,
             request_id=getattr(from_request, "request_id", None))
    _keys(item)
    kind = "appointment_booked"
    event = _event(session, ck, kind, item, info, forced=bool(force),
                   **({"request_id": from_request.request_id} if from_request is not None else {}))
    extra, extra_failed, deltas = None, None, None
    if from_request is not None:
        from chalicelib.sections.appointments.requests import close_in

        extra, extra_failed = close_in(from_request, "booked", session, item.appointment_id, None)
        deltas = {"appointment_requests_waiting": -1}
    upcoming.retrying(lambda: commit(Change(None, item, force, event, extra, extra_failed, deltas)))
    item.revision = None
    return item


def _copy(item):
    from chalicelib.models import AppointmentModel as A

    return A.from_raw_data(item.serialize())


def move(session, clinic, appointment_id: str, changes: dict, *, force: bool, revision: int | None, info):
    """Change provider, start, length, reason, location or video link (not the patient)."""
    from chalicelib.core.records import revision_of

    ck = clinic.clinic_key

    def run():
        before = get_appointment(ck, appointment_id)
        check_revision(before, revision)
        if before.status == "cancelled":
            raise already_cancelled()
        after = _copy(before)
        if "provider" in changes:
            staff = provider_record(ck, changes["provider"])
            after.provider, after.provider_name = staff.username_key, _name(staff)
        for name in ("start", "minutes", "reason", "location", "video_link"):
            if name in changes:
                setattr(after, name, changes[name])
        after.revision = revision_of(before) + 1
        after.updated_at = now()
        after.forced = True if force else before.forced
        _keys(after)
        diff = {n: {"before": _wire_value(n, getattr(before, n)), "after": _wire_value(n, getattr(after, n))}
                for n in ("provider", "start", "minutes", "location", "video_link")
                if getattr(before, n) != getattr(after, n)}
        if "reason" in changes and before.reason != after.reason:
            diff["reason"] = "changed"    # never the words: they may name a condition
        event = _event(session, ck, "appointment_moved", after, info, changes=diff, forced=bool(force))
        commit(Change(before, after, force, event))
        return after

    return upcoming.retrying(run)


def _wire_value(name, value):
    return times.wire(value) if name == "start" else (int(value) if name == "minutes" else value)


def cancel(session, clinic_key: str, appointment_id: str, *, note: str | None, info, by_patient=None):
    """Cancel (frees the provider's time). `by_patient`: the patient side's grant; the
    window is checked by the caller (patient.py)."""
    def run():
        before = get_appointment(clinic_key, appointment_id)
        if by_patient is not None and before.patient_id != by_patient.patient_id:
            raise appointment_not_found()
        if before.status == "cancelled":
            raise already_cancelled()
        if before.status != "booked" and by_patient is not None:
            raise Conflict("This appointment can no longer be cancelled here. Call the clinic.",
                           code="appointment_not_cancellable")
        after = _copy(before)
        after.status, after.status_note = "cancelled", note
        after.cancelled_at = after.updated_at = now()
        after.cancelled_by = "patient" if by_patient is not None else session.username
        after.revision = int(before.revision or 0) + 1
        event = _event(session, clinic_key, "appointment_cancelled", after, info,
                       by=("patient" if by_patient is not None else "staff"))
        commit(Change(before, after, False, event))
        return after

    return upcoming.retrying(run)


def set_status(session, clinic, appointment_id: str, status: str, *, revision: int | None, info):
    """Arrived, completed (fulfilled), no-show, or back to booked. A cancelled one stays cancelled."""
    if status not in SETTABLE:
        raise InvalidRequest(f"status must be one of: {', '.join(SETTABLE)}.", code="invalid_status")
    ck = clinic.clinic_key

    def run():
        before = get_appointment(ck, appointment_id)
        check_revision(before, revision)
        if before.status == "cancelled":
            raise already_cancelled()
        if before.status == status:
            return before
        after = _copy(before)
        after.status, after.updated_at = status, now()
        after.revision = int(before.revision or 0) + 1
        event = _event(session, ck, "appointment_status_changed", after, info,
                       status={"before": before.status, "after": status})
        commit(Change(before, after, False, event))
        return after

    return upcoming.retrying(run)
