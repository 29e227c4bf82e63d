"""Statements: staff with `billing.manage` enter one (statement date, due date, line
items) and record payments received against it (a payment line); each change is one
transaction with the statement (conditional on the revision read), the patient
counter's balance (ADD of the change, never read-modify-write) and the audit event
naming the patient. Staff and the patient side list a patient's statements, newest
first, one Query a page, with an access-log event."""
from __future__ import annotations

import re
from types import SimpleNamespace

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import Conflict, InvalidRequest, NotFound
from chalicelib.core.ids import new_id, now
from chalicelib.core.records import bump, check_revision, stale, unchanged, write
from chalicelib.sections import counters
from chalicelib.sections.billing import BILLING, patient_key
from chalicelib.sections.billing import lines as L

PAGE_SIZE = 24
KEYS = ("patient_key", "statement_id")
STATEMENT_ID_RE = re.compile(r"^\d{8}-[0-9a-f]{32}$")


def statement_not_found() -> NotFound:
    return NotFound("No statement with that id for this patient.", code="statement_not_found")


def more_than_due(balance: int, currency: str) -> Conflict:
    from chalicelib.sections.billing.settings import money

    return Conflict(f"The payment is more than this statement's balance of {money(balance, currency)}.",
                    code="payment_over_balance")


def viewed(session, patient_id: str, patient_name: str | None, info):
    from chalicelib.sections.access import viewed as section_viewed

    patient = SimpleNamespace(patient_id=patient_id, patient_first_name=patient_name, patient_last_name=None)
    return section_viewed(session, patient, BILLING, info)


def _name(patient) -> str | None:
    return f"{patient.first_name or ''} {patient.last_name or ''}".strip() or None


def get_statement(clinic_key: str, patient_id: str, statement_id: object):
    from chalicelib.models import StatementModel as S

    if not isinstance(statement_id, str) or not STATEMENT_ID_RE.fullmatch(statement_id):
        raise statement_not_found()
    try:
        return S.get(patient_key(clinic_key, patient_id), statement_id, consistent_read=True)
    except S.DoesNotExist:
        raise statement_not_found() from None


def _event(session, kind: str, item, info, *, by: dict | None = None, **details):
    return audit.event(item.clinic_key, kind, info=info, outcome="succeeded", actor=by or actor(session),
                       subject={"kind": "patient", "id": item.patient_id},
                       details={"patient_id": item.patient_id, "section": BILLING,
                                "statement_id": item.statement_id, **details})


def create(session, clinic, patient_id: str, *, statement_date: str, due_date: str, lines: list[dict],
           info: RequestInfo, by: dict | None = None, details: dict | None = None, also=None,
           failed: dict | None = None):
    """Values come checked from the edge (`api.billing_bodies.CreateStatementBody`).

    For the integration API (chalicelib/integrations/statements.py): `by` is the audit
    actor instead of `session`'s, `details` more audit details, `also(tx, item)` adds
    items to the same transaction and `failed` names their errors."""
    from chalicelib.models import PatientModel as P
    from chalicelib.models import StatementModel as S
    from chalicelib.patients.lookup import get_patient, patient_not_found

    if due_date < statement_date:
        raise InvalidRequest("due_date must be on or after statement_date.")
    patient = get_patient(clinic, patient_id)
    balance = L.balance(lines)
    at = now()
    item = S(patient_key(clinic.clinic_key, patient.patient_id), f"{statement_date.replace('-', '')}-{new_id()}",
             clinic_key=clinic.clinic_key, patient_id=patient.patient_id, statement_date=statement_date,
             due_date=due_date, currency=clinic.settings.currency, lines_json=L.dump(lines),
             balance_cents=balance, created_at=at, created_by=(by or {}).get("name") or session.username,
             updated_at=at)

    def build(tx):
        tx.check("patient", P, clinic.clinic_key, patient.patient_id, condition=P.patient_id.exists())
        tx.save("statement", item, condition=S.statement_id.does_not_exist())
        counters.bump(tx, clinic.clinic_key, {counters.patient(patient.patient_id): {"billing_balance_cents": balance}},
                      sets={counters.patient(patient.patient_id): {"billing_due_date": due_date,
                                                                   "billing_currency": item.currency}})
        if also is not None:
            also(tx, item)
        tx.audit(_event(session, "statement_created", item, info, by=by, statement_date=statement_date,
                        due_date=due_date, balance_cents=balance, currency=item.currency, lines=len(lines),
                        **(details or {})))

    write(build, failed={**(failed or {}), "patient": patient_not_found})
    return item


