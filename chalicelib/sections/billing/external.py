"""Statements a clinic's EHR keeps (chalicelib/integrations/statements.py): the EHR
creates them through `statements.create`, and here replaces and withdraws them.

Lines the EHR wrote carry `source: "ehr"`; a payment staff recorded on the portal
(`statements.record_payment`) carries none. When the EHR sends the statement again:

- its lines replace the EHR's lines; **staff-recorded payment lines are kept** (the
  portal never drops a payment someone recorded; if the EHR's lines also carry that
  payment, the clinic records it in one place only, see docs/integration.md);
- the statement's balance is recomputed and the patient counter's
  `billing_balance_cents` ADDs the difference (after - the balance read), in the
  same transaction as the statement, conditional on the revision read: a staff
  payment recorded in the same moment makes one of the two a 409, never a drift;
- a new statement date re-files the statement under a new id (the id begins with
  the date, so the patient's list stays sorted): the old item is deleted and the new
  one saved in that same transaction.

Withdrawing deletes the statement and ADDs minus its balance: the patient's balance
goes down by what was still owed on it (staff payments on it go with it; the
`payment_recorded` events stay in the audit log, and the withdrawal's event counts them).
"""
from __future__ import annotations

from chalicelib.core.errors import NotFound
from chalicelib.core.ids import new_id, now
from chalicelib.core.records import bump, stale, unchanged, write
from chalicelib.sections import counters
from chalicelib.sections.billing import lines as L
from chalicelib.sections.billing.statements import _event, get_statement, statement_not_found

EHR = "ehr"


def staff_lines(lines: list[dict]) -> list[dict]:
    """The lines staff added on the portal (payments recorded), not the EHR's."""
    return [line for line in lines if line.get("source") != EHR]


def _reload(clinic_key: str, patient_id: str, statement_id: str):
    def reload():
        try:
            return get_statement(clinic_key, patient_id, statement_id)
        except NotFound:
            return None
    return reload


def replace(clinic, patient_id: str, statement_id: str, *, statement_date: str, due_date: str,
            lines: list[dict], info, by: dict, details: dict, also, failed: dict):
    """The EHR's new version of a statement it wrote; returns the item as it is now."""
    from chalicelib.models import StatementModel as S

    item = get_statement(clinic.clinic_key, patient_id, statement_id)
    kept = staff_lines(L.load(item.lines_json))
    new_lines = [*lines, *kept]
    before, after = int(item.balance_cents or 0), L.balance(new_lines)
    at = now()
    currency = clinic.settings.currency
    moved = statement_date != item.statement_date
    condition = unchanged(S, S.statement_id, item)
    if moved:
        new = S(item.patient_key, f"{statement_date.replace('-', '')}-{new_id()}", clinic_key=item.clinic_key,
                patient_id=item.patient_id, statement_date=statement_date, due_date=due_date, currency=currency,
                lines_json=L.dump(new_lines), balance_cents=after, created_at=item.created_at,
                created_by=item.created_by, updated_at=at, revision=int(item.revision or 0) + 1)
    else:
        new = item

    def build(tx):
        if moved:
            tx.delete("statement", item, condition=condition)
            tx.save("new_statement", new, condition=S.statement_id.does_not_exist())
        else:
            tx.update("statement", item, condition=condition, actions=[
                S.lines_json.set(L.dump(new_lines)), S.balance_cents.set(after), S.due_date.set(due_date),
                S.currency.set(currency), S.updated_at.set(at), bump(S)])
        key = counters.patient(item.patient_id)
        counters.bump(tx, clinic.clinic_key, {key: {"billing_balance_cents": after - before}},
                      sets={key: {"billing_due_date": due_date, "billing_currency": currency}})
        also(tx, new)
        tx.audit(_event(None, "statement_updated", new, info, by=by, statement_date=statement_date,
                        due_date=due_date, balance_cents=after, balance_change_cents=after - before,
                        currency=currency, lines=len(new_lines), staff_lines_kept=len(kept),
                        **({"replaced_statement_id": item.statement_id} if moved else {}), **details))

    write(build, failed={**failed, "statement": stale(_reload(clinic.clinic_key, patient_id, statement_id),
                                                      statement_not_found)})
    if not moved:
        item.lines_json, item.balance_cents, item.due_date, item.currency = L.dump(new_lines), after, due_date, currency
        item.updated_at, item.revision = at, int(item.revision or 0) + 1
    return new


def withdraw(clinic, patient_id: str, statement_id: str, *, info, by: dict, details: dict, also, failed: dict):
    """Delete the statement; the patient's balance goes down by its balance."""
    from chalicelib.models import StatementModel as S

    item = get_statement(clinic.clinic_key, patient_id, statement_id)
    balance = int(item.balance_cents or 0)
    kept = staff_lines(L.load(item.lines_json))

    def build(tx):
        tx.delete("statement", item, condition=unchanged(S, S.statement_id, item))
        counters.bump(tx, clinic.clinic_key, {counters.patient(item.patient_id): {"billing_balance_cents": -balance}})
        also(tx, item)
        tx.audit(_event(None, "statement_withdrawn", item, info, by=by, balance_cents=0,
                        balance_change_cents=-balance, currency=item.currency, staff_lines_removed=len(kept),
                        **details))

    write(build, failed={**failed, "statement": stale(_reload(clinic.clinic_key, patient_id, statement_id),
                                                      statement_not_found)})
    return item
