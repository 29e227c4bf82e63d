"""Signing in with two-factor authentication (TOTP, RFC 6238): the second step.

A person with 2FA on who gives the right password gets no session: the password
step (login.py calls `challenge`) releases its lockout slot without resetting the
count, stores an `mfa_token` (only its SHA-256, kind `mfa_<login type>`, 5 minutes,
bound to the person, the clinic and the person's session epoch) and answers
`{"mfa_required": true, "mfa_token"}`. `second_step` then takes the token and a
code (or a recovery code) and starts the session exactly as a password login does.

Counting before checking, as for passwords (lockout.py): a code takes a slot on
the same username counter before it is checked, a wrong one counts as a failed
login, and the step is refused while the username is locked. A code works once:
the session's TransactWrite sets the record's `mfa_last_step` conditional on it
being older than the code's step (and deletes the token conditionally, and a
recovery code's hash conditional on it still being there), so of two requests
racing with the same code only one can commit.
"""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import InvalidCredentials, InvalidRequest, TooManyAttempts

TOKEN_MINUTES = 5
TOKEN_KINDS = ("mfa_staff", "mfa_patient")

TOKEN_INVALID_MESSAGE = ("Your sign-in took too long or was already finished. "  # noqa: S105 (a message)
                         "Log in again with your username and password.")
CODE_INVALID_MESSAGE = "That code is not correct. Check your authenticator app and try again."


def token_invalid() -> InvalidRequest:
    return InvalidRequest(TOKEN_INVALID_MESSAGE, code="mfa_token_invalid")


def code_invalid() -> InvalidCredentials:
    return InvalidCredentials(CODE_INVALID_MESSAGE, code="mfa_code_invalid")


def enrolled(item) -> bool:
    return bool(getattr(item, "mfa_secret", None))


def required(settings, kind: str, roles) -> bool:
    """The clinic requires 2FA of this person (staff by role, portal logins all or none)."""
    if kind == "patient":
        return bool(settings.mfa_required_for_patients)
    return bool(set(roles or ()) & set(settings.mfa_required_roles))


def principal_of(record) -> str:
    from chalicelib.auth.sessions import principal_key

    return principal_key(record.item.clinic_key, record.kind, record.subject_id)


# ---------------------------------------------------------------- the password step

class Challenge:
    """What the password step answers when a second step is needed."""

    def __init__(self, mfa_token: str):
        self.mfa_token = mfa_token


def challenge(clinic, login_type, record, attempt, info, at, actor, trust) -> Challenge:
    """The right password of a person with 2FA on: the slot is given back (the count
    is not reset: only a full sign-in does that), a token for the second step is stored."""
    from datetime import UTC, datetime

    from chalicelib.auth import devices
    from chalicelib.auth.sessions import epoch_of
    from chalicelib.core.ids import new_token
    from chalicelib.core.records import write
    from chalicelib.models import TokenModel

    token, token_hash = new_token()
    item = TokenModel(token_hash, kind=f"mfa_{login_type}", clinic_key=clinic.clinic_key,
                      subject_id=record.subject_id, created_at=at, session_epoch=epoch_of(record.item),
                      device_trusted=trust == devices.TRUSTED,
                      expires_at=datetime.fromtimestamp(at + TOKEN_MINUTES * 60, tz=UTC))

    def build(tx):
        attempt.released(tx)
        tx.save("token", item)
        tx.audit(audit.event(clinic.clinic_key, "login", info=info, outcome="mfa_required", actor=actor,
                             subject={"kind": record.kind, "id": record.subject_id}, details={"device": trust}))

    write(build)
    attempt.settled = True
    return Challenge(token)


# ---------------------------------------------------------------- the second step

def _read_token(clinic_key: str, mfa_token: object, at: int):
    from chalicelib.core.ids import hash_token
    from chalicelib.models import TokenModel

    if not isinstance(mfa_token, str) or not 20 <= len(mfa_token) <= 128:
        raise token_invalid()
    try:
        item = TokenModel.get(hash_token(mfa_token), consistent_read=True)
    except TokenModel.DoesNotExist:
        raise token_invalid() from None
    if (item.kind not in TOKEN_KINDS or item.clinic_key != clinic_key
            or int(item.expires_at.timestamp()) <= at):
        raise token_invalid()
    return item


def second_step(clinic_id: str, mfa_token: object, code: object, recovery_code: object, info: RequestInfo,
                *, issue_device: bool = False):
    """The session (a login.LoginResult) for a live token and a right code."""
    from chalicelib.auth import devices, lockout, principals
    from chalicelib.auth.login import LOCKED_MESSAGE
    from chalicelib.auth.sessions import epoch_of, person_model
    from chalicelib.clinics.records import CLINIC_ID_RE, Clinic, clinic_not_found
    from chalicelib.clinics.records import clinic_key as make_clinic_key
    from chalicelib.core.db import transact_get
    from chalicelib.core.ids import now
    from chalicelib.models import ClinicModel, LoginCounterModel

    if not CLINIC_ID_RE.fullmatch(clinic_id):
        raise clinic_not_found()
    ckey, at = make_clinic_key(clinic_id), now()
    token = _read_token(ckey, mfa_token, at)
    login_type = token.kind.removeprefix("mfa_")
    ip = info.source_ip or "unknown"
    clinic_item, person, ip_counter = transact_get(
        (ClinicModel, ckey), (person_model(login_type), ckey, token.subject_id),
        (LoginCounterModel, lockout.ip_counter_key(ckey, ip, at)))
    if clinic_item is None or person is None:
        raise token_invalid()
    clinic = Clinic.from_model(clinic_item)
    record = (principals.from_staff if login_type == "staff" else principals.from_account)(person)
    if not record.active or epoch_of(person) != int(token.session_epoch or 0) or not enrolled(person):
        raise token_invalid()   # disabled, signed out everywhere, 2FA reset since the password step
    ukey = person.username_key
    counter = _counter(lockout.user_counter_key(ckey, login_type, ukey))
    actor = {"kind": login_type, "username": record.username}
    wait = max(lockout.ip_seconds_left(ip_counter, clinic.settings, at),
               lockout.lock_seconds_left(counter, clinic.settings, at))
    if not wait:
        attempt = lockout.Attempt(ckey, login_type, ukey, ip, at, clinic.settings, counter, ip_counter)
        wait = attempt.take()
    if wait:
        audit.record(ckey, "login", info=info, outcome="locked", actor=actor, details={"step": "mfa"})
        raise TooManyAttempts(LOCKED_MESSAGE, retry_after=wait)
    with attempt.held():
        from chalicelib.auth.mfa_check import check_and_sign_in

        device = devices.new_device(record, ckey, login_type, ukey, at) if issue_device else None
        return check_and_sign_in(clinic, record, token, code, recovery_code, attempt, info, at, actor, device)


def _counter(key: str):
    from chalicelib.models import LoginCounterModel

    try:
        return LoginCounterModel.get(key, consistent_read=True)
    except LoginCounterModel.DoesNotExist:
        return None
