"""Finding a patient of the clinic and reading their demographics: the patients
list (with its last-name filter), the patient page and the account setup form's
"wand". A search is a GetItem on the exact patient id (first page only) plus one
Query on the by_name index; never a Scan.

Names are searched by prefix as "Last" or "Last, First" (e.g. "lee", "Lee, A").
"""
from __future__ import annotations

from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import InvalidRequest, NotFound
from chalicelib.core.ids import normalize_key
from chalicelib.core.limits import SEARCH_MAX as MAX_QUERY

PAGE_SIZE = 25


def name_prefix(q: str) -> str:
    if "," in q:
        last, first = (normalize_key(part) for part in q.split(",", 1))
        return f"{last}#{first}" if last else ""
    return normalize_key(q)


def _by_id(clinic_key: str, q: str):
    from chalicelib.core.limits import PATIENT_ID_RE
    from chalicelib.models import PatientModel

    if not PATIENT_ID_RE.fullmatch(q):
        return None
    for candidate in dict.fromkeys((q, q.upper())):
        try:
            return PatientModel.get(clinic_key, candidate)
        except PatientModel.DoesNotExist:
            continue
    return None


def search(clinic, q: str | None, cursor: str | None, limit: int = PAGE_SIZE) -> tuple[list, str | None]:
    """One page of patients: (items, next cursor); the exact id match first."""
    from chalicelib.models import PatientModel

    q = (q or "").strip()
    if len(q) > MAX_QUERY:
        raise InvalidRequest(f"q is longer than {MAX_QUERY} characters.")
    ck = clinic.clinic_key
    prefix = name_prefix(q)
    keys = ("clinic_key", "name_key", "patient_id")
    start = page_start(cursor, hash_name="clinic_key", hash_value=ck, key_names=keys,
                       prefix_name="name_key", prefix=prefix)
    exact = _by_id(ck, q) if q and start is None else None
    items, last_key = query_page(
        PatientModel, PatientModel.by_name.query, ck, limit=limit, start=start, key_names=keys,
        range_key_condition=PatientModel.name_key.startswith(prefix) if prefix else None)
    out = [exact] if exact else []
    out += [p for p in items if not exact or p.patient_id != exact.patient_id]
    return out, encode_cursor(last_key)


def patient_not_found() -> NotFound:
    return NotFound("No patient with that id at this clinic.", code="patient_not_found")


def get_patient(clinic, patient_id: str):
    """The patient with this id (as stored, else in capitals: ids made in the
    portal are stored in capitals), or 404 `patient_not_found`."""
    if not isinstance(patient_id, str):
        raise patient_not_found()
    found = _by_id(clinic.clinic_key, patient_id)
    if found is None:
        raise patient_not_found()
    return found
