"""The `statements` resource of the integration API: a patient's billing statement as
the EHR's billing keeps it, written through the Billing section's use cases
(chalicelib/sections/billing/: `statements.create`, `external.replace`,
`external.withdraw`), so the patient's balance (the counter behind the home tile)
changes in the same transaction as the statement, by ADD, and never drifts.

Fields are flat, after FHIR R4 Invoice: patient = subject (the portal patient id),
date = Invoice.date, dueDate (the payment due date; Invoice.paymentTerms in FHIR),
currency (ISO 4217; must be the clinic's `currency` setting), lines =
Invoice.lineItem: {serviceDate, description, charge, payment, adjustment}.

Amounts are **decimal strings** in the currency's major unit ("120.50"; "1200" for
JPY, which has no minor unit): never JSON numbers (a float cannot hold money
exactly), never negative, at most 1,000,000.00 a line; null or absent is 0 and each
line needs one of the three. The balance is Σ charge − Σ payment − Σ adjustment.

A changed PUT replaces the EHR's lines and keeps the payments staff recorded on the
portal (billing/external.py). DELETE deletes the statement: the balance goes down by
what was still owed on it.
"""
from __future__ import annotations

import re

from chalicelib.api.fields import Date, Parser, Text
from chalicelib.api.requests import Body, request_body, required
from chalicelib.core import limits
from chalicelib.integrations import refs
from chalicelib.integrations.records import InvalidField

AMOUNT_RE = re.compile(r"([0-9]{1,10})(?:\.([0-9]{1,2}))?")   # ASCII digits only
LINE_FIELDS = {"serviceDate": "service_date", "description": "description", "charge": "charge_cents",
               "payment": "payment_cents", "adjustment": "adjustment_cents"}
AMOUNT_FIELDS = ("charge", "payment", "adjustment")


class _Day(Date):
    nullable = False


DAY = _Day(limits.DUE_DATE_YEARS)


class Lines(Parser):
    """1 to STATEMENT_LINES_MAX line items; each error names `lines[i].<field>`.
    Amounts stay (whole, fraction) strings here: the currency decides their digits."""

    json_type = "array"

    def parse(self, name, value):
        if not isinstance(value, list) or not 1 <= len(value) <= limits.STATEMENT_LINES_MAX:
            raise InvalidField(name, f"{name} must be a list of 1 to {limits.STATEMENT_LINES_MAX} line items.")
        return [_line(f"{name}[{i}]", raw) for i, raw in enumerate(value)]


def _line(where: str, raw) -> dict:
    from chalicelib.core.errors import InvalidRequest
    from chalicelib.sections.billing.lines import description

    if not isinstance(raw, dict):
        raise InvalidField(where, f"{where} must be an object.")
    unknown = sorted(set(raw) - set(LINE_FIELDS))
    if unknown:
        raise InvalidField(f"{where}.{unknown[0]}", f"Unknown field: {where}.{unknown[0]}.")
    for needed in ("serviceDate", "description"):
        if raw.get(needed) is None:
            raise InvalidField(f"{where}.{needed}", f"Missing field: {where}.{needed}.")
    line = {}
    try:
        line["serviceDate"] = DAY(f"{where}.serviceDate", raw["serviceDate"])
    except InvalidRequest as exc:
        raise InvalidField(f"{where}.serviceDate", exc.message) from None
    try:
        line["description"] = description(f"{where}.description", raw["description"])
    except InvalidRequest as exc:
        raise InvalidField(f"{where}.description", exc.message) from None
    for field in AMOUNT_FIELDS:
        value = raw.get(field)
        if value is None:
            line[field] = None
            continue
        match = AMOUNT_RE.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise InvalidField(f"{where}.{field}", f"{where}.{field} must be an amount written as a decimal "
                                                   "string, such as \"120.50\" (never a JSON number).")
        line[field] = (match.group(1), match.group(2) or "")
    if not any(line[field] and int("".join(line[field]) or 0) for field in AMOUNT_FIELDS):
        raise InvalidField(f"{where}.charge", f"{where} needs a charge, a payment or an adjustment above 0.")
    return line


