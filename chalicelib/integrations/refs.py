"""What the patient-owned resources of the integration API share (medications.py,
statements.py): their external id rule, the `patient` reference, and parsing a
body into its fields with 400 `invalid_field` naming the field at fault.

A record's external id is the EHR's own id, kept as sent (FHIR ids are case
sensitive): 1 to 64 letters, digits, '-', '.' or '_' (FHIR R4 `id`, plus '_').
`patient` is the portal patient id of a patient of the key's clinic (the chart
number; the patients resource writes them): another clinic's patient, or an id
this clinic does not have, is 400 `invalid_field` `patient`, the same answer for
both. A live record stays with its patient: a PUT naming another patient than the
one it was written for is 400 `invalid_field` `patient`. After a DELETE, a PUT may
name another patient: the record is made anew for them.
"""
from __future__ import annotations

import re

from chalicelib.api.fields import Pattern
from chalicelib.core import limits
from chalicelib.integrations.records import InvalidField

EXTERNAL_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")
PATIENT = Pattern(limits.PATIENT_ID_RE, "patient is a portal patient id: 1 to 64 letters, digits, '-' or '_'.")


def external_id(value) -> str:
    if not isinstance(value, str) or not EXTERNAL_ID_RE.fullmatch(value):
        raise InvalidField("external_id", "An external id is 1 to 64 letters, digits, '-', '.' or '_'.")
    return value


def parse(body, request) -> dict:
    """{wire name: parsed value} of every field of the Body class `body` (absent: its
    default), each error naming its field."""
    from dataclasses import MISSING, fields

    from chalicelib.api.http import json_body
    from chalicelib.core.errors import InvalidRequest

    raw = json_body(request, required=body.required_names(), optional=body.optional_names(),
                    field_error=InvalidField)
    out = {}
    for f in fields(body):
        name, parser = f.name, f.metadata["parser"]
        if name not in raw:
            out[name] = None if f.default is MISSING else f.default
            continue
        try:
            out[name] = parser(name, raw[name])
        except InvalidField:
            raise
        except InvalidRequest as exc:
            raise InvalidField(name, exc.message) from None
    return out


def patient_of(push) -> str:
    """The portal id of the patient the body names (as stored), checked against the
    one the live record was written for."""
    from chalicelib.core.errors import NotFound
    from chalicelib.patients.lookup import get_patient

    try:
        patient = get_patient(push.clinic, push.fields["patient_id"])
    except NotFound:
        raise InvalidField("patient", "No patient with that id at this clinic; send the patient first "
                                      "(PUT /api/integration/v1/patients/{id}).") from None
    old = push.existing
    if old is not None and old.patient_id and old.patient_id != patient.patient_id and old.withdrawn_at is None:
        raise InvalidField("patient", f"This record was written for another patient; a {push.resource[:-1]} stays "
                                      "with its patient (DELETE it first, then send it for the other patient).")
    return patient.patient_id
