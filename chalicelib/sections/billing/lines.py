"""A statement's line items and their maths, in integer cents (minor units).

A line: {line_id, service_date (YYYY-MM-DD), description, charge_cents,
payment_cents, adjustment_cents}, each amount a whole number from 0 to
AMOUNT_CENTS_MAX. The balance is Σ charges − Σ payments − Σ adjustments."""
from __future__ import annotations

import json

from chalicelib.api.fields import Parser, bad_character
from chalicelib.core.errors import InvalidRequest

AMOUNTS = ("charge_cents", "payment_cents", "adjustment_cents")


def _amount(where: str, value) -> int:
    from chalicelib.core.limits import AMOUNT_CENTS_MAX

    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= AMOUNT_CENTS_MAX:
        raise InvalidRequest(f"{where} must be a whole number of cents from 0 to {AMOUNT_CENTS_MAX} "
                             "(amounts are sent in cents: 120.50 is 12050).")
    return value


def _date(where: str, value) -> str:
    from chalicelib.api.fields import Date
    from chalicelib.core.limits import DUE_DATE_YEARS

    if value is None:
        raise InvalidRequest(f"{where} must be a date written YYYY-MM-DD.")
    return Date(DUE_DATE_YEARS)(where, value)


def description(where: str, value) -> str:
    from chalicelib.core.limits import LINE_DESCRIPTION_MAX

    if not isinstance(value, str) or not value.strip() or len(value) > LINE_DESCRIPTION_MAX \
            or bad_character(value, one_line=True):
        raise InvalidRequest(f"{where} must be 1 to {LINE_DESCRIPTION_MAX} characters on one line.")
    return " ".join(value.split())


def check_line(i: int, raw) -> dict:
    from chalicelib.core.ids import new_id

    where = f"lines[{i}]"
    if not isinstance(raw, dict):
        raise InvalidRequest(f"{where} must be an object.")
    unknown = set(raw) - {"service_date", "description", *AMOUNTS}
    if unknown:
        raise InvalidRequest(f"{where}: unknown field {sorted(unknown)[0]!r}.")
    line = {"line_id": new_id()[:12], "service_date": _date(f"{where}.service_date", raw.get("service_date")),
            "description": description(f"{where}.description", raw.get("description"))}
    for name in AMOUNTS:
        line[name] = _amount(f"{where}.{name}", raw.get(name))
    if not any(line[name] for name in AMOUNTS):
        raise InvalidRequest(f"{where} needs a charge, a payment or an adjustment.")
    return line


class StatementLines(Parser):
    """The `lines` of a new statement: 1 to STATEMENT_LINES_MAX line items."""

    json_type = "array"

    def parse(self, name, value):
        from chalicelib.core.limits import STATEMENT_LINES_MAX

        if not isinstance(value, list) or not 1 <= len(value) <= STATEMENT_LINES_MAX:
            raise InvalidRequest(f"lines must be a list of 1 to {STATEMENT_LINES_MAX} line items.")
        return [check_line(i, raw) for i, raw in enumerate(value)]


def balance(lines: list[dict]) -> int:
    return sum(int(line.get("charge_cents") or 0) - int(line.get("payment_cents") or 0)
               - int(line.get("adjustment_cents") or 0) for line in lines)


def totals(lines: list[dict]) -> dict:
    return {name: sum(int(line.get(name) or 0) for line in lines) for name in AMOUNTS}


def dump(lines: list[dict]) -> str:
    return json.dumps(lines, separators=(",", ":"), ensure_ascii=False)


def load(text: str | None) -> list[dict]:
    return json.loads(text) if text else []