def record_payment(session, clinic, patient_id: str, statement_id: str, *, amount_cents: int,
                   received_date: str, description: str | None, info: RequestInfo, revision: int | None):
    """A payment received (by phone, at the desk, through the clinic's payment page): a
    payment line on the statement; the statement's and the patient's balance go down by it."""
    from chalicelib.models import StatementModel as S

    item = get_statement(clinic.clinic_key, patient_id, statement_id)
    check_revision(item, revision)
    lines = L.load(item.lines_json)
    before = L.balance(lines)
    if amount_cents > before:
        raise more_than_due(before, item.currency)
    line = L.check_line(len(lines), {"service_date": received_date, "description": description or "Payment received",
                                     "payment_cents": amount_cents})
    lines.append(line)
    after = L.balance(lines)
    at = now()

    def build(tx):
        tx.update("statement", item, actions=[S.lines_json.set(L.dump(lines)), S.balance_cents.set(after),
                                              S.updated_at.set(at), bump(S)],
                  condition=unchanged(S, S.statement_id, item))
        counters.bump(tx, clinic.clinic_key, {counters.patient(item.patient_id):
                                              {"billing_balance_cents": after - before}})
        tx.audit(_event(session, "payment_recorded", item, info, amount_cents=amount_cents,
                        received_date=received_date, currency=item.currency, balance_cents=after))

    def reload():
        try:
            return get_statement(clinic.clinic_key, patient_id, statement_id)
        except NotFound:
            return None

    write(build, failed={"statement": stale(reload, statement_not_found)})
    item.lines_json, item.balance_cents, item.updated_at = L.dump(lines), after, at
    item.revision = int(item.revision or 0) + 1
    return item


def _page(key: str, cursor: str | None, limit: int):
    from chalicelib.models import StatementModel as S

    start = page_start(cursor, hash_name="patient_key", hash_value=key, key_names=KEYS)
    items, last_key = query_page(S, S.query, key, limit=limit, start=start, key_names=KEYS,
                                 scan_index_forward=False)
    return items, encode_cursor(last_key)


def list_for_staff(session, clinic, patient_id: str, cursor: str | None, info: RequestInfo, limit: int = PAGE_SIZE):
    from chalicelib.patients.lookup import get_patient

    patient = get_patient(clinic, patient_id)
    items, next_cursor = _page(patient_key(clinic.clinic_key, patient.patient_id), cursor, limit)
    viewed(session, patient.patient_id, _name(patient), info).save()
    return patient, items, next_cursor


def get_for_staff(session, clinic, patient_id: str, statement_id: str, info: RequestInfo):
    item = get_statement(clinic.clinic_key, patient_id, statement_id)
    viewed(session, item.patient_id, None, info).save()
    return item


def list_for_patient(session, grant, cursor: str | None, info: RequestInfo, limit: int = PAGE_SIZE):
    from chalicelib.sections.access import viewed as section_viewed

    items, next_cursor = _page(patient_key(grant.clinic_key, grant.patient_id), cursor, limit)
    section_viewed(session, grant, BILLING, info).save()
    return items, next_cursor


def summary_keys(patient_id: str):
    """For `api.access.authenticate_patient_with`: the patient counter (balance, due
    date) and the clinic (currency, payment_url), read with the session."""
    from chalicelib.models import ClinicModel
    from chalicelib.models.section_counter import SectionCounterModel as C

    def keys(clinic_key: str, grant_id: str):
        return [(C, clinic_key, counters.patient(patient_id)), (ClinicModel, clinic_key)]
    return keys


def summary(counter, clinic_item) -> dict:
    """{balance_cents, balance_text, due_date, currency, payment_url}."""
    from chalicelib.clinics.records import Clinic
    from chalicelib.sections.billing.settings import money

    settings = Clinic.from_model(clinic_item).settings
    cents = int(counter.billing_balance_cents or 0) if counter is not None else 0
    due = counter.billing_due_date if counter is not None and cents > 0 else None
    return {"balance_cents": cents, "balance_text": money(cents, settings.currency), "due_date": due,
            "currency": settings.currency, "payment_url": settings.payment_url}
