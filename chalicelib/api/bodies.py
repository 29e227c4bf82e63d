"""Every JSON request body the API accepts, one class each (see `requests.py`).

docs/openapi.yaml documents the same fields; tests/api/test_openapi_bodies.py
fails when the two disagree."""
from __future__ import annotations

from dataclasses import make_dataclass

from chalicelib.api import patient_fields as pf
from chalicelib.api.fields import (
    Bool,
    Choice,
    ChoiceList,
    Date,
    Email,
    Int,
    Lenient,
    Name,
    Parser,
    Pattern,
    Text,
)
from chalicelib.api.requests import ABSENT, Body, optional, request_body, required
from chalicelib.core import limits


def _sections(*, nullable: bool = False):
    from chalicelib.portal_accounts.records import PORTAL_SECTIONS as sections

    return ChoiceList(sections, noun="portal section", nouns="sections", unknown_code="invalid_permission",
                      nullable=nullable)


def _access_types():
    from chalicelib.portal_accounts.records import ACCESS_TYPES

    return Choice(ACCESS_TYPES)


def _roles():
    from chalicelib.staff.roles import ROLES

    return ChoiceList(ROLES, noun="role", nouns="roles", non_empty=True, sort=True)


def _login_types():
    from chalicelib.auth.principals import LOGIN_TYPES

    return Choice(LOGIN_TYPES)


def _captcha_token(value) -> str:
    # Present but not (storable) text: refused by the CAPTCHA check like any bad token.
    from chalicelib.api.fields import unencodable

    return value if isinstance(value, str) and not unencodable(value) else ""


def _invitation_token(value) -> str:
    from chalicelib.api.fields import unencodable
    from chalicelib.people.invitations import token_invalid

    if not isinstance(value, str) or unencodable(value):
        raise token_invalid()
    return value


def _reset_token(value) -> str:
    from chalicelib.api.fields import unencodable
    from chalicelib.auth.password_reset import token_invalid

    if not isinstance(value, str) or unencodable(value):
        raise token_invalid()
    return value


REVISION = Int(0, limits.REVISION_MAX, message="{name} must be a whole number from {low} up.")
PATIENT_ID = Pattern(limits.PATIENT_ID_RE, "A patient id is 1 to 64 letters, digits, '-' or '_'.")
STAFF_USERNAME = Pattern(limits.STAFF_USERNAME_RE,
                         "A staff username is 2 to 64 letters, digits, '.', '-' or '_' (e.g. DoeJ).")


# ---------------------------------------------------------------- sign-in and one's own password

@request_body
class LoginBody(Body):
    login_type: str = required(_login_types())
    username: str = required(Text(limits.LOGIN_USERNAME_MAX, one_line=True, key=True))
    password: str = required(Text(limits.PASSWORD_MAX))
    captcha_token: str | None = optional(Lenient(_captcha_token))
    session_delivery: str = optional(Choice(("cookie", "bearer")), default="cookie")


@request_body
class PasswordChangeBody(Body):
    current_password: str = required(Text(limits.PASSWORD_MAX))
    new_password: str = required(Text(limits.NEW_PASSWORD_MAX, allow_empty=True))


# ---------------------------------------------------------------- two-factor authentication

MFA_CODE = Text(16, one_line=True)


@request_body
class MfaLoginBody(Body):
    """The second step of a login: the password step's token and a code or a recovery code."""
    mfa_token: str = required(Text(128, one_line=True))
    code: str | None = optional(MFA_CODE)
    recovery_code: str | None = optional(Text(32, one_line=True))
    session_delivery: str = optional(Choice(("cookie", "bearer")), default="cookie")


@request_body
class MfaCodeBody(Body):
    code: str = required(MFA_CODE)


@request_body
class MfaDisableBody(Body):
    """Turning 2FA off: the password or a current code."""
    password: str | None = optional(Text(limits.PASSWORD_MAX))
    code: str | None = optional(MFA_CODE)


# ---------------------------------------------------------------- forgot password / username

@request_body
class ForgotPasswordBody(Body):
    login_type: str = required(_login_types())
    username: str = required(Text(limits.LOGIN_USERNAME_MAX, one_line=True, key=True))


@request_body
class ForgotUsernameBody(Body):
    email: str = required(Email())


@request_body
class PasswordResetLookupBody(Body):
    token: str = required(Lenient(_reset_token, nullable=False))


@request_body
class PasswordResetBody(Body):
    token: str = required(Lenient(_reset_token, nullable=False))
    password: str = required(Text(limits.NEW_PASSWORD_MAX, allow_empty=True))


# ---------------------------------------------------------------- invitations

@request_body
class InvitationLookupBody(Body):
    token: str = required(Lenient(_invitation_token, nullable=False))


@request_body
class InvitationAcceptBody(Body):
    token: str = required(Lenient(_invitation_token, nullable=False))
    password: str = required(Text(limits.NEW_PASSWORD_MAX, allow_empty=True))


# ---------------------------------------------------------------- portal accounts

@request_body
class CreatePortalAccountBody(Body):
    patient_id: str = required(PATIENT_ID)
    username: str = required(Email())
    first_name: str = required(Name())
    last_name: str = required(Name())
    access_type: str = required(_access_types())
    force_password_change: bool | None = optional(Bool(nullable=True))
    permissions: list | None = optional(_sections(nullable=True))  # null: the access type's default
    send_invitation: bool | None = optional(Bool(nullable=True))
    expires_on: str | None = optional(Date(limits.DUE_DATE_YEARS))  # from this day on the access no longer works


