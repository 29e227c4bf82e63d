"""The JSON shapes of the Refills and Billing sections' records."""
from __future__ import annotations

from chalicelib.core.ids import iso
from chalicelib.core.records import revision_of


def medication(item, *, for_staff: bool = True) -> dict:
    out = {"medication_id": item.medication_id, "patient_id": item.patient_id, "name": item.name,
           "dose": item.dose, "instructions": item.instructions, "prescriber": item.prescriber,
           "refills_left": int(item.refills_left or 0), "active": bool(item.active),
           "refill_requested": bool(item.open_request_id), "updated_at": iso(item.updated_at)}
    if for_staff:
        out["revision"] = revision_of(item)
        out["created_by"] = item.created_by
    return out


def refill_request(item, *, for_staff: bool = True) -> dict:
    out = {"request_id": item.request_id, "patient_id": item.patient_id, "medication_id": item.medication_id,
           "medication_name": item.medication_name, "dose": item.dose, "pharmacy": item.pharmacy,
           "note": item.note, "status": item.status, "created_at": iso(item.created_at),
           "decided_at": iso(item.decided_at), "staff_note": item.staff_note}
    if for_staff:
        out["patient_name"] = item.patient_name
        out["requested_by"] = item.requested_by
        out["decided_by"] = item.decided_by
    return out


def statement(item, *, for_staff: bool = True) -> dict:
    from chalicelib.sections.billing import lines as L
    from chalicelib.sections.billing.settings import money

    lines = L.load(item.lines_json)
    out = {"statement_id": item.statement_id, "patient_id": item.patient_id,
           "statement_date": item.statement_date, "due_date": item.due_date, "currency": item.currency,
           "lines": [{k: line.get(k) for k in ("line_id", "service_date", "description", *L.AMOUNTS)}
                     for line in lines],
           "totals": L.totals(lines), "balance_cents": int(item.balance_cents or 0),
           "balance_text": money(int(item.balance_cents or 0), item.currency),
           "revision": revision_of(item)}
    if for_staff:
        out["created_by"] = item.created_by
    return out
