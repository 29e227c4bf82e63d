"""Submitted forms, for staff with `forms.review`: the clinic's forms awaiting
review (or already reviewed), one Query a page of the by_review index; one form
with its answers (a view of the patient's data: its access-log event, naming the
patient, is written before it is shown); mark it reviewed (audited, naming the
patient; `clinic.forms_submitted` -1 in the same transaction, conditional on the
form still being submitted)."""
from __future__ import annotations

from types import SimpleNamespace

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import Conflict, InvalidRequest
from chalicelib.core.ids import now
from chalicelib.core.records import write
from chalicelib.sections import counters
from chalicelib.sections.forms import FORMS
from chalicelib.sections.forms.requests import get_request, request_not_found

PAGE_SIZE = 50
KEYS = ("review_key", "submitted_key", "clinic_key", "request_id")
STATES = ("submitted", "reviewed")


def review_key(clinic_key: str, state: str) -> str:
    return f"{clinic_key}#{state}"


def viewed(session, item, info):
    """The unsaved access-log event: `session` viewed the forms of the request's patient."""
    from chalicelib.sections.access import viewed as section_viewed

    patient = SimpleNamespace(patient_id=item.patient_id, patient_first_name=item.patient_name,
                              patient_last_name=None)
    return section_viewed(session, patient, FORMS, info)


def list_submitted(clinic, state: str, cursor: str | None, limit: int = PAGE_SIZE):
    """Forms awaiting review (oldest first: a queue) or reviewed (newest first)."""
    from chalicelib.models import FormRequestModel as F

    if state not in STATES:
        raise InvalidRequest(f"status must be one of: {', '.join(STATES)}.")
    key = review_key(clinic.clinic_key, state)
    start = page_start(cursor, hash_name="review_key", hash_value=key, key_names=KEYS)
    items, last_key = query_page(F, F.by_review.query, key, limit=limit, start=start, key_names=KEYS,
                                 scan_index_forward=state == "submitted")
    return items, encode_cursor(last_key)


def _submitted(clinic_key: str, request_id: str):
    item = get_request(clinic_key, request_id)
    if item.status not in STATES:
        raise request_not_found()   # open or cancelled requests are not in review
    return item


def read_submitted(session, clinic, request_id: str, info: RequestInfo):
    item = _submitted(clinic.clinic_key, request_id)
    viewed(session, item, info).save()
    return item


def not_awaiting() -> Conflict:
    return Conflict("This form has already been marked reviewed.", code="form_already_reviewed")


def mark_reviewed(session, clinic, request_id: str, info: RequestInfo):
    from chalicelib.models import FormRequestModel as F

    item = _submitted(clinic.clinic_key, request_id)
    if item.status != "submitted":
        raise not_awaiting()
    at = now()

    def build(tx):
        tx.update("request", item, actions=[F.status.set("reviewed"), F.reviewed_at.set(at),
                                            F.reviewed_by.set(session.username),
                                            F.review_key.set(review_key(clinic.clinic_key, "reviewed"))],
                  condition=(F.status == "submitted"))
        counters.bump(tx, clinic.clinic_key, {counters.CLINIC: {"forms_submitted": -1}})
        tx.audit(audit.event(clinic.clinic_key, "form_request_reviewed", info=info, outcome="succeeded",
                             actor=actor(session), subject={"kind": "patient", "id": item.account_id},
                             details={"request_id": request_id, "form_name": item.form_name,
                                      "patient_id": item.patient_id, "section": FORMS}))

    write(build, failed={"request": not_awaiting})
    item.status, item.reviewed_at, item.reviewed_by = "reviewed", at, session.username
    item.review_key = review_key(clinic.clinic_key, "reviewed")
    return item
