"""Form requests: staff ask a portal account (a User Management row: one access
grant, so one login for one patient) to fill in a named form; the login, with
that grant's `forms` section, sees its open requests for that patient and
completes one with its answers (a JSON object). Staff see every request of a row
and its status, and may cancel an open one.

Requests live in the clinic's partition (`clinic_key`, `request_id`);
`account_id` is the grant's id, and the by_account index lists one grant's
requests, newest first, one Query a page.
Answers are stored as the JSON text the account sent, bounded in size; they are
never copied into the audit log.

Each change of an open request moves the grant's `forms_open` count (the patient
home's Forms tile, `sections/counters.py`) in its own transaction: +1 on create,
-1 on complete or cancel, both conditional on the request being open.
"""
from __future__ import annotations

import json

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.ids import new_id, now
from chalicelib.core.limits import RECORD_ID_RE as REQUEST_ID_RE
from chalicelib.core.records import write
from chalicelib.sections import counters

PAGE_SIZE = 50
FORMS = "forms"
KEYS = ("account_key", "created_key", "clinic_key", "request_id")


def request_not_found() -> NotFound:
    return NotFound("No form request with that id.", code="form_request_not_found")


def _account_key(clinic_key: str, account_id: str) -> str:
    return f"{clinic_key}#{account_id}"


def _get(clinic_key: str, request_id: object):
    from chalicelib.models import FormRequestModel

    if not isinstance(request_id, str) or not REQUEST_ID_RE.fullmatch(request_id):
        raise request_not_found()
    try:
        return FormRequestModel.get(clinic_key, request_id, consistent_read=True)
    except FormRequestModel.DoesNotExist:
        raise request_not_found() from None


def _closed() -> Conflict:
    return Conflict("This form request is no longer open.", code="form_request_closed")


# ---------------------------------------------------------------- staff

def create_request(session, clinic, account_id: str, *, form_name: str, note: str | None,
                   due_date: str | None, info: RequestInfo):
    """Values come checked from the edge (`api/bodies.CreateFormRequestBody`): form_name
    trimmed, note trimmed or None, due_date a YYYY-MM-DD date or None."""
    from chalicelib.models import AccessGrantModel as A
    from chalicelib.models import FormRequestModel
    from chalicelib.portal_accounts.admin import account_not_found, get_account

    row = get_account(clinic.clinic_key, account_id)
    account = row.login
    if FORMS not in (row.grant.permissions or []):
        raise Conflict("This account does not have the Forms section. Add it to the account's permissions "
                       "first.", code="forms_not_permitted")
    at = now()
    rid = new_id()
    grant_id = row.grant.grant_id
    item = FormRequestModel(clinic.clinic_key, rid, account_id=grant_id,
                            account_key=_account_key(clinic.clinic_key, grant_id),
                            created_key=f"{at:010d}#{rid}", form_name=form_name,
                            note=note, due_date=due_date, status="open",
                            requested_by=session.username, created_at=at)

    def build(tx):
        tx.check("account", A, clinic.clinic_key, grant_id, condition=A.grant_id.exists())
        tx.save("request", item, condition=FormRequestModel.request_id.does_not_exist())
        counters.bump(tx, clinic.clinic_key, {counters.grant(grant_id): {"forms_open": 1}})
        tx.audit(audit.event(clinic.clinic_key, "form_request_created", info=info, outcome="succeeded",
                            actor=actor(session),
                            subject={"kind": "patient", "id": account.account_id, "username": account.username},
                            details={"request_id": rid, "form_name": item.form_name, "due_date": due_date,
                                     "grant_id": grant_id, "patient_id": row.grant.patient_id}))

    write(build, failed={"account": account_not_found})
    return item


