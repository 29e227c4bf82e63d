"""The Refills section's request bodies (see `bodies.py` and `requests.py`)."""
from __future__ import annotations

from chalicelib.api.bodies import REVISION
from chalicelib.api.fields import Bool, Int, Pattern, Text
from chalicelib.api.requests import ABSENT, Body, optional, request_body, required
from chalicelib.core import limits

RECORD_ID = Pattern(limits.RECORD_ID_RE, "An id is 32 lower-case hexadecimal characters.")
NAME = Text(limits.MEDICATION_NAME_MAX, one_line=True, strip=True)
DETAIL = Text(limits.MEDICATION_TEXT_MAX, allow_empty=True, nullable=True, one_line=True, strip=True)
REFILLS = Int(0, limits.REFILLS_MAX)


@request_body
class AddMedicationBody(Body):
    """A medication on a patient's list (it starts active)."""

    name: str = required(NAME)
    dose: str | None = optional(DETAIL)
    instructions: str | None = optional(DETAIL)
    prescriber: str | None = optional(DETAIL)
    refills_left: int = optional(REFILLS, 0)


@request_body
class ChangeMedicationBody(Body):
    """PATCH: any of the fields; `active: false` deactivates it (it can no longer be refilled)."""

    require_one = True
    name: str = optional(NAME, ABSENT)
    dose: str | None = optional(DETAIL, ABSENT)
    instructions: str | None = optional(DETAIL, ABSENT)
    prescriber: str | None = optional(DETAIL, ABSENT)
    refills_left: int = optional(REFILLS, ABSENT)
    active: bool = optional(Bool(), ABSENT)
    revision: int = optional(REVISION, ABSENT)


@request_body
class RefillRequestBody(Body):
    """The patient side asks for a refill of one of its medications."""

    medication_id: str = required(RECORD_ID)
    pharmacy: str = required(Text(limits.PHARMACY_MAX, one_line=True, strip=True))
    note: str | None = optional(Text(limits.NOTE_MAX, allow_empty=True, nullable=True, strip=True))


@request_body
class RefillDecisionBody(Body):
    """Approve or deny: an optional note the patient side reads."""

    note: str | None = optional(Text(limits.NOTE_MAX, allow_empty=True, nullable=True, strip=True))


__all__ = ["AddMedicationBody", "ChangeMedicationBody", "RefillRequestBody", "RefillDecisionBody"]
