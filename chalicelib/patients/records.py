"""Patients' demographics as the clinic's record holds them."""
from __future__ import annotations

from chalicelib.core.ids import normalize_key, now


def name_key(last_name: str, first_name: str, patient_id: str) -> str:
    return f"{normalize_key(last_name)}#{normalize_key(first_name)}#{normalize_key(patient_id)}"


def new_patient_item(clinic_key: str, *, patient_id: str, first_name: str, last_name: str,
                     email: str | None, date_of_birth: str | None):
    from chalicelib.models import PatientModel

    return PatientModel(clinic_key, patient_id, first_name=first_name, last_name=last_name,
                        email=email, date_of_birth=date_of_birth,
                        name_key=name_key(last_name, first_name, patient_id), created_at=now())
