"""Form requests, the patient side (the caller's grant is checked by the route's
guard, `section_access("forms")`): the requests of one grant (open, or submitted),
one Query a page plus its access-log event; one request with its template snapshot
and saved draft (a view: access-log event); save a draft (partial answers allowed);
submit (every required field answered). Answers are checked against the request's
template snapshot (`validation.check_answers`): a refusal is a 400 naming the field
and changes nothing."""
from __future__ import annotations

import json

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.db import encode_cursor, page_start
from chalicelib.core.errors import InvalidRequest
from chalicelib.core.ids import now
from chalicelib.core.records import write
from chalicelib.sections import counters
from chalicelib.sections.forms import FORMS
from chalicelib.sections.forms.requests import KEYS, account_key, closed, get_request, request_not_found, template_of
from chalicelib.sections.forms.review import review_key

PAGE_SIZE = 50
LISTS = {"open": ("open",), "submitted": ("submitted", "reviewed", "completed")}


def list_for_grant(session, grant, status: str, cursor: str | None, info: RequestInfo, limit: int = PAGE_SIZE):
    """The grant's open (or submitted) requests, newest first: one Query, and the
    view's access-log event (`sections.access.view_page`)."""
    from chalicelib.models import FormRequestModel as F
    from chalicelib.sections.access import view_page

    if status not in LISTS:
        raise InvalidRequest(f"status must be one of: {', '.join(LISTS)}.")
    key = account_key(grant.clinic_key, grant.grant_id)
    start = page_start(cursor, hash_name="account_key", hash_value=key, key_names=KEYS)
    items, last_key = view_page(session, grant, FORMS, info, model=F, query=F.by_account.query, hash_key=key,
                                limit=limit, start=start, key_names=KEYS, scan_index_forward=False,
                                filter_condition=F.status.is_in(*LISTS[status]))
    return items, encode_cursor(last_key)


def _mine(grant, request_id: str):
    item = get_request(grant.clinic_key, request_id)
    if item.account_id != grant.grant_id or item.status == "cancelled":
        raise request_not_found()
    return item


def open_request(session, grant, request_id: str, info: RequestInfo):
    from chalicelib.sections.access import viewed

    item = _mine(grant, request_id)
    viewed(session, grant, FORMS, info).save()
    return item


def _checked(item, answers: dict, *, complete: bool) -> str:
    from chalicelib.sections.forms.validation import check_answers

    if item.status != "open":
        raise closed()
    template = template_of(item)
    if template is None:   # made before templates: nothing to check the answers against
        raise closed()
    clean = check_answers(template["fields"], answers, complete=complete)
    return json.dumps(clean, separators=(",", ":"), ensure_ascii=False)


def _event(session, grant, kind: str, item, info):
    return audit.event(session.clinic_key, kind, info=info, outcome="succeeded", actor=actor(session),
                       subject={"kind": "patient", "id": session.subject_id},
                       details={"request_id": item.request_id, "form_name": item.form_name,
                                "patient_id": grant.patient_id, "section": FORMS})


def save_draft(session, grant, request_id: str, answers: dict, info: RequestInfo):
    from chalicelib.models import FormRequestModel as F

    item = _mine(grant, request_id)
    text = _checked(item, answers, complete=False)
    at = now()

    def build(tx):
        tx.update("request", item, actions=[F.draft_json.set(text), F.draft_saved_at.set(at)],
                  condition=(F.status == "open") & (F.account_id == grant.grant_id))
        tx.audit(_event(session, grant, "form_draft_saved", item, info))

    write(build, failed={"request": closed})
    item.draft_json, item.draft_saved_at = text, at
    return item


def submit(session, grant, request_id: str, answers: dict, info: RequestInfo):
    from chalicelib.models import FormRequestModel as F

    item = _mine(grant, request_id)
    text = _checked(item, answers, complete=True)
    at = now()
    values = {"status": "submitted", "answers_json": text, "draft_json": text, "completed_at": at,
              "completed_by": session.username, "review_key": review_key(item.clinic_key, "submitted"),
              "submitted_key": f"{at:010d}#{item.request_id}"}

    def build(tx):
        tx.update("request", item, actions=[getattr(F, k).set(v) for k, v in values.items()],
                  condition=(F.status == "open") & (F.account_id == grant.grant_id))
        counters.bump(tx, item.clinic_key, {counters.grant(grant.grant_id): {"forms_open": -1},
                                            counters.CLINIC: {"forms_submitted": 1}})
        tx.audit(_event(session, grant, "form_request_submitted", item, info))

    write(build, failed={"request": closed})
    for k, v in values.items():
        setattr(item, k, v)
    return item
