"""Field parsers of the request bodies (`requests.py`): each turns one JSON value
into a clean Python value or raises InvalidRequest (400) with the message the API
has always given. Limits come from `chalicelib.core.limits`."""
from __future__ import annotations

import json
import unicodedata
from datetime import date

from chalicelib.core.errors import InvalidRequest

# Characters that may reorder or hide what a line of text shows (bidi embeddings,
# overrides and isolates): refused in one-line text such as names and usernames.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def unencodable(value: str) -> bool:
    """True for text that cannot be stored or hashed as UTF-8 (lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def bad_character(value: str, *, one_line: bool) -> bool:
    if "\x00" in value or unencodable(value):
        return True
    if one_line:
        return any(c in BIDI_CONTROLS or unicodedata.category(c) == "Cc" for c in value)
    return False


def key_too_long(value: str) -> bool:
    """True when `value`, normalized as keys are (NFKC can expand one character into
    eighteen), would not fit in a DynamoDB key: the bound holds after normalization."""
    from chalicelib.core.ids import normalize_key
    from chalicelib.core.limits import KEY_MAX_BYTES

    return len(normalize_key(value).encode("utf-8")) > KEY_MAX_BYTES


# ---------------------------------------------------------------- field parsers

class Parser:
    """Turns one field's JSON value into a clean Python value, or raises InvalidRequest.
    `nullable`: null is accepted and becomes None."""

    nullable = False
    json_type = None  # for documentation and tests: the JSON Schema type

    def __call__(self, name: str, value):
        if value is None and self.nullable:
            return None
        return self.parse(name, value)

    def parse(self, name: str, value):
        raise NotImplementedError


class Text(Parser):
    """Text of at most `max_length` characters; never NUL or unencodable characters.
    `one_line`: no control or bidi-override characters either. `strip`: trimmed;
    with `allow_empty` too, blank text becomes None."""

    json_type = "string"

    def __init__(self, max_length: int, *, allow_empty: bool = False, nullable: bool = False,
                 one_line: bool = False, strip: bool = False, key: bool = False):
        self.max_length, self.allow_empty, self.nullable, self.one_line = max_length, allow_empty, nullable, one_line
        self.strip, self.key = strip, key

    def parse(self, name, value):
        if not isinstance(value, str):
            raise InvalidRequest(f"{name} must be text.")
        if not self.allow_empty and not value.strip():
            raise InvalidRequest(f"{name} must not be empty.")
        if len(value) > self.max_length:
            raise InvalidRequest(f"{name} is longer than {self.max_length} characters.")
        if bad_character(value, one_line=self.one_line):
            raise InvalidRequest(f"{name} contains a character that is not allowed.")
        if self.key and key_too_long(value):
            raise InvalidRequest(f"{name} is longer than {self.max_length} characters.")
        if self.strip:
            return value.strip() or None
        return value


class Name(Parser):
    """A person's first or last name: 1 to NAME_MAX characters once trimmed."""

    json_type = "string"

    def parse(self, name, value):
        from chalicelib.core.limits import NAME_MAX

        if (not isinstance(value, str) or not value.strip() or len(value) > NAME_MAX
                or bad_character(value, one_line=True)):
            raise InvalidRequest(f"{name} must be 1 to {NAME_MAX} characters of text.")
        return value.strip()


class Pattern(Parser):
    """Text matching an identifier pattern from limits; `message` says the rule."""

    json_type = "string"

    def __init__(self, pattern, message: str):
        self.pattern, self.message = pattern, message

    def parse(self, name, value):
        if not isinstance(value, str) or not self.pattern.fullmatch(value):
            raise InvalidRequest(self.message)
        return value


class Email(Parser):
    """An email address, trimmed (`check_email`: 400 invalid_email). With
    `empty_is_none`, null and blank text mean "no email"."""

    json_type = "string"

    def __init__(self, *, empty_is_none: bool = False):
        self.empty_is_none = self.nullable = empty_is_none

    def parse(self, name, value):
        from chalicelib.core.limits import EMAIL_MAX
        from chalicelib.portal_accounts.records import check_email

        if not isinstance(value, str):
            raise InvalidRequest(f"{name} must be text.")
        if not value.strip():
            if self.empty_is_none:
                return None
            raise InvalidRequest(f"{name} must not be empty.")
        if len(value) > EMAIL_MAX or key_too_long(value):
            raise InvalidRequest(f"{name} is longer than {EMAIL_MAX} characters.")
        return check_email(value, name)


