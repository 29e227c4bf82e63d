"""The Refills section (`refills`): each patient's medication list, kept by staff,
and the patient side's refill requests, answered by staff.

- `medications`: staff with `medications.manage` (admins, clinicians) add, change and
  deactivate a patient's medications (revisions, If-Match); the patient side reads the list;
- `requests`: the patient (or a representative with `refills`) asks for a refill of an
  active medication with refills left, naming a pharmacy (one open request per
  medication, enforced by a condition on the medication, so two at once cannot both win);
- `queue`: staff with `refills.manage` see the clinic's waiting requests (oldest first),
  approve (refills_left - 1 in the same transaction, conditional) or deny with a note;
- `notify`: the email to the patient side that a request's status changed (never the drug).

Counts (`sections.counters`, in the changing transaction): `patient#<id>.refills_open`
(+1 ask, -1 decision), `patient#<id>.refills_answered` (+1 decision, cleared when the
patient side lists its requests), `clinic.refills_requested` (+1 ask, -1 decision).
"""
REFILLS = "refills"


def patient_key(clinic_key: str, patient_id: str) -> str:
    return f"{clinic_key}#{patient_id}"


def viewed(session, patient_id: str, patient_name: str | None, info):
    """The unsaved access-log event of a staff member's view of a patient's refills."""
    from types import SimpleNamespace

    from chalicelib.sections.access import viewed as section_viewed

    patient = SimpleNamespace(patient_id=patient_id, patient_first_name=patient_name, patient_last_name=None)
    return section_viewed(session, patient, REFILLS, info)
