"""The lists the server owns, as one JSON document for the pages
(`/static/portal-config.json`): portal sections and access types, staff roles
and the permissions they grant, the audit log's event kinds, the input limits and identifier patterns.

Generated from the Python definitions, so the pages never retype a list. The
words shown for each id (labels, help) are page text and live here, next to
the ids they describe; a test checks that every id has its words."""
from __future__ import annotations

import re

from chalicelib.sections import SECTIONS

SECTION_LABELS = {s.id: s.label for s in SECTIONS}   # the registry's words (chalicelib/sections)
ACCESS_LABELS = {"self": "Self", "authorized_rep": "Authorized representative"}
ROLE_WORDS = {
    "admin": ("Administrator", "Manages staff, clinic settings, patients and portal accounts"),
    "front_desk": ("Front desk", "Adds and edits patients; sets up and manages patient portal accounts"),
    "clinician": ("Clinician", "No management tools"),
}
# The order the pages list roles in (most powerful first, as before).
ROLE_ORDER = ("admin", "front_desk", "clinician")

LIMIT_NAMES = ("NAME_MAX", "CLINIC_ID_MAX", "KEY_MAX_BYTES", "EMAIL_MAX", "LOGIN_USERNAME_MAX", "PASSWORD_MAX",
               "NEW_PASSWORD_MAX", "SEARCH_MAX", "ACCOUNT_SEARCH_MAX", "FORM_NAME_MAX", "NOTE_MAX", "ANSWERS_MAX_CHARS",
               "ANSWERS_MAX_DEPTH",
               "STAFF_USERNAME_MAX", "REVISION_MAX", "DUE_DATE_YEARS", "SETTINGS_RANGES", "AUDIT_EXPORT_MAX_ROWS",
               "ADDRESS_LINE_MAX", "CITY_MAX", "REGION_MAX", "PHONE_MAX", "PHONE_DIGITS", "BIRTH_YEAR_MIN",
               "MESSAGE_TEXT_MAX", "MESSAGE_SUBJECT_MAX", "MESSAGE_TOPIC_MAX", "MESSAGE_TOPICS_MAX",
               "MESSAGE_SEND_LIMIT", "APPOINTMENT_REASON_MAX", "APPOINTMENT_LOCATION_MAX", "APPOINTMENT_NOTE_MAX",
               "APPOINTMENT_PREFERRED_MAX", "VIDEO_LINK_MAX",
               "MEDICATION_NAME_MAX", "MEDICATION_TEXT_MAX", "REFILLS_MAX", "PHARMACY_MAX",
               "LINE_DESCRIPTION_MAX", "STATEMENT_LINES_MAX", "AMOUNT_CENTS_MAX", "PAYMENT_URL_MAX",
               "PASSKEY_NAME_MAX")
PATTERN_NAMES = ("CLINIC_ID_RE", "PATIENT_ID_RE", "STAFF_USERNAME_RE", "RECORD_ID_RE", "EMAIL_RE", "DATE_RE",
                 "PHONE_RE", "POSTAL_CODE_RE", "PASSKEY_ID_RE")

# Python-only regex syntax a JavaScript RegExp would read differently (or not at all).
_PYTHON_ONLY = re.compile(r"\(\?P|\(\?[aiLmsux]|\\[AZ]|\(\?#|\(\?<[!=]")


def js_pattern(rx: re.Pattern) -> str:
    """The source of `rx` for `new RegExp(source)`: anchored at both ends, no
    flags, nothing Python-only (these patterns are simple on purpose)."""
    source = rx.pattern
    if rx.flags & ~re.UNICODE or _PYTHON_ONLY.search(source):
        raise ValueError(f"{source!r} is not portable to JavaScript")
    if not (source.startswith("^") and source.endswith("$")):
        raise ValueError(f"{source!r} must be anchored with ^ and $")
    return source


def jsonable(value):
    """A limit as JSON: a (first, last) pair as a list; a settings range table as
    {name: {"type": "bool"|"int", "min", "max"}}."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return {name: {"type": kind.__name__, "min": low, "max": high} for name, (kind, low, high) in value.items()}
    return value


def portal_config() -> dict:
    from chalicelib.core import limits
    from chalicelib.core.audit_words import KINDS
    from chalicelib.portal_accounts.records import ACCESS_TYPES, PORTAL_SECTIONS
    from chalicelib.staff.roles import ROLE_PERMISSIONS, ROLES

    roles = [r for r in ROLE_ORDER if r in ROLES] + [r for r in ROLES if r not in ROLE_ORDER]
    permissions = sorted(set().union(*ROLE_PERMISSIONS.values()))
    return {
        "sections": [{"id": s, "label": SECTION_LABELS[s]} for s in PORTAL_SECTIONS],
        "access_types": [{"id": a, "label": ACCESS_LABELS[a]} for a in ACCESS_TYPES],
        "roles": [{"id": r, "label": ROLE_WORDS[r][0], "help": ROLE_WORDS[r][1],
                   "permissions": sorted(ROLE_PERMISSIONS[r])} for r in roles],
        "permissions": permissions,
        "audit_kinds": [{"id": k, "label": label} for k, label in KINDS.items()],
        "limits": {name: jsonable(getattr(limits, name)) for name in LIMIT_NAMES},
        "patterns": {name: js_pattern(getattr(limits, name)) for name in PATTERN_NAMES},
    }
