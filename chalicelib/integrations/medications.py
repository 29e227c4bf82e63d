"""The `medications` resource of the integration API: a patient's medication list as
the EHR prescribes it, written through the Refills section's use cases
(chalicelib/sections/refills/medications.py: the same records staff add and
change, the same audit events with the patient's id).

Fields are flat, named after FHIR R4 MedicationRequest (FIELD_MAP and
docs/integration.md): patient = subject (the portal patient id), medication =
medicationCodeableConcept.text, dose = dosageInstruction[0].doseAndRate[0].dose
(as text), dosageInstruction = dosageInstruction[0].text, requester =
requester.display, numberOfRepeatsAllowed = dispenseRequest.numberOfRepeatsAllowed
(the refills left; absent or null is 0), status.

`status` (FHIR medicationrequest-status) maps to the portal's active flag:
`active` is active (the patient side may ask for a refill while refills are
left); `on-hold`, `stopped`, `completed`, `cancelled`, `entered-in-error`,
`draft` and `unknown` are inactive (kept on the list, marked inactive, never
refillable).

DELETE withdraws: the medication is deactivated (audited `medication_withdrawn`)
and stays on the list, like a medication staff deactivate. A refill request the
patient side already sent for it stays in staff's queue: staff answer it (deny
with a note, or approve while refills are left); the portal does not answer a
patient for the clinic. A later PUT restores it with the body's values.

Staff may still change an EHR medication on the portal; the EHR's next changed
PUT replaces their values (a repeat of the same body changes nothing).
"""
from __future__ import annotations

from chalicelib.api.fields import Choice, Int, Text
from chalicelib.api.requests import Body, optional, request_body, required
from chalicelib.core import limits
from chalicelib.integrations import refs

# FHIR R4 MedicationRequest.status -> the portal's `active`
STATUSES = {"active": True, "on-hold": False, "stopped": False, "completed": False, "cancelled": False,
            "entered-in-error": False, "draft": False, "unknown": False}

# wire field -> (portal field, FHIR R4 MedicationRequest path)
FIELD_MAP = {
    "patient": ("patient_id", "MedicationRequest.subject (the portal patient id)"),
    "medication": ("name", "MedicationRequest.medicationCodeableConcept.text"),
    "status": ("active", "MedicationRequest.status (active: active; any other code: inactive)"),
    "dose": ("dose", "MedicationRequest.dosageInstruction[0].doseAndRate[0].dose (as text)"),
    "dosageInstruction": ("instructions", "MedicationRequest.dosageInstruction[0].text"),
    "requester": ("prescriber", "MedicationRequest.requester.display"),
    "numberOfRepeatsAllowed": ("refills_left", "MedicationRequest.dispenseRequest.numberOfRepeatsAllowed"),
}

DETAIL = Text(limits.MEDICATION_TEXT_MAX, allow_empty=True, nullable=True, one_line=True, strip=True)


class _Repeats(Int):
    nullable = True


@request_body
class IntegrationMedicationBody(Body):
    """PUT /api/integration/v1/medications/{external_id}: the whole medication, every
    time (a field left out or null is removed)."""

    patient: str = required(refs.PATIENT)
    medication: str = required(Text(limits.MEDICATION_NAME_MAX, one_line=True, strip=True))
    status: str = required(Choice(tuple(STATUSES)))
    dose: str | None = optional(DETAIL)
    dosageInstruction: str | None = optional(DETAIL)
    requester: str | None = optional(DETAIL)
    numberOfRepeatsAllowed: int | None = optional(_Repeats(0, limits.REFILLS_MAX))


body = IntegrationMedicationBody
external_id = refs.external_id


def parse(request) -> dict:
    """The portal fields of the body (`status` kept too, so a change of FHIR code is a change)."""
    wire = refs.parse(body, request)
    out = {FIELD_MAP[name][0]: value for name, value in wire.items() if name != "status"}
    out["refills_left"] = out["refills_left"] or 0
    out["active"], out["status"] = STATUSES[wire["status"]], wire["status"]
    return out


def _common(push, patient_id: str, **mapping) -> dict:
    from chalicelib.integrations.records import written_meanwhile

    def also(tx, item):
        push.save_mapping(tx, item.medication_id, patient_id=patient_id, **mapping)

    return {"by": push.caller.actor(), "details": push.details(), "also": also,
            "failed": {"mapping": written_meanwhile}}


def apply(push) -> str:
    """Add or change the medication and the mapping in one transaction; its id."""
    from chalicelib.sections.refills import medications as use_case

    pid = refs.patient_of(push)
    values = {k: v for k, v in push.fields.items() if k not in ("patient_id", "status")}
    old = push.existing
    if old is None or old.patient_id != pid:   # new, or withdrawn and now another patient's
        item = use_case.add(None, push.clinic, pid, values, push.info, **_common(push, pid))
    else:
        item = use_case.change(None, push.clinic, pid, old.internal_id, values, push.info, revision=None,
                               **_common(push, pid))
    return item.medication_id


def withdraw(push) -> None:
    """Deactivate the medication (it stays on the list; an open refill request stays open)."""
    from chalicelib.sections.refills import medications as use_case

    old = push.existing
    use_case.change(None, push.clinic, old.patient_id, old.internal_id, {"active": False}, push.info,
                    revision=None, kind="medication_withdrawn", **_common(push, old.patient_id, withdrawn=True))