@request_body
class ChangePortalAccountBody(Body):
    """PATCH: every field optional (ABSENT when not sent); at least one to change."""

    require_one = True
    first_name: str = optional(Name(), ABSENT)
    last_name: str = optional(Name(), ABSENT)
    access_type: str = optional(_access_types(), ABSENT)
    force_password_change: bool = optional(Bool(), ABSENT)
    permissions: list = optional(_sections(), ABSENT)
    expires_on: str | None = optional(Date(limits.DUE_DATE_YEARS), ABSENT)  # null: no end date
    revision: int = optional(REVISION, ABSENT)


# The Forms section's bodies: `form_bodies.py`.


# ---------------------------------------------------------------- staff

@request_body
class CreateStaffBody(Body):
    username: str = required(STAFF_USERNAME)
    first_name: str = required(Name())
    last_name: str = required(Name())
    roles: list = required(_roles())
    email: str | None = optional(Email(empty_is_none=True))
    portal_access: bool = optional(Bool(), default=True)
    force_password_change: bool | None = optional(Bool(nullable=True))
    send_invitation: bool = optional(Bool(), default=False)


@request_body
class ChangeStaffBody(Body):
    """PATCH: every field optional (ABSENT when not sent); email null or "" removes it."""

    require_one = True
    first_name: str = optional(Name(), ABSENT)
    last_name: str = optional(Name(), ABSENT)
    email: str | None = optional(Email(empty_is_none=True), ABSENT)
    roles: list = optional(_roles(), ABSENT)
    portal_access: bool = optional(Bool(), ABSENT)
    force_password_change: bool = optional(Bool(), ABSENT)
    revision: int = optional(REVISION, ABSENT)


# ---------------------------------------------------------------- patients

@request_body
class CreatePatientBody(Body):
    """A new patient. `patient_id` null or left out: the portal makes one."""

    patient_id: str | None = optional(pf.NewPatientId())
    first_name: str = required(pf.PersonName())
    last_name: str = required(pf.PersonName())
    date_of_birth: str = required(pf.BirthDate())
    email: str | None = optional(Email(empty_is_none=True))
    phone: str | None = optional(pf.Phone())
    address_line1: str | None = optional(pf.AddressText(limits.ADDRESS_LINE_MAX))
    address_line2: str | None = optional(pf.AddressText(limits.ADDRESS_LINE_MAX))
    city: str | None = optional(pf.AddressText(limits.CITY_MAX))
    region: str | None = optional(pf.AddressText(limits.REGION_MAX))
    postal_code: str | None = optional(pf.PostalCode())


@request_body
class ChangePatientBody(Body):
    """PATCH: every field optional (ABSENT when not sent); null or "" removes an
    optional one (email, phone, address). The patient id never changes."""

    require_one = True
    first_name: str = optional(pf.PersonName(), ABSENT)
    last_name: str = optional(pf.PersonName(), ABSENT)
    date_of_birth: str = optional(pf.BirthDate(), ABSENT)
    email: str | None = optional(Email(empty_is_none=True), ABSENT)
    phone: str | None = optional(pf.Phone(), ABSENT)
    address_line1: str | None = optional(pf.AddressText(limits.ADDRESS_LINE_MAX), ABSENT)
    address_line2: str | None = optional(pf.AddressText(limits.ADDRESS_LINE_MAX), ABSENT)
    city: str | None = optional(pf.AddressText(limits.CITY_MAX), ABSENT)
    region: str | None = optional(pf.AddressText(limits.REGION_MAX), ABSENT)
    postal_code: str | None = optional(pf.PostalCode(), ABSENT)
    revision: int = optional(REVISION, ABSENT)


# ---------------------------------------------------------------- clinic settings

class _Topics(Parser):
    """`message_topics`: a list of short one-line texts (sections/messages/topics.py)."""

    json_type = "array"

    def parse(self, name, value):
        from chalicelib.sections.messages.topics import clean_topics

        return clean_topics(value)


class _BillingSetting(Parser):
    """`payment_url` (https, or null to remove) and `currency` (sections/billing/settings.py)."""

    json_type = "string"

    def __init__(self, setting: str):
        self.setting = setting
        self.nullable = setting == "payment_url"

    def parse(self, name, value):
        from chalicelib.sections.billing.settings import clean_setting

        return clean_setting(self.setting, value)


def _setting(name: str):
    kind, low, high = limits.SETTINGS_RANGES[name]
    if name == "message_topics":
        return _Topics()
    if kind is str:
        return _BillingSetting(name)
    if kind is list:
        from chalicelib.staff.roles import ROLES

        return ChoiceList(ROLES, noun="role", nouns="roles", sort=True)
    if kind is bool:
        return Bool(message="settings.{name} must be true or false.")
    return Int(low, high, message="settings.{name} must be a whole number from {low} to {high}.")


ChangeSettingsBody = make_dataclass(
    "ChangeSettingsBody",
    [(name, object, optional(_setting(name), ABSENT)) for name in limits.SETTINGS_RANGES]
    + [("revision", object, optional(REVISION, ABSENT))],
    bases=(Body,), frozen=True, kw_only=True)
ChangeSettingsBody.__module__ = __name__
ChangeSettingsBody.__doc__ = ("PATCH: any clinic settings (ABSENT when not sent); the use case asks for at "
                              "least one.")

__all__ = ["ABSENT", "LoginBody", "PasswordChangeBody", "MfaLoginBody", "MfaCodeBody", "MfaDisableBody",
            "ForgotPasswordBody", "ForgotUsernameBody",
           "PasswordResetLookupBody", "PasswordResetBody", "InvitationLookupBody",
           "InvitationAcceptBody", "CreatePortalAccountBody", "ChangePortalAccountBody",
           "CreateStaffBody", "ChangeStaffBody", "CreatePatientBody", "ChangePatientBody",
           "ChangeSettingsBody"]
