"""Finding a patient of the clinic and reading their demographics: the patients
list, the account setup form's patient picker (both `search`), the patient page
and the setup form's "wand" (`get_patient`).

A search matches the start of a patient id, a last name, a first name, "Last,
First" or "First Last", whatever the case and accents ("jose" finds "José";
core.search_keys reads the text). It reads up to three sources in this order,
each one DynamoDB Query (core.search.search_page: never a Scan, at most one Query
per source per page, paginated with one opaque cursor):

    patient id   the table itself: begins_with(patient_id, the text in capitals)
                 (the portal stores ids in capitals)
    last name    by_name  (name_key  "<last>#<first>#<id>", folded)
    first name   by_first (first_key "<first>#<last>#<id>", folded)

A patient found by an earlier source is not listed again by a later one. With
no text, the list is every patient by last name (by_name).
"""
from __future__ import annotations

from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import InvalidRequest, NotFound
from chalicelib.core.limits import SEARCH_MAX as MAX_QUERY

PAGE_SIZE = 25
NAME_KEYS = ("clinic_key", "name_key", "patient_id")


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


def sources(clinic_key: str, q: str) -> list:
    """The sources a search text is looked up in, in order (core.search.Source)."""
    from chalicelib.core.search import Source
    from chalicelib.core.search_keys import terms
    from chalicelib.models import PatientModel as M

    t = terms(q)
    out = []
    if t.patient_id:
        pid = t.patient_id.upper()
        out.append(Source(M.query, "clinic_key", clinic_key, ("clinic_key", "patient_id"), "patient_id", pid,
                          M.patient_id.startswith(pid), lambda p, pid=pid: p.patient_id.startswith(pid)))
    if t.last:
        out.append(Source(M.by_name.query, "clinic_key", clinic_key, NAME_KEYS, "name_key", t.last,
                          M.name_key.startswith(t.last), lambda p, s=t.last: p.name_key.startswith(s)))
    if t.first:
        out.append(Source(M.by_first.query, "clinic_key", clinic_key, ("clinic_key", "first_key", "patient_id"),
                          "first_key", t.first, M.first_key.startswith(t.first),
                          lambda p, s=t.first: (p.first_key or "").startswith(s)))
    return out


def search(clinic, q: str | None, cursor: str | None, limit: int = PAGE_SIZE) -> tuple[list, str | None]:
    """One page of patients: (items, next cursor)."""
    from chalicelib.core.search import scope_digest, search_page
    from chalicelib.models import PatientModel

    q = (q or "").strip()
    if len(q) > MAX_QUERY:
        raise InvalidRequest(f"q is longer than {MAX_QUERY} characters.")
    ck = clinic.clinic_key
    if q:
        return search_page(PatientModel, sources(ck, q), cursor, limit=limit,
                           scope=scope_digest("patients", ck, q))
    start = page_start(cursor, hash_name="clinic_key", hash_value=ck, key_names=NAME_KEYS)
    items, last_key = query_page(PatientModel, PatientModel.by_name.query, ck, limit=limit, start=start,
                                 key_names=NAME_KEYS)
    return items, encode_cursor(last_key)


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


RECORD_VIEWED = "patient_record_viewed"


def view_patient(session, clinic, patient_id: str, info):
    """The patient page's (and the setup form's "Load patient details") read of one
    patient's demographics, written to the access log (`patient_record_viewed`, filed
    under the patient) once it was read: a record whose view cannot be logged is not
    shown (the PutItem's failure is a 503)."""
    from chalicelib.core import audit

    item = get_patient(clinic, patient_id)
    name = f"{item.first_name} {item.last_name}".strip()
    audit.event(clinic.clinic_key, RECORD_VIEWED, info=info, outcome="succeeded", actor=audit.actor(session),
                details={"patient_id": item.patient_id, "patient_name": name}).save()
    return item
