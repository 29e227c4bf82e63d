"""The rules of a form: what a template's fields may be, and what answers fit them.

A template's field: `{"key", "label", "type", "required", "help", "options"}`:
`key` names the answer (lower-case letters, digits, `_`; unique in the form),
`type` is one of FIELD_TYPES, `options` only (and always) for `choice`.

Answers are a JSON object `{key: value}`: text for short_text/long_text (bounded),
"YYYY-MM-DD" for date, true/false for yes_no, one of the options for choice. An
empty value (null, "", whitespace) is "not answered": allowed in a draft, refused
on submit when the field is required. Every refusal is a 400 naming the field
(`field` in the error body) and changes nothing.
"""
from __future__ import annotations

import re
from datetime import date

from chalicelib.api.fields import Parser, bad_character
from chalicelib.core.errors import InvalidRequest

FIELD_TYPES = ("short_text", "long_text", "date", "yes_no", "choice")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
FIELDS_MAX = 30
LABEL_MAX = 200
HELP_MAX = 300
OPTIONS_MAX = 20
OPTION_MAX = 80
DESCRIPTION_MAX = 1000
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 4000
FIELD_KEYS = ("key", "label", "type", "required", "help", "options")


# ---------------------------------------------------------------- templates

def _text(where: str, value, max_length: int, *, required: bool = True, one_line: bool = True):
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidRequest(f"{where} must be text of 1 to {max_length} characters.")
    if len(value) > max_length:
        raise InvalidRequest(f"{where} is longer than {max_length} characters.")
    if bad_character(value, one_line=one_line):
        raise InvalidRequest(f"{where} contains a character that is not allowed.")
    return value.strip() or None


def check_field(index: int, raw) -> dict:
    where = f"fields[{index}]"
    if not isinstance(raw, dict):
        raise InvalidRequest(f"{where} must be an object with key, label and type.")
    unknown = sorted(set(raw) - set(FIELD_KEYS))
    if unknown:
        raise InvalidRequest(f"{where} has an unknown property: {unknown[0]}.")
    key = raw.get("key")
    if not isinstance(key, str) or not KEY_RE.fullmatch(key):
        raise InvalidRequest(f"{where}.key must be 1 to 40 lower-case letters, digits or '_', "
                             "starting with a letter.")
    kind = raw.get("type")
    if kind not in FIELD_TYPES:
        raise InvalidRequest(f"{where}.type must be one of: {', '.join(FIELD_TYPES)}.")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise InvalidRequest(f"{where}.required must be true or false.")
    field = {"key": key, "label": _text(f"{where}.label", raw.get("label"), LABEL_MAX),
             "type": kind, "required": required,
             "help": _text(f"{where}.help", raw.get("help"), HELP_MAX, required=False)}
    options = raw.get("options")
    if kind == "choice":
        if not isinstance(options, list) or not 2 <= len(options) <= OPTIONS_MAX:
            raise InvalidRequest(f"{where}.options must be a list of 2 to {OPTIONS_MAX} choices.")
        clean = [_text(f"{where}.options[{i}]", o, OPTION_MAX) for i, o in enumerate(options)]
        if len(set(clean)) != len(clean):
            raise InvalidRequest(f"{where}.options must not repeat a choice.")
        field["options"] = clean
    elif options is not None:
        raise InvalidRequest(f"{where}.options are only for a choice field.")
    return field


def check_fields(value) -> list[dict]:
    if not isinstance(value, list) or not 1 <= len(value) <= FIELDS_MAX:
        raise InvalidRequest(f"fields must be a list of 1 to {FIELDS_MAX} fields.")
    fields = [check_field(i, raw) for i, raw in enumerate(value)]
    seen = set()
    for field in fields:
        if field["key"] in seen:
            raise InvalidRequest(f"Two fields have the key {field['key']!r}; each needs its own.")
        seen.add(field["key"])
    return fields


class TemplateFields(Parser):
    """The `fields` of a template body."""

    json_type = "array"

    def parse(self, name, value):
        return check_fields(value)


# ---------------------------------------------------------------- answers

def answer_error(message: str, key: str, code: str) -> InvalidRequest:
    exc = InvalidRequest(message, code=code)
    exc.extra = {"field": key}
    return exc


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_value(field: dict, value):
    key, label, kind = field["key"], field["label"], field["type"]

    def bad(rule: str):
        return answer_error(f"“{label}” ({key}) {rule}", key, "invalid_answer")

    if kind in ("short_text", "long_text"):
        limit = SHORT_TEXT_MAX if kind == "short_text" else LONG_TEXT_MAX
        if not isinstance(value, str):
            raise bad("must be text.")
        if len(value) > limit:
            raise bad(f"is longer than {limit} characters.")
        if bad_character(value, one_line=kind == "short_text"):
            raise bad("contains a character that is not allowed.")
        return value.strip()
    if kind == "date":
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise bad("must be a date written YYYY-MM-DD.")
        try:
            date.fromisoformat(value)
        except ValueError:
            raise bad("must be a date written YYYY-MM-DD.") from None
        return value
    if kind == "yes_no":
        if not isinstance(value, bool):
            raise bad("must be yes or no (true or false).")
        return value
    if value not in field["options"]:
        raise bad(f"must be one of: {', '.join(field['options'])}.")
    return value


def check_answers(fields: list[dict], answers: dict, *, complete: bool) -> dict:
    """The answers, cleaned (unanswered fields left out), or a 400 naming the
    first field at fault. `complete`: every required field must be answered."""
    by_key = {f["key"]: f for f in fields}
    unknown = [k for k in answers if k not in by_key]
    if unknown:
        raise answer_error(f"This form has no field {unknown[0]!r}.", unknown[0], "unknown_field")
    clean = {}
    for field in fields:
        value = answers.get(field["key"])
        if _empty(value):
            if complete and field["required"]:
                raise answer_error(f"“{field['label']}” ({field['key']}) is required.", field["key"],
                                   "answer_required")
            continue
        clean[field["key"]] = _check_value(field, value)
    return clean