def _minor(where: str, amount, currency: str) -> int:
    """The amount in minor units (cents; yen for JPY), exactly."""
    from chalicelib.sections.billing.settings import NO_DECIMALS

    if amount is None:
        return 0
    whole, fraction = amount
    digits = 0 if currency in NO_DECIMALS else 2
    if len(fraction) > digits:
        raise InvalidField(where, f"{where} has more decimals than {currency} has ({digits}).")
    value = int(whole) * 10 ** digits + int(fraction.ljust(digits, "0") or 0)
    if value > limits.AMOUNT_CENTS_MAX:
        raise InvalidField(where, f"{where} is more than one line may hold.")
    return value


@request_body
class IntegrationStatementBody(Body):
    """PUT /api/integration/v1/statements/{external_id}: the whole statement, every time."""

    patient: str = required(refs.PATIENT)
    date: str = required(DAY)
    dueDate: str = required(DAY)
    currency: str = required(Text(3, one_line=True, strip=True))
    lines: list = required(Lines())


body = IntegrationStatementBody
external_id = refs.external_id


def parse(request) -> dict:
    """The statement's portal fields; amounts in minor units."""
    from chalicelib.sections.billing.settings import CURRENCIES

    wire = refs.parse(body, request)
    currency = (wire["currency"] or "").upper()
    if currency not in CURRENCIES:
        raise InvalidField("currency", f"currency must be one of: {', '.join(CURRENCIES)}.")
    if wire["dueDate"] < wire["date"]:
        raise InvalidField("dueDate", "dueDate must be on or after date.")
    lines = []
    for i, line in enumerate(wire["lines"]):
        out = {"service_date": line["serviceDate"], "description": line["description"]}
        for field in AMOUNT_FIELDS:
            out[LINE_FIELDS[field]] = _minor(f"lines[{i}].{field}", line[field], currency)
        lines.append(out)
    return {"patient_id": wire["patient"], "statement_date": wire["date"], "due_date": wire["dueDate"],
            "currency": currency, "lines": lines}


def _clinic(push):
    from chalicelib.clinics.records import Clinic
    from chalicelib.models import ClinicModel

    return Clinic.from_model(ClinicModel.get(push.clinic.clinic_key, consistent_read=True))


def _common(push, patient_id: str, **mapping) -> dict:
    from chalicelib.integrations.records import written_meanwhile

    def also(tx, item):
        push.save_mapping(tx, item.statement_id, patient_id=patient_id, **mapping)

    return {"by": push.caller.actor(), "details": push.details(), "also": also,
            "failed": {"mapping": written_meanwhile}}


def apply(push) -> str:
    """Create or replace the statement, its balance change and the mapping in one
    transaction; the statement's id."""
    from chalicelib.core.ids import new_id
    from chalicelib.sections.billing import external, statements

    clinic = _clinic(push)
    f = push.fields
    if f["currency"] != clinic.settings.currency:
        raise InvalidField("currency", f"This clinic's statements are in {clinic.settings.currency}; "
                                       f"send currency {clinic.settings.currency}.")
    pid = refs.patient_of(push)
    lines = [{"line_id": new_id()[:12], **line, "source": external.EHR} for line in f["lines"]]
    old = push.existing
    dates = {"statement_date": f["statement_date"], "due_date": f["due_date"], "lines": lines}
    if old is None or old.withdrawn_at is not None:   # new, or sent again after a DELETE
        item = statements.create(None, clinic, pid, info=push.info, **dates, **_common(push, pid))
    else:
        item = external.replace(clinic, pid, old.internal_id, info=push.info, **dates, **_common(push, pid))
    return item.statement_id


def withdraw(push) -> None:
    from chalicelib.sections.billing import external

    old = push.existing
    external.withdraw(push.clinic, old.patient_id, old.internal_id, info=push.info,
                      **_common(push, old.patient_id, withdrawn=True))
