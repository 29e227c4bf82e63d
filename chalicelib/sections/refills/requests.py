"""Refill requests, the patient side (guard `section_access("refills")`): ask for a
refill of one medication, naming a pharmacy and an optional note; list the requests
with their status.

A request is refused with a 409 in plain words when the medication is not active,
has no refills left, or already has a request waiting (`open_request_id`). The
request is written in one transaction with the medication's `open_request_id`, on
condition that the medication is still active, has refills left and no open request:
two requests at the same moment cannot both be written.
"""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.ids import new_id, now
from chalicelib.core.records import write
from chalicelib.sections import counters
from chalicelib.sections.refills import REFILLS, patient_key

PAGE_SIZE = 50
KEYS = ("patient_key", "created_key", "clinic_key", "request_id")


def inactive() -> Conflict:
    return Conflict("This medication is no longer active, so it cannot be refilled. Send the clinic a message "
                    "if you still need it.", code="medication_inactive")


def no_refills_left() -> Conflict:
    return Conflict("There are no refills left on this prescription. Ask the clinic for a new prescription.",
                    code="no_refills_left")


def already_requested() -> Conflict:
    return Conflict("A refill of this medication has already been asked for and is waiting for the clinic.",
                    code="refill_already_requested")


def _refusal(item) -> Conflict | None:
    if not item.active:
        return inactive()
    if int(item.refills_left or 0) <= 0:
        return no_refills_left()
    if item.open_request_id:
        return already_requested()
    return None


def ask(session, grant, medication_id: str, pharmacy: str, note: str | None, info: RequestInfo):
    """`pharmacy` and `note` come checked from the edge (`api.refill_bodies.RefillRequestBody`)."""
    from chalicelib.models import MedicationModel as M
    from chalicelib.models import RefillRequestModel as R
    from chalicelib.sections.access import patient_name
    from chalicelib.sections.refills.medications import get_medication, medication_not_found

    med = get_medication(grant.clinic_key, grant.patient_id, medication_id)
    refusal = _refusal(med)
    if refusal is not None:
        raise refusal
    at = now()
    rid = new_id()
    item = R(grant.clinic_key, rid, patient_key=med.patient_key, queue_key=queue_key(grant.clinic_key, "requested"),
             created_key=f"{at:010d}#{rid}", patient_id=grant.patient_id, patient_name=patient_name(grant),
             medication_id=med.medication_id, medication_name=med.name, dose=med.dose, pharmacy=pharmacy,
             note=note, status="requested", requested_by=session.username, created_at=at)
    still = (M.medication_id.exists() & (M.active == True) & (M.refills_left > 0)  # noqa: E712
             & M.open_request_id.does_not_exist())

    def build(tx):
        tx.update("medication", med, actions=[M.open_request_id.set(rid)], condition=still)
        tx.save("request", item, condition=R.request_id.does_not_exist())
        counters.bump(tx, grant.clinic_key, {counters.patient(grant.patient_id): {"refills_open": 1},
                                             counters.CLINIC: {"refills_requested": 1}})
        tx.audit(audit.event(grant.clinic_key, "refill_requested", info=info, outcome="succeeded",
                             actor=actor(session), subject={"kind": "patient", "id": session.subject_id},
                             details={"patient_id": grant.patient_id, "section": REFILLS, "request_id": rid,
                                      "medication_id": med.medication_id}))

    def refused():
        try:
            current = get_medication(grant.clinic_key, grant.patient_id, medication_id)
        except NotFound:
            return medication_not_found()
        return _refusal(current) or already_requested()

    write(build, failed={"medication": refused})
    return item


def queue_key(clinic_key: str, state: str) -> str:
    return f"{clinic_key}#{state}"


def list_for_patient(session, grant, counter, cursor: str | None, info: RequestInfo, limit: int = PAGE_SIZE):
    """The patient's requests, newest first: one Query, then the view's access-log
    event. When the patient counter (read by the guard, in the session's own
    TransactGetItems) shows answered requests not yet seen, the event is written in
    one transaction with that count cleared (conditional on it being unchanged)."""
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.models import RefillRequestModel as R
    from chalicelib.models import SectionCounterModel as C
    from chalicelib.sections.access import viewed

    key = patient_key(grant.clinic_key, grant.patient_id)
    start = page_start(cursor, hash_name="patient_key", hash_value=key, key_names=KEYS)
    items, last_key = query_page(R, R.by_patient.query, key, limit=limit, start=start, key_names=KEYS,
                                 scan_index_forward=False)
    event = viewed(session, grant, REFILLS, info)
    answered = counter.count("refills_answered") if counter is not None else 0
    if not answered:
        event.save()
        return items, encode_cursor(last_key)

    def build(tx):
        tx.update("counter", counter, actions=[C.refills_answered.add(-answered), C.revision.add(1),
                                                C.updated_at.set(now())],
                  condition=C.refills_answered == answered)
        tx.audit(event)

    try:
        write(build, failed={"counter": lambda: Conflict("seen", code="conflict")})
    except Conflict:
        event.save()   # another view cleared it at the same moment: the view is still logged
    except TransactWriteError:
        raise
    return items, encode_cursor(last_key)


def counter_keys(patient_id: str):
    """For `api.access.authenticate_patient_with`: the patient's counter."""
    from chalicelib.models.section_counter import SectionCounterModel as C

    def keys(clinic_key: str, grant_id: str):
        return [(C, clinic_key, counters.patient(patient_id))]
    return keys