def list_for_account(clinic, account_id: str, cursor: str | None, limit: int = PAGE_SIZE):
    """Every request of one account, newest first (staff view, without answers)."""
    from chalicelib.models import FormRequestModel as F
    from chalicelib.portal_accounts.admin import get_account

    row = get_account(clinic.clinic_key, account_id)
    key = _account_key(clinic.clinic_key, row.grant.grant_id)
    start = page_start(cursor, hash_name="account_key", hash_value=key, key_names=KEYS)
    items, last_key = query_page(F, F.by_account.query, key, limit=limit, start=start,
                                 key_names=KEYS,
                                 scan_index_forward=False)
    return items, encode_cursor(last_key)


def get_for_staff(clinic, account_id: str, request_id: str):
    item = _get(clinic.clinic_key, request_id)
    if item.account_id != account_id:
        raise request_not_found()
    return item


def cancel_request(session, clinic, account_id: str, request_id: str, info: RequestInfo):
    from chalicelib.models import FormRequestModel as F

    item = _get(clinic.clinic_key, request_id)
    if item.account_id != account_id:
        raise request_not_found()
    if item.status != "open":
        raise _closed()
    at = now()

    def build(tx):
        tx.update("request", item, actions=[F.status.set("cancelled"), F.cancelled_at.set(at)],
                  condition=(F.status == "open"))
        counters.bump(tx, clinic.clinic_key, {counters.grant(item.account_id): {"forms_open": -1}})
        tx.audit(audit.event(clinic.clinic_key, "form_request_cancelled", info=info, outcome="succeeded",
                            actor=actor(session), subject={"kind": "patient", "id": account_id},
                            details={"request_id": request_id, "form_name": item.form_name}))

    write(build, failed={"request": _closed})
    item.status, item.cancelled_at = "cancelled", at
    return item


# ---------------------------------------------------------------- the login, for one patient

def open_for_grant(session, grant, cursor: str | None, info: RequestInfo, limit: int = PAGE_SIZE):
    """The open requests of one grant (checked by the caller: it works and has
    `forms`), newest first: one Query, and the view's access-log event
    (`sections.access.view_page`)."""
    from chalicelib.models import FormRequestModel as F
    from chalicelib.sections.access import view_page

    key = _account_key(grant.clinic_key, grant.grant_id)
    start = page_start(cursor, hash_name="account_key", hash_value=key, key_names=KEYS)
    items, last_key = view_page(session, grant, FORMS, info, model=F, query=F.by_account.query, hash_key=key,
                                limit=limit, start=start, key_names=KEYS,
                                scan_index_forward=False, filter_condition=(F.status == "open"))
    return items, encode_cursor(last_key)


def complete(session, grant, request_id: str, answers: dict, info: RequestInfo):
    """`answers` come checked from the edge (`api/bodies.CompleteFormRequestBody`): a JSON
    object within the size and depth limits. `grant` is checked by the caller."""
    from chalicelib.models import FormRequestModel as F

    text = json.dumps(answers, separators=(",", ":"), ensure_ascii=False)
    item = _get(session.clinic_key, request_id)
    if item.account_id != grant.grant_id:
        raise request_not_found()
    if item.status != "open":
        raise _closed()
    at = now()

    def build(tx):
        tx.update("request", item, actions=[F.status.set("completed"), F.completed_at.set(at),
                                            F.completed_by.set(session.username), F.answers_json.set(text)],
                  condition=(F.status == "open") & (F.account_id == grant.grant_id))
        counters.bump(tx, session.clinic_key, {counters.grant(grant.grant_id): {"forms_open": -1}})
        tx.audit(audit.event(session.clinic_key, "form_request_completed", info=info, outcome="succeeded",
                            actor=actor(session), subject={"kind": "patient", "id": session.subject_id},
                            details={"request_id": request_id, "form_name": item.form_name,
                                     "patient_id": grant.patient_id, "section": FORMS}))

    write(build, failed={"request": _closed})
    item.status, item.completed_at, item.completed_by, item.answers_json = "completed", at, session.username, text
    return item