class Choice(Parser):
    json_type = "string"

    def __init__(self, choices: tuple):
        self.choices = tuple(choices)

    def parse(self, name, value):
        if not isinstance(value, str) or value not in self.choices:
            raise InvalidRequest(f"{name} must be one of: {', '.join(self.choices)}.")
        return value


class ChoiceList(Parser):
    """A list of choices, without repeats. `noun`/`nouns` name one and all in the
    message for an unknown item (with `unknown_code`); `sort` orders the result
    alphabetically, otherwise in the order of `choices`."""

    json_type = "array"

    def __init__(self, choices: tuple, *, noun: str, nouns: str, non_empty: bool = False, sort: bool = False,
                 unknown_code: str | None = None, nullable: bool = False):
        self.choices, self.noun, self.nouns, self.nullable = tuple(choices), noun, nouns, nullable
        self.non_empty, self.sort, self.unknown_code = non_empty, sort, unknown_code

    def parse(self, name, value):
        if (not isinstance(value, list) or (self.non_empty and not value)
                or not all(isinstance(v, str) for v in value)):
            kind = "a non-empty list" if self.non_empty else "a list"
            raise InvalidRequest(f"{name} must be {kind} of: {', '.join(self.choices)}.")
        unknown = [v for v in value if v not in self.choices]
        if unknown:
            raise InvalidRequest(f"Unknown {self.noun} {unknown[0]!r}; {self.nouns} are: {', '.join(self.choices)}.",
                                 code=self.unknown_code)
        return sorted(set(value)) if self.sort else [c for c in self.choices if c in value]


class Bool(Parser):
    json_type = "boolean"

    def __init__(self, *, nullable: bool = False, message: str = "{name} must be true or false."):
        self.nullable, self.message = nullable, message

    def parse(self, name, value):
        if not isinstance(value, bool):
            raise InvalidRequest(self.message.format(name=name))
        return value


class Int(Parser):
    """A whole number from `low` to `high`; never a bool, never 2.0."""

    json_type = "integer"

    def __init__(self, low: int, high: int, *, message: str = "{name} must be a whole number from {low} to {high}."):
        self.low, self.high, self.message = low, high, message

    def parse(self, name, value):
        if isinstance(value, bool) or not isinstance(value, int) or not self.low <= value <= self.high:
            raise InvalidRequest(self.message.format(name=name, low=self.low, high=self.high))
        return value


class Date(Parser):
    """A calendar date written YYYY-MM-DD within `years` (first, last)."""

    json_type = "string"
    nullable = True

    def __init__(self, years: tuple[int, int]):
        self.years = years

    def parse(self, name, value):
        from chalicelib.core.limits import DATE_RE

        bad = InvalidRequest(f"{name} must be a date written YYYY-MM-DD.")
        if not isinstance(value, str) or not DATE_RE.fullmatch(value):
            raise bad
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise bad from None
        if not self.years[0] <= day.year <= self.years[1]:
            raise bad
        return value


class JsonObject(Parser):
    """Free JSON (form answers): an object of at most `max_chars` characters as
    compact JSON and `max_depth` levels of nesting; every string storable."""

    json_type = "object"

    def __init__(self, max_chars: int, max_depth: int):
        self.max_chars, self.max_depth = max_chars, max_depth

    def parse(self, name, value):
        if not isinstance(value, dict):
            raise InvalidRequest(f"{name} must be a JSON object.")
        if depth(value) > self.max_depth:
            raise InvalidRequest(f"{name} are nested deeper than {self.max_depth} levels.")
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        if len(text) > self.max_chars:
            raise InvalidRequest(f"{name} are larger than {self.max_chars} characters.", code="answers_too_large")
        if unencodable(text):
            raise InvalidRequest(f"{name} contain a character that is not allowed.")
        return value


class Lenient(Parser):
    """Any value; `convert` turns it into what the use case expects (e.g. a CAPTCHA
    token that is not text becomes "", which the check then refuses like any bad one)."""

    def __init__(self, convert, *, nullable: bool = True, json_type: str = "string"):
        self.convert, self.nullable, self.json_type = convert, nullable, json_type

    def __call__(self, name, value):
        return None if value is None and self.nullable else self.convert(value)


def depth(value) -> int:
    """Levels of nesting of lists and objects, counted without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, level + 1)
            stack.extend((child, level + 1) for child in node)
    return deepest
