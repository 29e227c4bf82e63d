"""Every input limit and identifier pattern, defined once.

The API's request parsers (`chalicelib/api/requests.py`), the use cases and the
pages (through the generated config document) all read these; nothing else
spells a length or a pattern."""
from __future__ import annotations

import re

NAME_MAX = 100                 # a person's first or last name
EMAIL_MAX = 254                # RFC 5321 path limit; also a portal username (an email)
LOGIN_USERNAME_MAX = 254       # what a login form accepts as a username (staff or portal)
PASSWORD_MAX = 1024            # far above the 128 the policy promises; bounds hashing work
SEARCH_MAX = 100               # a patient search text
ACCOUNT_SEARCH_MAX = 254       # a User Management search text
FORM_NAME_MAX = 200
NOTE_MAX = 2000
ANSWERS_MAX_CHARS = 10_000
ANSWERS_MAX_DEPTH = 6

CLINIC_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
PATIENT_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
STAFF_USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
RECORD_ID_RE = re.compile(r"^[0-9a-f]{32}$")  # account ids, form request ids
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
