"""Patients' demographics as the clinic's record holds them."""
from __future__ import annotations

from chalicelib.core.errors import InvalidRequest
from chalicelib.core.ids import normalize_key, now
from chalicelib.core.limits import PATIENT_ID_RE


def check_patient_id(patient_id: object) -> str:
    if not isinstance(patient_id, str) or not PATIENT_ID_RE.fullmatch(patient_id):
        raise InvalidRequest("A patient id is 1 to 64 letters, digits, '-' or '_'.")
    return patient_id


def name_key(last_name: str, first_name: str, patient_id: str) -> str:
    return f"{normalize_key(last_name)}#{normalize_key(first_name)}#{normalize_key(patient_id)}"


def new_patient_item(clinic_key: str, *, patient_id: str, first_name: str, last_name: str,
                     email: str | None, date_of_birth: str | None):
    from chalicelib.models import PatientModel

    return PatientModel(clinic_key, patient_id, first_name=first_name, last_name=last_name,
                        email=email, date_of_birth=date_of_birth,
                        name_key=name_key(last_name, first_name, patient_id), created_at=now())
