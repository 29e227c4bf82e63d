"""Appointments (issue 13, point 1): the appointment itself, the per-provider slot
claims that make double-booking impossible under races, the registry of days that
have appointments (for the reminder job), and patients' appointment requests.

See docs/architecture.md, "Sections: Appointments"."""
from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


class AppointmentProviderIndex(GlobalSecondaryIndex):
    """One provider's appointments (`provider_key` = "<clinic_key>#<provider>") by start:
    a day or a week of their schedule is one Query between two start keys."""

    class Meta:
        index_name = "by_provider"
        projection = AllProjection()

    provider_key = UnicodeAttribute(hash_key=True)
    start_key = UnicodeAttribute(range_key=True)


class AppointmentClinicDayIndex(GlobalSecondaryIndex):
    """A clinic's appointments of one day (`day_key` = "<clinic_key>#<YYYY-MM-DD>") by start:
    the whole clinic's day and the reminder job's day are one Query."""

    class Meta:
        index_name = "by_clinic_day"
        projection = AllProjection()

    day_key = UnicodeAttribute(hash_key=True)
    start_key = UnicodeAttribute(range_key=True)


class AppointmentPatientIndex(GlobalSecondaryIndex):
    """A patient's appointments (`patient_key` = "<clinic_key>#<patient_id>") by start:
    upcoming (from now on) and past (before now, newest first) are one Query a page."""

    class Meta:
        index_name = "by_patient"
        projection = AllProjection()

    patient_key = UnicodeAttribute(hash_key=True)
    start_key = UnicodeAttribute(range_key=True)


class AppointmentModel(PortalModel):
    """One appointment. `status` is a FHIR R4 Appointment.status code: booked, arrived,
    fulfilled (the visit took place: "completed"), cancelled, noshow."""

    class Meta:
        short_name = "appointments"

    clinic_key = UnicodeAttribute(hash_key=True)
    appointment_id = UnicodeAttribute(range_key=True)
    patient_id = UnicodeAttribute()
    patient_name = UnicodeAttribute(null=True)
    provider = UnicodeAttribute()            # the clinician's username key
    provider_name = UnicodeAttribute(null=True)
    start = UnicodeAttribute()               # "YYYY-MM-DDTHH:MM" UTC, on a 5-minute boundary
    minutes = NumberAttribute()
    reason = UnicodeAttribute(null=True)
    location = UnicodeAttribute(null=True)
    video_link = UnicodeAttribute(null=True)   # https only
    status = UnicodeAttribute()
    status_note = UnicodeAttribute(null=True)  # why it was cancelled, by whom in words
    request_id = UnicodeAttribute(null=True)   # the appointment request it was booked from
    forced = BooleanAttribute(null=True)       # booked over another appointment on purpose
    booked_by = UnicodeAttribute(null=True)
    created_at = NumberAttribute()
    updated_at = NumberAttribute(null=True)
    cancelled_at = NumberAttribute(null=True)
    cancelled_by = UnicodeAttribute(null=True)   # a staff username, or "patient"
    reminded_at = NumberAttribute(null=True)     # the day-before reminder was sent (set once)
    revision = NumberAttribute(null=True)
    provider_key = UnicodeAttribute()
    day_key = UnicodeAttribute()
    patient_key = UnicodeAttribute()
    start_key = UnicodeAttribute()
    by_provider = AppointmentProviderIndex()
    by_clinic_day = AppointmentClinicDayIndex()
    by_patient = AppointmentPatientIndex()


class AppointmentSlotModel(PortalModel):
    """A provider's 5-minute slot (`slot_key` = "<provider>#<YYYY-MM-DDTHH:MM>") and the
    appointments holding it (`holders`). Booking adds its id to each slot it covers, in
    its own transaction, on condition that no other appointment holds the slot (unless
    forced); cancelling or moving away removes it. DynamoDB deletes an empty set, so a
    free slot has no `holders`."""

    class Meta:
        short_name = "appointment_slots"

    clinic_key = UnicodeAttribute(hash_key=True)
    slot_key = UnicodeAttribute(range_key=True)
    holders = UnicodeSetAttribute(null=True)


class AppointmentDayModel(PortalModel):
    """The registry of days with appointments: one item per (day, clinic), written with each
    booking. The reminder job reads a day's clinics with one Query (never a Scan of clinics)."""

    class Meta:
        short_name = "appointment_days"

    day = UnicodeAttribute(hash_key=True)          # YYYY-MM-DD
    clinic_key = UnicodeAttribute(range_key=True)


class AppointmentRequestQueueIndex(GlobalSecondaryIndex):
    """A clinic's requests by state (`queue_key` = "<clinic_key>#waiting" or "#closed"), by creation."""

    class Meta:
        index_name = "by_queue"
        projection = AllProjection()

    queue_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class AppointmentRequestPatientIndex(GlobalSecondaryIndex):
    """A patient's requests (`patient_key` = "<clinic_key>#<patient_id>"), by creation."""

    class Meta:
        index_name = "by_patient"
        projection = AllProjection()

    patient_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class AppointmentRequestModel(PortalModel):
    """A patient's request for an appointment: waiting, then booked or declined (with a note)."""

    class Meta:
        short_name = "appointment_requests"

    clinic_key = UnicodeAttribute(hash_key=True)
    request_id = UnicodeAttribute(range_key=True)
    patient_id = UnicodeAttribute()
    patient_name = UnicodeAttribute(null=True)
    reason = UnicodeAttribute()
    preferred = UnicodeAttribute(null=True)      # preferred days and times, in the patient's words
    status = UnicodeAttribute()                  # "waiting" | "booked" | "declined"
    requested_by = UnicodeAttribute()            # the portal login's username
    created_at = NumberAttribute()
    closed_at = NumberAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)
    decline_note = UnicodeAttribute(null=True)
    appointment_id = UnicodeAttribute(null=True)
    queue_key = UnicodeAttribute()
    patient_key = UnicodeAttribute()
    created_key = UnicodeAttribute()             # "<10-digit epoch s>#<request_id>"
    by_queue = AppointmentRequestQueueIndex()
    by_patient = AppointmentRequestPatientIndex()
