"""Refill requests, the staff side (`refills.manage`): the clinic's requests waiting
(oldest first, one Query a page of the by_queue index) or answered (newest first);
approve (the medication's refills_left - 1 in the same transaction, on condition that
it still has refills left and this request is its open one) or deny with a note (required).
Each decision is audited with the patient's id, moves the counts, and then emails
the patient side that the status changed (never the medication: `notify`)."""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import Conflict, InvalidRequest, NotFound
from chalicelib.core.ids import now
from chalicelib.core.limits import RECORD_ID_RE
from chalicelib.core.records import write
from chalicelib.sections import counters
from chalicelib.sections.refills import REFILLS, viewed
from chalicelib.sections.refills.requests import no_refills_left, queue_key

PAGE_SIZE = 50
KEYS = ("queue_key", "created_key", "clinic_key", "request_id")
STATES = ("requested", "answered")


def request_not_found() -> NotFound:
    return NotFound("No refill request with that id.", code="refill_request_not_found")


def already_answered() -> Conflict:
    return Conflict("This refill request has already been answered.", code="refill_request_answered")


def get_request(clinic_key: str, request_id: object):
    from chalicelib.models import RefillRequestModel as R

    if not isinstance(request_id, str) or not RECORD_ID_RE.fullmatch(request_id):
        raise request_not_found()
    try:
        return R.get(clinic_key, request_id, consistent_read=True)
    except R.DoesNotExist:
        raise request_not_found() from None


def list_queue(clinic, state: str, cursor: str | None, limit: int = PAGE_SIZE):
    from chalicelib.models import RefillRequestModel as R

    if state not in STATES:
        raise InvalidRequest(f"status must be one of: {', '.join(STATES)}.")
    key = queue_key(clinic.clinic_key, state)
    start = page_start(cursor, hash_name="queue_key", hash_value=key, key_names=KEYS)
    items, last_key = query_page(R, R.by_queue.query, key, limit=limit, start=start, key_names=KEYS,
                                 scan_index_forward=state == "requested")
    return items, encode_cursor(last_key)


def read_request(session, clinic, request_id: str, info: RequestInfo):
    """One request (a view of the patient's data: its access-log event first)."""
    item = get_request(clinic.clinic_key, request_id)
    viewed(session, item.patient_id, item.patient_name, info).save()
    return item


def decide(session, clinic, request_id: str, *, approve: bool, note: str | None, info: RequestInfo):
    from chalicelib.models import MedicationModel as M
    from chalicelib.models import RefillRequestModel as R
    from chalicelib.sections.refills.notify import tell_patient_side

    if not approve and not note:
        raise InvalidRequest("Say why in the note: the patient reads it with the answer.")
    item = get_request(clinic.clinic_key, request_id)
    if item.status != "requested":
        raise already_answered()
    at = now()
    status = "approved" if approve else "denied"
    values = {"status": status, "decided_at": at, "decided_by": session.username, "staff_note": note,
              "queue_key": queue_key(clinic.clinic_key, "answered")}
    mine = M.open_request_id == item.request_id
    med_actions = [M.open_request_id.remove()]
    if approve:
        mine &= M.refills_left > 0
        med_actions.append(M.refills_left.add(-1))
    key = (item.patient_key, item.medication_id)

    def build(tx):
        tx.update("request", item, actions=[getattr(R, k).set(v) if v is not None else getattr(R, k).remove()
                                            for k, v in values.items()],
                  condition=R.status == "requested")
        tx.update("medication", M(*key), actions=med_actions, condition=mine)
        counters.bump(tx, clinic.clinic_key, {counters.patient(item.patient_id): {"refills_open": -1,
                                                                                 "refills_answered": 1},
                                              counters.CLINIC: {"refills_requested": -1}})
        tx.audit(audit.event(clinic.clinic_key, f"refill_{status}", info=info, outcome="succeeded",
                             actor=actor(session), subject={"kind": "patient", "id": item.patient_id},
                             details={"patient_id": item.patient_id, "section": REFILLS,
                                      "request_id": item.request_id, "medication_id": item.medication_id}))

    write(build, failed={"request": already_answered, "medication": no_refills_left})
    for k, v in values.items():
        setattr(item, k, v)
    tell_patient_side(clinic, item)
    return item
