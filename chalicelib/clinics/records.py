"""Clinics and their settings."""
from __future__ import annotations

from dataclasses import dataclass, fields

from chalicelib.core.db import is_conditional_failure
from chalicelib.core.errors import Conflict, InvalidRequest, NotFound
from chalicelib.core.ids import normalize_key, now
from chalicelib.core.limits import CLINIC_ID_RE


@dataclass(frozen=True)
class ClinicSettings:
    captcha_required: bool = False
    # Adaptive CAPTCHA (auth/adaptive_captcha.py): required after this many failures
    # for a username or from a source IP, even when not required always.
    captcha_after_failures: int = 3
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    ip_failure_limit: int = 100
    idle_timeout_minutes: int = 30
    absolute_timeout_hours: int = 12
    password_min_length: int = 12
    # Composition rule: how many of the four classes (lower, upper, digit, symbol)
    # a password must use. 0 = no composition rule (the default, as NIST 800-63B advises).
    password_min_classes: int = 0
    invitation_hours: int = 72
    mfa_required_roles: tuple = ()       # staff roles that must use two-factor authentication
    mfa_required_for_patients: bool = False
    # The topics a patient picks from when starting a conversation (sections/messages/topics.py).
    message_topics: tuple = ("Appointments", "Billing", "Ask my care team", "Other")
    # A patient cancels an appointment online only more than this many hours ahead.
    cancellation_window_hours: int = 24
    # Billing (sections/billing/settings.py): the clinic's payment page (https) or None,
    # and the currency of its statements.
    payment_url: str | None = None
    currency: str = "USD"

    def to_dict(self) -> dict:
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v) for f in fields(self)}


def _roles(name: str, value: object, where: str) -> list:
    """A list of distinct staff role names (stored sorted)."""
    from chalicelib.staff.roles import ROLES

    if not isinstance(value, list) or not all(isinstance(v, str) and v in ROLES for v in value):
        raise InvalidRequest(f"{where}.{name} must be a list of roles: {', '.join(ROLES)}.")
    return sorted(set(value))


def _stored(name: str, value):
    kind = _LIMITS[name][0]
    if kind is list:
        return tuple(str(v) for v in (value or []))
    if kind is str:
        return str(value) if value else None
    return bool(value) if kind is bool else int(value)


# name -> (type, lowest, highest), defined once in core.limits
from chalicelib.core.limits import SETTINGS_RANGES as _LIMITS  # noqa: E402


def validate_settings(values: object, *, where: str = "settings") -> dict:
    """Check a (partial) settings object; returns the clean values or raises InvalidRequest."""
    if not isinstance(values, dict):
        raise InvalidRequest(f"{where} must be an object.")
    clean = {}
    for name, value in values.items():
        if name not in _LIMITS:
            raise InvalidRequest(f"{where}: unknown setting {name!r}.")
        kind, low, high = _LIMITS[name]
        if name == "message_topics":
            from chalicelib.sections.messages.topics import clean_topics

            value = clean_topics(value, where)
        elif kind is str:
            from chalicelib.sections.billing.settings import clean_setting

            value = clean_setting(name, value, where)
        elif kind is list:
            value = _roles(name, value, where)
        elif kind is bool:
            if not isinstance(value, bool):
                raise InvalidRequest(f"{where}.{name} must be true or false.")
        elif isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidRequest(f"{where}.{name} must be a whole number from {low} to {high}.")
        clean[name] = value
    return clean


@dataclass(frozen=True)
class Clinic:
    clinic_key: str
    clinic_id: str
    name: str
    settings: ClinicSettings
    revision: int = 0  # bumped by every settings change

    @classmethod
    def from_model(cls, item) -> Clinic:
        stored = item.settings.as_dict() if hasattr(item.settings, "as_dict") else dict(item.settings or {})
        known = {k: _stored(k, v) for k, v in stored.items() if k in _LIMITS}
        if not known.get("currency", "USD"):
            known.pop("currency")
        return cls(item.clinic_key, item.clinic_id, item.name, ClinicSettings(**known), int(item.revision or 0))


def clinic_key(clinic_id: str) -> str:
    return normalize_key(clinic_id)


def check_clinic_id(clinic_id: object) -> str:
    if not isinstance(clinic_id, str) or not CLINIC_ID_RE.fullmatch(clinic_id):
        raise InvalidRequest("A Clinic ID is 1 to 64 letters, digits, '-' or '_'.")
    return clinic_id


def clinic_not_found() -> NotFound:
    return NotFound("No clinic has that Clinic ID. Check it with your clinic.", code="clinic_not_found")


def get_clinic(clinic_id: str) -> Clinic:
    from chalicelib.models import ClinicModel

    if not isinstance(clinic_id, str) or not CLINIC_ID_RE.fullmatch(clinic_id):
        raise clinic_not_found()
    try:
        return Clinic.from_model(ClinicModel.get(clinic_key(clinic_id)))
    except ClinicModel.DoesNotExist:
        raise clinic_not_found() from None


def create_clinic(clinic_id: str, name: str, settings: dict | None = None) -> Clinic:
    from pynamodb.exceptions import PutError

    from chalicelib.models import ClinicModel

    check_clinic_id(clinic_id)
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise InvalidRequest("A clinic name is 1 to 200 characters.")
    clean = validate_settings(settings or {})
    item = ClinicModel(clinic_key(clinic_id), clinic_id=clinic_id, name=name.strip(),
                       settings=clean, created_at=now())
    try:
        item.save(condition=ClinicModel.clinic_key.does_not_exist())
    except PutError as exc:
        if is_conditional_failure(exc):
            raise Conflict(f"Clinic {clinic_id} already exists.", code="clinic_exists") from None
        raise
    return Clinic.from_model(item)
