"""Form requests, the staff side: staff (`portal_accounts.manage`) ask a portal
account (a User Management row: one access grant, so one login for one patient)
to fill in one of the clinic's templates; they see every request of a row and its
status, and may cancel an open one.

Requests live in the clinic's partition (`clinic_key`, `request_id`); `account_id`
is the grant's id, and the by_account index lists one grant's requests, newest
first, one Query a page. A request keeps a snapshot of the template (name,
description, fields) as it was when asked for. Answers never reach the audit log.
"""
from __future__ import annotations

import json

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.ids import new_id, now
from chalicelib.core.limits import RECORD_ID_RE as REQUEST_ID_RE
from chalicelib.core.records import CONFLICT_MESSAGE, write
from chalicelib.sections import counters
from chalicelib.sections.forms import FORMS

PAGE_SIZE = 50
KEYS = ("account_key", "created_key", "clinic_key", "request_id")


def request_not_found() -> NotFound:
    return NotFound("No form request with that id.", code="form_request_not_found")


def closed() -> Conflict:
    return Conflict("This form request is no longer open.", code="form_request_closed")


def account_key(clinic_key: str, account_id: str) -> str:
    return f"{clinic_key}#{account_id}"


def get_request(clinic_key: str, request_id: object):
    from chalicelib.models import FormRequestModel

    if not isinstance(request_id, str) or not REQUEST_ID_RE.fullmatch(request_id):
        raise request_not_found()
    try:
        return FormRequestModel.get(clinic_key, request_id, consistent_read=True)
    except FormRequestModel.DoesNotExist:
        raise request_not_found() from None


def template_of(item) -> dict | None:
    return json.loads(item.template_json) if item.template_json else None


def create_request(session, clinic, account_id: str, *, template_id: str, note: str | None,
                   due_date: str | None, info: RequestInfo):
    """Values come checked from the edge (`api/bodies.CreateFormRequestBody`): note
    trimmed or None, due_date a YYYY-MM-DD date or None. The template must be active
    and unchanged while the request is written (else 409: reload and try again)."""
    from chalicelib.models import AccessGrantModel as A
    from chalicelib.models import FormRequestModel
    from chalicelib.models import FormTemplateModel as T
    from chalicelib.portal_accounts.admin import account_not_found, get_account
    from chalicelib.sections.access import patient_name
    from chalicelib.sections.forms.templates import get_template, snapshot, template_archived

    row = get_account(clinic.clinic_key, account_id)
    account = row.login
    if FORMS not in (row.grant.permissions or []):
        raise Conflict("This account does not have the Forms section. Add it to the account's permissions "
                       "first.", code="forms_not_permitted")
    template = get_template(clinic.clinic_key, template_id)
    if template.status != "active":
        raise template_archived()
    at = now()
    rid = new_id()
    grant = row.grant
    item = FormRequestModel(clinic.clinic_key, rid, account_id=grant.grant_id,
                            account_key=account_key(clinic.clinic_key, grant.grant_id),
                            created_key=f"{at:010d}#{rid}", form_name=template.name,
                            note=note, due_date=due_date, status="open",
                            requested_by=session.username, created_at=at,
                            patient_id=grant.patient_id, patient_name=patient_name(grant),
                            template_id=template.template_id, template_revision=int(template.revision or 0),
                            template_json=json.dumps(snapshot(template), separators=(",", ":"),
                                                     ensure_ascii=False))
    same = T.template_id.exists() & (T.status == "active")
    same &= (T.revision == template.revision) if template.revision is not None else T.revision.does_not_exist()

    def build(tx):
        tx.check("account", A, clinic.clinic_key, grant.grant_id, condition=A.grant_id.exists())
        tx.check("template", T, clinic.clinic_key, template.template_id, condition=same)
        tx.save("request", item, condition=FormRequestModel.request_id.does_not_exist())
        counters.bump(tx, clinic.clinic_key, {counters.grant(grant.grant_id): {"forms_open": 1}})
        tx.audit(audit.event(clinic.clinic_key, "form_request_created", info=info, outcome="succeeded",
                             actor=actor(session),
                             subject={"kind": "patient", "id": account.account_id, "username": account.username},
                             details={"request_id": rid, "form_name": item.form_name, "due_date": due_date,
                                      "template_id": template.template_id,
                                      "grant_id": grant.grant_id, "patient_id": grant.patient_id}))

    write(build, failed={"account": account_not_found,
                         "template": lambda: Conflict(CONFLICT_MESSAGE, code="conflict")})
    return item


def list_for_account(clinic, account_id: str, cursor: str | None, limit: int = PAGE_SIZE):
    """Every request of one account, newest first (staff view, without answers)."""
    from chalicelib.models import FormRequestModel as F
    from chalicelib.portal_accounts.admin import get_account

    row = get_account(clinic.clinic_key, account_id)
    key = account_key(clinic.clinic_key, row.grant.grant_id)
    start = page_start(cursor, hash_name="account_key", hash_value=key, key_names=KEYS)
    items, last_key = query_page(F, F.by_account.query, key, limit=limit, start=start, key_names=KEYS,
                                 scan_index_forward=False)
    return items, encode_cursor(last_key)


def get_for_staff(session, clinic, account_id: str, request_id: str, info: RequestInfo):
    """One request with its answers: a view of the patient's data, so its
    access-log event is written (one PutItem) before it is shown."""
    from chalicelib.sections.forms.review import viewed

    item = get_request(clinic.clinic_key, request_id)
    if item.account_id != account_id:
        raise request_not_found()
    viewed(session, item, info).save()
    return item


def cancel_request(session, clinic, account_id: str, request_id: str, info: RequestInfo):
    from chalicelib.models import FormRequestModel as F

    item = get_request(clinic.clinic_key, request_id)
    if item.account_id != account_id:
        raise request_not_found()
    if item.status != "open":
        raise closed()
    at = now()

    def build(tx):
        tx.update("request", item, actions=[F.status.set("cancelled"), F.cancelled_at.set(at)],
                  condition=(F.status == "open"))
        counters.bump(tx, clinic.clinic_key, {counters.grant(item.account_id): {"forms_open": -1}})
        tx.audit(audit.event(clinic.clinic_key, "form_request_cancelled", info=info, outcome="succeeded",
                             actor=actor(session), subject={"kind": "patient", "id": account_id},
                             details={"request_id": request_id, "form_name": item.form_name,
                                      "patient_id": item.patient_id}))

    write(build, failed={"request": closed})
    item.status, item.cancelled_at = "cancelled", at
    return item
