from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


class MedicationModel(PortalModel):
    """One medication on a patient's list (sections/refills). The patient's list is one
    partition (`patient_key` = "<clinic_key>#<patient_id>"), so a page of it is one
    Query. `open_request_id` names the refill request waiting for staff, if any: a
    request is written on condition that there is none (one open request per
    medication, race-safe), and staff's decision removes it."""

    class Meta:
        short_name = "medications"

    patient_key = UnicodeAttribute(hash_key=True)
    medication_id = UnicodeAttribute(range_key=True)
    clinic_key = UnicodeAttribute()
    patient_id = UnicodeAttribute()
    name = UnicodeAttribute()
    dose = UnicodeAttribute(null=True)
    instructions = UnicodeAttribute(null=True)
    prescriber = UnicodeAttribute(null=True)
    refills_left = NumberAttribute(default=0)
    active = BooleanAttribute(default=True)
    open_request_id = UnicodeAttribute(null=True)
    created_at = NumberAttribute()
    created_by = UnicodeAttribute()
    updated_at = NumberAttribute(null=True)
    revision = NumberAttribute(null=True)


class RefillPatientIndex(GlobalSecondaryIndex):
    """One patient's refill requests (`patient_key`), by `created_key`."""

    class Meta:
        index_name = "by_patient"
        projection = AllProjection()

    patient_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class RefillQueueIndex(GlobalSecondaryIndex):
    """A clinic's requests by state (`queue_key` = "<clinic_key>#requested" | "#answered"),
    oldest first."""

    class Meta:
        index_name = "by_queue"
        projection = AllProjection()

    queue_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class RefillRequestModel(PortalModel):
    """A patient's (or representative's) request for a refill of one medication."""

    class Meta:
        short_name = "refill_requests"

    clinic_key = UnicodeAttribute(hash_key=True)
    request_id = UnicodeAttribute(range_key=True)
    patient_key = UnicodeAttribute()
    queue_key = UnicodeAttribute()
    created_key = UnicodeAttribute()   # "<10-digit epoch s>#<request_id>"
    patient_id = UnicodeAttribute()
    patient_name = UnicodeAttribute(null=True)
    medication_id = UnicodeAttribute()
    medication_name = UnicodeAttribute()
    dose = UnicodeAttribute(null=True)
    pharmacy = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    status = UnicodeAttribute()        # "requested" | "approved" | "denied"
    requested_by = UnicodeAttribute()  # the login's username
    created_at = NumberAttribute()
    decided_at = NumberAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    staff_note = UnicodeAttribute(null=True)
    by_patient = RefillPatientIndex()
    by_queue = RefillQueueIndex()
