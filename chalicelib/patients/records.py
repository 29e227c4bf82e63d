"""Patients' demographics as the clinic's record holds them."""
from __future__ import annotations

from chalicelib.core.ids import now
from chalicelib.core.search_keys import first_key, last_key

# The demographics staff may set and change (the patient id is the record's key).
FIELDS = ("first_name", "last_name", "date_of_birth", "email", "phone",
          "address_line1", "address_line2", "city", "region", "postal_code")
OPTIONAL = ("email", "phone", "address_line1", "address_line2", "city", "region", "postal_code")


def name_keys(last_name: str, first_name: str, patient_id: str) -> dict:
    """The patient's search keys (by_name's `name_key`, by_first's `first_key`)."""
    return {"name_key": last_key(last_name, first_name, patient_id),
            "first_key": first_key(last_name, first_name, patient_id)}


def new_patient_item(clinic_key: str, *, patient_id: str, first_name: str, last_name: str,
                     email: str | None, date_of_birth: str | None, **optional):
    """An unsaved patient; `optional` holds any of phone and the address fields."""
    from chalicelib.models import PatientModel

    unknown = set(optional) - set(OPTIONAL)
    if unknown:
        raise TypeError(f"unknown patient fields: {sorted(unknown)}")
    at = now()
    return PatientModel(clinic_key, patient_id, first_name=first_name, last_name=last_name,
                        email=email, date_of_birth=date_of_birth, **optional,
                        **name_keys(last_name, first_name, patient_id), created_at=at, updated_at=at)
