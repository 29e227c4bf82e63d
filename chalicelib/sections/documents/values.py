"""A test result's structured values: a list of rows {test, value, unit, range, flag}.
`flag` is a FHIR R4 Observation interpretation code (the v3 ObservationInterpretation
codes the portal uses): H (high), L (low), A (abnormal), N (normal), or null when the
lab gave none. The patient's page shows the words ("High"), never the letter or a
colour alone."""
from __future__ import annotations

import json

from chalicelib.core.errors import InvalidRequest

FLAGS: dict[str, str] = {"H": "High", "L": "Low", "A": "Abnormal", "N": "Normal"}
ROWS_MAX = 50
TEXT_MAX = {"test": 120, "value": 40, "unit": 30, "range": 60}
REQUIRED = ("test", "value")


def _bad(i: int, name: str, message: str) -> InvalidRequest:
    err = InvalidRequest(f"values[{i}].{name}: {message}", code="invalid_value")
    err.extra = {"field": f"values[{i}].{name}"}
    return err


def check(values) -> list[dict]:
    """The rows, trimmed; a 400 `invalid_value` naming the row and field otherwise."""
    from chalicelib.api.fields import bad_character

    if not isinstance(values, list):
        raise InvalidRequest("values must be a list of rows.", code="invalid_value")
    if len(values) > ROWS_MAX:
        raise InvalidRequest(f"values may hold at most {ROWS_MAX} rows.", code="invalid_value")
    rows = []
    for i, row in enumerate(values):
        if not isinstance(row, dict):
            raise _bad(i, "test", "each row must be an object.")
        unknown = set(row) - {*TEXT_MAX, "flag"}
        if unknown:
            raise _bad(i, sorted(unknown)[0], "is not a field of a test value.")
        clean = {}
        for name, limit in TEXT_MAX.items():
            value = row.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                if name in REQUIRED:
                    raise _bad(i, name, "is required.")
                clean[name] = None
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool) and name == "value":
                value = str(value)
            if not isinstance(value, str):
                raise _bad(i, name, "must be text.")
            value = value.strip()
            if len(value) > limit or bad_character(value, one_line=True):
                raise _bad(i, name, f"must be one line of at most {limit} characters.")
            clean[name] = value
        flag = row.get("flag")
        if flag is not None and flag not in FLAGS:
            raise _bad(i, "flag", f"must be one of {', '.join(FLAGS)} or null.")
        clean["flag"] = flag
        rows.append(clean)
    return rows


def dumps(rows: list[dict]) -> str:
    return json.dumps(rows, separators=(",", ":"), ensure_ascii=False)


def shown(values_json: str | None) -> list[dict]:
    """The rows as the pages show them: with the flag's words (`flag_text`)."""
    rows = json.loads(values_json) if values_json else []
    return [{**row, "flag_text": FLAGS.get(row.get("flag")) if row.get("flag") else None} for row in rows]
