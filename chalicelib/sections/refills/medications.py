"""A patient's medication list. Staff with `medications.manage` add a medication,
change it (name, dose, instructions, prescriber, refills left, active: a deactivated
medication stays on the list, marked inactive, and cannot be refilled), each change
conditional on the revision read (If-Match: 409 when someone changed it since) and
audited with the patient's id. Staff and the patient side read the list one Query a
page (the medication's partition is the patient's), with an access-log event."""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import InvalidRequest, NotFound
from chalicelib.core.ids import new_id, now
from chalicelib.core.limits import RECORD_ID_RE
from chalicelib.core.records import bump, check_revision, stale, unchanged, write
from chalicelib.sections.refills import REFILLS, patient_key, viewed

PAGE_SIZE = 100
KEYS = ("patient_key", "medication_id")
FIELDS = ("name", "dose", "instructions", "prescriber", "refills_left", "active")


def medication_not_found() -> NotFound:
    return NotFound("No medication with that id on this patient's list.", code="medication_not_found")


def get_medication(clinic_key: str, patient_id: str, medication_id: object, *, consistent: bool = True):
    from chalicelib.models import MedicationModel as M

    if not isinstance(medication_id, str) or not RECORD_ID_RE.fullmatch(medication_id):
        raise medication_not_found()
    try:
        return M.get(patient_key(clinic_key, patient_id), medication_id, consistent_read=consistent)
    except M.DoesNotExist:
        raise medication_not_found() from None


def _patient_name(patient) -> str | None:
    return f"{patient.first_name or ''} {patient.last_name or ''}".strip() or None


def _event(session, kind: str, item, info, *, by: dict | None = None, **details):
    return audit.event(item.clinic_key, kind, info=info, outcome="succeeded", actor=by or actor(session),
                       subject={"kind": "patient", "id": item.patient_id},
                       details={"patient_id": item.patient_id, "medication_id": item.medication_id,
                                "section": REFILLS, **details})


def add(session, clinic, patient_id: str, values: dict, info: RequestInfo, *, by: dict | None = None,
        details: dict | None = None, also=None, failed: dict | None = None):
    """`values` come checked from the edge (`api.refill_bodies.AddMedicationBody`).

    For the integration API (chalicelib/integrations/medications.py): `by` is the
    audit actor instead of `session`'s, `details` more audit details, `also(tx, item)`
    adds items to the same transaction and `failed` names their errors; `values` may
    carry `active` (a medication the EHR sends stopped starts inactive)."""
    from chalicelib.models import MedicationModel as M
    from chalicelib.models import PatientModel as P
    from chalicelib.patients.lookup import get_patient, patient_not_found

    patient = get_patient(clinic, patient_id)
    at = now()
    item = M(patient_key(clinic.clinic_key, patient.patient_id), new_id(), clinic_key=clinic.clinic_key,
             patient_id=patient.patient_id, created_at=at,
             created_by=(by or {}).get("name") or session.username, updated_at=at, **{"active": True, **values})

    def build(tx):
        tx.check("patient", P, clinic.clinic_key, patient.patient_id, condition=P.patient_id.exists())
        tx.save("medication", item, condition=M.medication_id.does_not_exist())
        if also is not None:
            also(tx, item)
        tx.audit(_event(session, "medication_added", item, info, by=by, name=item.name, **(details or {})))

    write(build, failed={**(failed or {}), "patient": patient_not_found})
    return item


def change(session, clinic, patient_id: str, medication_id: str, changes: dict, info: RequestInfo, *,
           revision: int | None, by: dict | None = None, details: dict | None = None, also=None,
           failed: dict | None = None, kind: str | None = None):
    """Change only what differs (the audit names the fields and their before/after).

    For the integration API: `by`, `details`, `also` and `failed` as in `add` (with
    `also`, the change is written even when no field differs, so the items it adds
    are); `kind` names the audit event instead of the one the change implies."""
    from chalicelib.models import MedicationModel as M

    item = get_medication(clinic.clinic_key, patient_id, medication_id)
    check_revision(item, revision)
    diff = {k: {"before": getattr(item, k), "after": v} for k, v in changes.items()
            if k in FIELDS and getattr(item, k) != v}
    if not diff and also is None:
        return item
    at = now()
    actions = [getattr(M, k).set(c["after"]) if c["after"] is not None else getattr(M, k).remove()
               for k, c in diff.items()] + [M.updated_at.set(at), bump(M)]
    kind = kind or ("medication_deactivated" if diff.get("active", {}).get("after") is False
                    else "medication_reactivated" if diff.get("active", {}).get("after") is True
                    else "medication_changed")

    def build(tx):
        tx.update("medication", item, actions=actions, condition=unchanged(M, M.medication_id, item))
        if also is not None:
            also(tx, item)
        tx.audit(_event(session, kind, item, info, by=by, changes=diff, **(details or {})))

    def reload():
        try:
            return get_medication(clinic.clinic_key, patient_id, medication_id)
        except NotFound:
            return None

    write(build, failed={**(failed or {}), "medication": stale(reload, medication_not_found)})
    for k, c in diff.items():
        setattr(item, k, c["after"])
    item.updated_at, item.revision = at, int(item.revision or 0) + 1
    return item


def list_for_staff(session, clinic, patient_id: str, cursor: str | None, info: RequestInfo,
                   limit: int = PAGE_SIZE):
    """The patient's medications (one Query a page), and the view's access-log event."""
    from chalicelib.models import MedicationModel as M
    from chalicelib.patients.lookup import get_patient

    patient = get_patient(clinic, patient_id)
    key = patient_key(clinic.clinic_key, patient.patient_id)
    start = page_start(cursor, hash_name="patient_key", hash_value=key, key_names=KEYS)
    items, last_key = query_page(M, M.query, key, limit=limit, start=start, key_names=KEYS)
    viewed(session, patient.patient_id, _patient_name(patient), info).save()
    return patient, items, encode_cursor(last_key)


def list_for_patient(session, grant, cursor: str | None, info: RequestInfo, limit: int = PAGE_SIZE):
    from chalicelib.models import MedicationModel as M
    from chalicelib.sections.access import view_page

    key = patient_key(grant.clinic_key, grant.patient_id)
    start = page_start(cursor, hash_name="patient_key", hash_value=key, key_names=KEYS)
    items, last_key = view_page(session, grant, REFILLS, info, model=M, query=M.query, hash_key=key,
                                limit=limit, start=start, key_names=KEYS)
    return items, encode_cursor(last_key)


def check_refills_left(value) -> int:
    from chalicelib.core.limits import REFILLS_MAX

    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= REFILLS_MAX:
        raise InvalidRequest(f"refills_left must be a whole number from 0 to {REFILLS_MAX}.")
    return value
