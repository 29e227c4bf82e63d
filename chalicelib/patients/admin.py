"""Patient records for staff with `patients.manage` (administrators, front desk):
add a patient and change their demographics. Reading them (the patients list and
the patient page) is `patients.lookup`.

A new patient's id is the clinic's own (the chart number staff know from their
records), or, when staff leave it blank, one the portal makes ("P" and seven
digits). Ids are unique per clinic: the record is written with
`attribute_not_exists`, so two staff adding the same id at once get one patient
and one 409 `patient_exists`. Every change is one transaction with its audit
event; a change is conditional on the revision staff saw (409 `conflict` when
someone changed the record meanwhile). The audit events name the fields that
changed, never their values: the audit log stays free of demographics.
"""
from __future__ import annotations

import secrets

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.errors import Conflict
from chalicelib.core.ids import now
from chalicelib.patients.lookup import get_patient, patient_not_found
from chalicelib.patients.records import FIELDS, name_keys, new_patient_item

GENERATE_ATTEMPTS = 5


def patient_exists() -> Conflict:
    return Conflict("A patient with that id is already on the clinic's records. Open that patient, "
                    "or use another id.", code="patient_exists")


def generated_id() -> str:
    return f"P{secrets.randbelow(9_000_000) + 1_000_000}"


def subject(patient_id: str) -> dict:
    return {"kind": "patient", "id": patient_id}


def create_patient(session, clinic, *, patient_id: str | None, fields: dict, info: RequestInfo,
                   by: dict | None = None, details: dict | None = None, also=None, failed: dict | None = None):
    """Add a patient: with the id given (409 `patient_exists` if taken), or with a
    new one (another is tried if the one made is taken). Returns the saved item.

    For the integration API (chalicelib/integrations/patients.py): `by` is the audit
    actor instead of `session`'s, `details` more audit details, `also(tx, item)` adds
    items to the same transaction and `failed` names their errors."""
    from chalicelib.core.records import write
    from chalicelib.models import PatientModel

    given = patient_id is not None
    for attempt in range(1 if given else GENERATE_ATTEMPTS):
        item = new_patient_item(clinic.clinic_key, patient_id=patient_id or generated_id(), **fields)

        def build(tx, item=item):
            tx.save("patient", item, condition=PatientModel.patient_id.does_not_exist())
            if also is not None:
                also(tx, item)
            tx.audit(audit.event(clinic.clinic_key, "patient_created", info=info, outcome="succeeded",
                                 actor=by or actor(session), subject=subject(item.patient_id),
                                 details={"id_given": given, "patient_id": item.patient_id, **(details or {})}))
        try:
            write(build, failed={**(failed or {}), "patient": patient_exists})
            return item
        except Conflict as exc:
            if given or exc.code != "patient_exists" or attempt == GENERATE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def update_patient(session, clinic, patient_id: str, changes: dict, info: RequestInfo, *,
                   revision: int | None = None, by: dict | None = None, details: dict | None = None,
                   also=None, failed: dict | None = None, restore: bool = False):
    """Change the demographics that differ (None removes an optional one); one audit
    event naming the changed fields. Returns the item as it is now.

    For the integration API: `by`, `details`, `also(tx, item)` and `failed` as in
    `create_patient` (with `also`, the change is written even when no field differs,
    so the items it adds are); `restore` clears `withdrawn_at`."""
    from chalicelib.core.records import CONFLICT_MESSAGE, bump, check_revision, stale, unchanged, write
    from chalicelib.models import PatientModel as M
    from chalicelib.portal_accounts.grants import follow_patient_name, of_patient

    item = get_patient(clinic, patient_id)
    check_revision(item, revision)
    diff = {name: value for name, value in changes.items() if name in FIELDS and getattr(item, name) != value}
    restore = restore and item.withdrawn_at is not None
    if not diff and also is None and not restore:
        return item
    at = now()
    values = dict(diff, updated_at=at)
    if restore:
        values["withdrawn_at"] = None
    renamed = "first_name" in diff or "last_name" in diff
    first, last = diff.get("first_name", item.first_name), diff.get("last_name", item.last_name)
    if renamed:
        values.update(name_keys(last, first, item.patient_id))
    grants = of_patient(clinic.clinic_key, item.patient_id) if renamed else []
    condition = unchanged(M, M.patient_id, item)
    if renamed:  # and no grant was made since they were read (its setup moves grant_epoch)
        epoch = item.grant_epoch
        condition &= M.grant_epoch.does_not_exist() if epoch is None else (M.grant_epoch == epoch)
    actions = [getattr(M, name).set(value) if value is not None else getattr(M, name).remove()
               for name, value in values.items()] + [bump(M)]

    def build(tx):
        tx.update("patient", item, actions=actions, condition=condition)
        # User Management's rows show the patient's name and are found by it.
        follow_patient_name(tx, grants, first, last)
        if also is not None:
            also(tx, item)
        tx.audit(audit.event(clinic.clinic_key, "patient_updated", info=info, outcome="succeeded",
                             actor=by or actor(session), subject=subject(item.patient_id),
                             details={"fields": [name for name in FIELDS if name in diff],
                                      "patient_id": item.patient_id, **(details or {})}))

    def reload():
        try:
            return M.get(item.clinic_key, item.patient_id)
        except M.DoesNotExist:
            return None

    def grant_changed():  # a grant deleted since it was read: try again
        return Conflict(CONFLICT_MESSAGE, code="conflict")

    write(build, failed={**(failed or {}), "patient": stale(reload, patient_not_found),
                         **{f"grant#{i}": grant_changed for i in range(len(grants))}})
    for name, value in values.items():
        setattr(item, name, value)
    item.revision = int(item.revision or 0) + 1
    return item
