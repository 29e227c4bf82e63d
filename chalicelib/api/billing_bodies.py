"""The Billing section's request bodies (see `bodies.py` and `requests.py`).
Amounts are integer cents (120.50 is 12050), never decimals."""
from __future__ import annotations

from chalicelib.api.bodies import REVISION
from chalicelib.api.fields import Date, Int, Text
from chalicelib.api.requests import ABSENT, Body, optional, request_body, required
from chalicelib.core import limits


def _lines():
    from chalicelib.sections.billing.lines import StatementLines

    return StatementLines()


@request_body
class CreateStatementBody(Body):
    """A statement: its date, due date and line items (service_date, description,
    charge_cents, payment_cents, adjustment_cents)."""

    statement_date: str = required(Date(limits.DUE_DATE_YEARS))
    due_date: str = required(Date(limits.DUE_DATE_YEARS))
    lines: list = required(_lines())


@request_body
class RecordPaymentBody(Body):
    """A payment received against a statement."""

    amount_cents: int = required(Int(1, limits.AMOUNT_CENTS_MAX,
                                     message="{name} must be a whole number of cents from {low} to {high} "
                                             "(120.50 is 12050)."))
    received_date: str = required(Date(limits.DUE_DATE_YEARS))
    description: str | None = optional(Text(limits.LINE_DESCRIPTION_MAX, allow_empty=True, nullable=True,
                                            one_line=True, strip=True))
    revision: int = optional(REVISION, ABSENT)


__all__ = ["CreateStatementBody", "RecordPaymentBody"]
