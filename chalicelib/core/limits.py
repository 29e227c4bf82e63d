"""Every input limit and identifier pattern, defined once.

The API's request parsers (`chalicelib/api/requests.py`), the use cases and the
pages (through the generated config document) all read these; nothing else
spells a length or a pattern."""
from __future__ import annotations

import re

NAME_MAX = 100                 # a person's first or last name
CLINIC_ID_MAX = 64             # CLINIC_ID_RE's length, for the Clinic ID field
EMAIL_MAX = 254                # RFC 5321 path limit; also a portal username (an email)
LOGIN_USERNAME_MAX = 254       # what a login form accepts as a username (staff or portal)
KEY_MAX_BYTES = 512            # a username once normalized (NFKC can expand a character 18-fold):
                               # it becomes part of DynamoDB keys (sort key ≤ 1024 bytes)
PASSWORD_MAX = 1024            # far above the 128 the policy promises; bounds hashing work
SEARCH_MAX = 100               # a patient search text
ACCOUNT_SEARCH_MAX = 254       # a User Management search text
FORM_NAME_MAX = 200
NOTE_MAX = 2000
MEDICATION_NAME_MAX = 200
MEDICATION_TEXT_MAX = 500      # a medication's dose, instructions or prescriber
REFILLS_MAX = 99               # refills left on a prescription
PHARMACY_MAX = 200
STATEMENT_LINES_MAX = 100      # line items on one statement
LINE_DESCRIPTION_MAX = 200
AMOUNT_CENTS_MAX = 100_000_000  # one line's amount: at most 1,000,000.00
PAYMENT_URL_MAX = 500
ANSWERS_MAX_CHARS = 10_000
ANSWERS_MAX_DEPTH = 6
ADDRESS_LINE_MAX = 100         # a patient's street address, one line of it
CITY_MAX = 60                  # a patient's city or town
REGION_MAX = 60                # a patient's state, province or county
PHONE_MAX = 32                 # a phone number as typed (with spaces, dashes, brackets)
PHONE_DIGITS = (7, 15)         # digits in a phone number, fewest and most (E.164 allows 15)
MESSAGE_TEXT_MAX = 5000       # one secure message (plain text)
MESSAGE_SUBJECT_MAX = 200      # a conversation's subject
MESSAGE_TOPIC_MAX = 40         # one of the clinic's message topics
MESSAGE_TOPICS_MAX = 12        # how many topics a clinic lists
MESSAGE_SEND_LIMIT = (10, 600)  # messages one person may send, per this many seconds
BIRTH_YEAR_MIN = 1900          # the earliest year of birth the clinic's records accept

CLINIC_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
PATIENT_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
# A passkey's id (auth/passkeys/ceremony.passkey_id): base64url of a SHA-256, and its name.
PASSKEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
PASSKEY_NAME_MAX = 64
STAFF_USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
RECORD_ID_RE = re.compile(r"^[0-9a-f]{32}$")  # account ids, form request ids
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A phone number: an optional leading "+" (international, E.164), then digits with
# optional spaces, dots, dashes or brackets between them, e.g. "+1 555 010 0100", "(555) 010-0100".
PHONE_RE = re.compile(r"^\+?[0-9()][0-9 ().-]*[0-9]$")
# A postal code: 2 to 12 letters or digits, with spaces or dashes between (US ZIP+4, UK, CA...).
POSTAL_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{0,10}[A-Za-z0-9]$")
DUE_DATE_YEARS = (2000, 2100)  # a form request's due date, first and last year

# A new password travels up to twice PASSWORD_MAX so the password policy, not the
# transport check, tells the person the real limit.
NEW_PASSWORD_MAX = 2 * PASSWORD_MAX
STAFF_USERNAME_MAX = 64
REVISION_MAX = 2**53 - 1       # a record's optimistic-concurrency revision (a JSON-safe integer)
AUDIT_EXPORT_MAX_ROWS = 5000   # events in one CSV export of the audit log (a longer range is cut)

# A clinic setting: name -> (type, lowest, highest).
SETTINGS_RANGES: dict[str, tuple[type, int, int]] = {
    "captcha_required": (bool, 0, 1),
    "captcha_after_failures": (int, 1, 100),
    "lockout_threshold": (int, 1, 100),
    "lockout_minutes": (int, 1, 24 * 60),
    "ip_failure_limit": (int, 1, 100_000),
    "idle_timeout_minutes": (int, 1, 24 * 60),
    "absolute_timeout_hours": (int, 1, 24 * 30),
    "password_min_length": (int, 8, 128),
    "password_min_classes": (int, 0, 4),
    "invitation_hours": (int, 1, 24 * 30),
    # Two-factor authentication required: for staff holding one of these roles (a
    # list of role names, none to all of them), and for every portal login.
    "mfa_required_roles": (list, 0, 16),
    "mfa_required_for_patients": (bool, 0, 1),
    # The topics a patient picks from when starting a conversation (1 to 12 short texts).
    "message_topics": (list, 1, MESSAGE_TOPICS_MAX),
    # A patient may cancel an appointment online only more than this many hours ahead.
    "cancellation_window_hours": (int, 0, 24 * 30),
    # Billing (sections/billing/settings.py): the clinic's own payment page (an https
    # URL of at most PAYMENT_URL_MAX characters, or null: "Call the clinic to pay") and
    # the currency of its statements (ISO 4217 code, default USD).
    "payment_url": (str, 0, 500),
    "currency": (str, 3, 3),
}

# Appointments (sections/appointments/)
APPOINTMENT_REASON_MAX = 500
APPOINTMENT_LOCATION_MAX = 200
APPOINTMENT_NOTE_MAX = 500
APPOINTMENT_PREFERRED_MAX = 500
VIDEO_LINK_MAX = 500
