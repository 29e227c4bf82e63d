"""The `patients` resource of the integration API: the EHR's patient demographics,
written through the same use cases as staff (chalicelib/patients/admin.py: the
same validation, search keys, grant names and audit events).

Fields are flat, named after FHIR R4 Patient (the mapping is in FIELD_MAP and
docs/integration.md): familyName = name.family, givenName = name.given[0],
birthDate, email = telecom(system=email), phone = telecom(system=phone),
addressLine1/2 = address.line[0/1], city, state, postalCode = address.*.

The portal patient id IS the external id, in capitals (the EHR's MRN is the chart
number staff know; the portal stores ids in capitals, so external ids of patients
compare case-insensitively). An external id that is not a portal patient id
(1 to 64 letters, digits, '-' or '_') is 400 `invalid_field` `external_id`. A first
PUT for an id staff already added adopts that patient: the EHR's demographics
replace the record's, audited as a change by the key.

DELETE withdraws: the record stays with `withdrawn_at` set (shown to staff), with
its portal logins and grants, its messages and forms: removing a person's portal
access is a decision for the clinic's staff (who may be told why), never a side
effect of an EHR merge or a record entered in error. A later PUT restores it.
"""
from __future__ import annotations

from chalicelib.api import patient_fields as pf
from chalicelib.api.fields import Email
from chalicelib.api.requests import Body, optional, request_body, required
from chalicelib.core import limits
from chalicelib.integrations.records import InvalidField

# wire field -> (portal field, FHIR R4 Patient path)
FIELD_MAP = {
    "familyName": ("last_name", "Patient.name.family"),
    "givenName": ("first_name", "Patient.name.given[0]"),
    "birthDate": ("date_of_birth", "Patient.birthDate"),
    "email": ("email", "Patient.telecom(system=email).value"),
    "phone": ("phone", "Patient.telecom(system=phone).value"),
    "addressLine1": ("address_line1", "Patient.address.line[0]"),
    "addressLine2": ("address_line2", "Patient.address.line[1]"),
    "city": ("city", "Patient.address.city"),
    "state": ("region", "Patient.address.state"),
    "postalCode": ("postal_code", "Patient.address.postalCode"),
}


@request_body
class IntegrationPatientBody(Body):
    """PUT /api/integration/v1/patients/{external_id}: the whole patient, every time
    (a field left out or null is removed)."""

    familyName: str = required(pf.PersonName())
    givenName: str = required(pf.PersonName())
    birthDate: str = required(pf.BirthDate())
    email: str | None = optional(Email(empty_is_none=True))
    phone: str | None = optional(pf.Phone())
    addressLine1: str | None = optional(pf.AddressText(limits.ADDRESS_LINE_MAX))
    addressLine2: str | None = optional(pf.AddressText(limits.ADDRESS_LINE_MAX))
    city: str | None = optional(pf.AddressText(limits.CITY_MAX))
    state: str | None = optional(pf.AddressText(limits.REGION_MAX))
    postalCode: str | None = optional(pf.PostalCode())


body = IntegrationPatientBody


def external_id(value) -> str:
    if not isinstance(value, str) or not limits.PATIENT_ID_RE.fullmatch(value):
        raise InvalidField("external_id", "A patient's external id is 1 to 64 letters, digits, '-' or '_' "
                                          "(it becomes the portal's patient id).")
    return value.upper()


def parse(request) -> dict:
    """The portal fields of the body (every field: absent is None)."""
    from chalicelib.api.http import json_body
    from chalicelib.core.errors import InvalidRequest

    raw = json_body(request, required=body.required_names(), optional=body.optional_names(),
                    field_error=InvalidField)
    out = {portal: None for portal, _ in FIELD_MAP.values()}
    for name, (parser, _) in body.specs().items():
        if name in raw:
            try:
                out[FIELD_MAP[name][0]] = parser(name, raw[name])
            except InvalidRequest as exc:
                raise InvalidField(name, exc.message) from None
    return out


def _find(push):
    from chalicelib.core.errors import NotFound
    from chalicelib.patients.lookup import get_patient

    try:
        return get_patient(push.clinic, push.external_id)
    except NotFound:
        return None


def apply(push) -> str:
    """Create or change the patient and the mapping in one transaction; the patient id."""
    from chalicelib.integrations.records import written_meanwhile
    from chalicelib.patients import admin

    def also(tx, item):
        push.save_mapping(tx, item.patient_id)

    common = {"by": push.caller.actor(), "details": push.details(), "also": also,
              "failed": {"mapping": written_meanwhile}}
    if push.existing is None and _find(push) is None:
        item = admin.create_patient(None, push.clinic, patient_id=push.external_id, fields=dict(push.fields),
                                    info=push.info, **common)
    else:
        pid = push.existing.internal_id if push.existing is not None else push.external_id
        item = admin.update_patient(None, push.clinic, pid, push.fields, push.info, restore=True, **common)
    return item.patient_id


def withdraw(push) -> None:
    """Mark the patient withdrawn by the EHR (nothing else of theirs changes)."""
    from chalicelib.core import audit
    from chalicelib.core.ids import now
    from chalicelib.core.records import bump, stale, write
    from chalicelib.integrations.records import written_meanwhile
    from chalicelib.models import PatientModel as M
    from chalicelib.patients.admin import subject
    from chalicelib.patients.lookup import patient_not_found

    pid = push.existing.internal_id
    at = now()

    def build(tx):
        tx.update("patient", M(push.clinic.clinic_key, pid),
                  actions=[M.withdrawn_at.set(at), M.updated_at.set(at), bump(M)],
                  condition=M.patient_id.exists())
        push.save_mapping(tx, pid, withdrawn=True)
        tx.audit(audit.event(push.clinic.clinic_key, "patient_withdrawn", info=push.info, outcome="succeeded",
                             actor=push.caller.actor(), subject=subject(pid),
                             details={"patient_id": pid, **push.details()}))

    write(build, failed={"mapping": written_meanwhile, "patient": stale(lambda: None, patient_not_found)})
