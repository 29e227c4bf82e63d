"""Field parsers of a patient's record (`bodies.CreatePatientBody`, `ChangePatientBody`):
names, date of birth, phone, address. Text is NFKC-normalized (full-width letters
become plain ones) and trimmed, then bounded; the bounds and patterns live in
`chalicelib.core.limits`. Errors are InvalidRequest (400) naming the field."""
from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime

from chalicelib.api.fields import Parser, bad_character
from chalicelib.core.errors import InvalidRequest

# Besides letters and combining marks, a name may hold spaces, hyphens, apostrophes
# and periods ("O'Neil", "Smith-Jones", "St. John"). Not a comma: "Last, First" is
# how the patients list is searched.
NAME_PUNCTUATION = frozenset(" -'.\u2019\u02bc\u2010")


def clean_text(value: str) -> str:
    """NFKC, trimmed, inner runs of white space as one space."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def is_name(text: str) -> bool:
    return any(unicodedata.category(c).startswith("L") for c in text) and all(
        c in NAME_PUNCTUATION or unicodedata.category(c)[0] in "LM" for c in text)


class PersonName(Parser):
    """A patient's first or last name: 1 to NAME_MAX letters (any alphabet), with
    spaces, hyphens, apostrophes or periods; no digits, no commas."""

    json_type = "string"

    def parse(self, name, value):
        from chalicelib.core.limits import NAME_MAX

        message = (f"{name} must be 1 to {NAME_MAX} letters; spaces, hyphens (-), apostrophes (') "
                   "and periods (.) may be used too.")
        if not isinstance(value, str) or len(value) > 4 * NAME_MAX or bad_character(value, one_line=True):
            raise InvalidRequest(message)
        text = clean_text(value)
        if not text or len(text) > NAME_MAX or not is_name(text):
            raise InvalidRequest(message)
        return text


def today() -> date:
    """Today's date (UTC), from the same clock as every stored timestamp."""
    from chalicelib.core.ids import now

    return datetime.fromtimestamp(now(), tz=UTC).date()


class BirthDate(Parser):
    """A real date written YYYY-MM-DD, from BIRTH_YEAR_MIN-01-01 up to today."""

    json_type = "string"

    def parse(self, name, value):
        from chalicelib.core.limits import BIRTH_YEAR_MIN, DATE_RE

        if not isinstance(value, str) or not DATE_RE.fullmatch(value):
            raise InvalidRequest(f"{name} must be a date written YYYY-MM-DD, e.g. 1980-02-03.")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise InvalidRequest(f"{name} is not a real date ({value}).") from None
        if day.year < BIRTH_YEAR_MIN:
            raise InvalidRequest(f"{name} must be in {BIRTH_YEAR_MIN} or later.")
        if day > today():
            raise InvalidRequest(f"{name} cannot be in the future.")
        return value


class Phone(Parser):
    """A phone number, optional (null or blank: none): an international number
    ("+1 555 010 0100", E.164 with any spaces, dots, dashes or brackets) or the
    clinic's national format ("(555) 010-0100"); 7 to 15 digits. Kept as typed
    (trimmed, single spaces)."""

    json_type = "string"
    nullable = True

    def parse(self, name, value):
        from chalicelib.core.limits import PHONE_DIGITS, PHONE_MAX, PHONE_RE

        message = (f"{name} must be a phone number of {PHONE_DIGITS[0]} to {PHONE_DIGITS[1]} digits, "
                   "e.g. +1 555 010 0100 or (555) 010-0100.")
        if not isinstance(value, str):
            raise InvalidRequest(message)
        if len(value) > 4 * PHONE_MAX or bad_character(value, one_line=True):
            raise InvalidRequest(message)
        text = clean_text(value)
        if not text:
            return None
        digits = sum(c.isdigit() for c in text)
        if (len(text) > PHONE_MAX or not PHONE_RE.fullmatch(text)
                or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]):
            raise InvalidRequest(message)
        return text


class AddressText(Parser):
    """One line of an address, optional (null or blank: none), at most `max_length`
    characters once normalized; no control characters."""

    json_type = "string"
    nullable = True

    def __init__(self, max_length: int):
        self.max_length = max_length

    def parse(self, name, value):
        if not isinstance(value, str):
            raise InvalidRequest(f"{name} must be text.")
        if len(value) > 4 * self.max_length or bad_character(value, one_line=True):
            raise InvalidRequest(f"{name} contains a character that is not allowed.")
        text = clean_text(value)
        if len(text) > self.max_length:
            raise InvalidRequest(f"{name} is longer than {self.max_length} characters.")
        return text or None


class PostalCode(Parser):
    """A postal code, optional: 2 to 12 letters or digits with spaces or dashes
    between ("02139", "02139-4307", "SW1A 1AA"); stored in capitals."""

    json_type = "string"
    nullable = True

    def parse(self, name, value):
        from chalicelib.core.limits import POSTAL_CODE_RE

        message = f"{name} must be 2 to 12 letters or digits (spaces and dashes between them are fine)."
        if not isinstance(value, str) or len(value) > 64:
            raise InvalidRequest(message)
        text = clean_text(value)
        if not text:
            return None
        if not POSTAL_CODE_RE.fullmatch(text):
            raise InvalidRequest(message)
        return text.upper()


class NewPatientId(Parser):
    """The clinic's own id for a new patient (the chart number of its records), or
    null / blank to have the portal make one. Stored in capitals, so "p100" and
    "P100" are the same patient."""

    json_type = "string"
    nullable = True

    def parse(self, name, value):
        from chalicelib.core.limits import PATIENT_ID_RE

        if not isinstance(value, str):
            raise InvalidRequest("A patient id is 1 to 64 letters, digits, '-' or '_'.")
        text = value.strip()
        if not text:
            return None
        if not PATIENT_ID_RE.fullmatch(text):
            raise InvalidRequest("A patient id is 1 to 64 letters, digits, '-' or '_'.")
        return text.upper()
