"""A signed-in person's own two-factor authentication: set it up (a secret, shown
once as a QR code and as text, kept pending until a right code confirms it),
make new recovery codes, turn it off; and an administrator's reset of it.

Every check of a code or password here counts like a login attempt (lockout.py:
the slot is taken before the check, a wrong one is a counted failure), as a
password change does. Each change is one `core.records.write` transaction with
its audit event (never the secret, a code or a recovery code); a security email
follows, best effort.
"""
from __future__ import annotations

from chalicelib.auth import principals
from chalicelib.auth.mfa import enrolled, principal_of, required
from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import Conflict, InvalidRequest, NotAuthenticated, TooManyAttempts
from chalicelib.core.ids import now

LOCKED = "Too many failed attempts. Wait a while before trying again."


def _load(session):
    from chalicelib.clinics.records import get_clinic

    clinic = get_clinic(session.clinic_id)
    record = principals.load(session.kind, session.clinic_key, session.subject_id)
    if record is None or not record.active:
        raise NotAuthenticated("Please log in.")
    return clinic, record


def _actor(session) -> dict:
    return {"kind": session.kind, "username": session.username}


def _subject(record) -> dict:
    return {"kind": record.kind, "id": record.subject_id, "username": record.username}


def status(session) -> dict:
    clinic, record = _load(session)
    return {"enabled": enrolled(record.item), "required": required(clinic.settings, record.kind, record.roles),
            "recovery_codes_left": len(record.item.mfa_recovery or ())}


def start(session, info: RequestInfo) -> dict:
    """A new secret, pending until confirmed (a second start replaces it)."""
    from chalicelib.auth import mfa_secrets
    from chalicelib.core.records import write

    clinic, record = _load(session)
    if enrolled(record.item):
        raise Conflict("Two-factor authentication is already on. Turn it off first to set it up again.",
                       code="mfa_already_enabled")
    secret = mfa_secrets.new_secret()
    sealed = mfa_secrets.seal(secret, clinic.clinic_key, principal_of(record))
    model = type(record.item)
    item, actions, condition = principals.credential_update(record, [model.mfa_pending_secret.set(sealed)])
    condition &= model.mfa_secret.does_not_exist()

    def build(tx):
        tx.update("record", item, actions=actions, condition=condition)

    write(build, failed={"record": _changed})
    uri = mfa_secrets.uri(secret, record.username, clinic.name)
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": mfa_secrets.qr_svg(uri)}


def _changed() -> Conflict:
    return Conflict("Your account changed at the same moment. Please start again.", code="conflict")


class _Guess:
    """A code or password check that counts like a login attempt (as a password change does)."""

    def __init__(self, clinic, record, info: RequestInfo, at: int):
        from chalicelib.auth import lockout
        from chalicelib.models import LoginCounterModel

        key = lockout.user_counter_key(clinic.clinic_key, record.kind, record.item.username_key)
        try:
            counter = LoginCounterModel.get(key, consistent_read=True)
        except LoginCounterModel.DoesNotExist:
            counter = None
        wait = lockout.lock_seconds_left(counter, clinic.settings, at)
        self.attempt = lockout.Attempt(clinic.clinic_key, record.kind, record.item.username_key,
                                       info.source_ip or "unknown", at, clinic.settings, counter, ip_slot=False)
        wait = wait or self.attempt.take()
        if wait:
            raise TooManyAttempts(LOCKED, retry_after=wait)
        self.clinic, self.record, self.info = clinic, record, info

    def wrong(self, event: str, actor: dict, message: str):
        from chalicelib.auth.mfa_check import count_failure

        count_failure(self.clinic, self.record, self.attempt, self.info, actor, "wrong_code", event=event)
        # 400, as a wrong current password is: a 401 would read as "signed out".
        return InvalidRequest(message, code="mfa_code_invalid")


WRONG = "That code is not correct. Check your authenticator app and try again."


def confirm(session, code: str, info: RequestInfo) -> list[str]:
    """A right code for the pending secret turns 2FA on; returns the recovery codes (shown once)."""
    from chalicelib.auth import mfa_secrets
    from chalicelib.auth.mfa_check import used_code

    clinic, record = _load(session)
    item = record.item
    if enrolled(item) or not item.mfa_pending_secret:
        raise Conflict("Start the set-up again: there is no set-up waiting for a code.", code="mfa_not_pending")
    at = now()
    model = type(item)
    guess = _Guess(clinic, record, info, at)
    with guess.attempt.held():
        secret = mfa_secrets.unseal(item.mfa_pending_secret, clinic.clinic_key, principal_of(record))
        proof = used_code(model, item, secret, code, at, model.mfa_pending_secret == item.mfa_pending_secret)
        if proof is None:
            raise guess.wrong("mfa_enabled", _actor(session), WRONG)
        codes = mfa_secrets.new_recovery_codes()
        _commit(session, clinic, record, guess, "mfa_enabled", proof, [
            model.mfa_secret.set(item.mfa_pending_secret), model.mfa_pending_secret.remove(),
            model.mfa_recovery.set({mfa_secrets.recovery_hash(c) for c in codes}), model.mfa_enabled_at.set(at)],
            clear_session=True)
    _notify(clinic, record, "enabled")
    return codes


def regenerate(session, code: str, info: RequestInfo) -> list[str]:
    """New recovery codes after a fresh code check; the old ones stop working."""
    from chalicelib.auth import mfa_secrets
    from chalicelib.auth.mfa_check import verify

    clinic, record = _load(session)
    if not enrolled(record.item):
        raise Conflict("Two-factor authentication is off.", code="mfa_not_enabled")
    at = now()
    guess = _Guess(clinic, record, info, at)
    with guess.attempt.held():
        proof = verify(record, code, None, at)
        if proof is None:
            raise guess.wrong("mfa_recovery_codes_regenerated", _actor(session), WRONG)
        codes = mfa_secrets.new_recovery_codes()
        model = type(record.item)
        _commit(session, clinic, record, guess, "mfa_recovery_codes_regenerated", proof,
                [model.mfa_recovery.set({mfa_secrets.recovery_hash(c) for c in codes})])
    _notify(clinic, record, "recovery_codes")
    return codes


def disable(session, password: str | None, code: str | None, info: RequestInfo) -> None:
    """Turn 2FA off with the password or a current code (not while the clinic requires it)."""
    from chalicelib.auth.mfa_check import Proof, verify
    from chalicelib.auth.passwords import verify_password

    if (password is None) == (code is None):
        raise InvalidRequest("Send your password or a code from your authenticator app.")
    clinic, record = _load(session)
    if not enrolled(record.item):
        raise Conflict("Two-factor authentication is off.", code="mfa_not_enabled")
    if required(clinic.settings, record.kind, record.roles):
        raise Conflict(f"{clinic.name} requires two-factor authentication for your account.",
                       code="mfa_required_by_clinic")
    at = now()
    model = type(record.item)
    guess = _Guess(clinic, record, info, at)
    with guess.attempt.held():
        if password is not None:
            matches, _ = verify_password(record.password_hash, password)
            proof = Proof([], model.mfa_secret == record.item.mfa_secret, "password") if matches else None
        else:
            proof = verify(record, code, None, at)
        if proof is None:
            raise guess.wrong("mfa_disabled", _actor(session), "That password or code is not correct.")
        _commit(session, clinic, record, guess, "mfa_disabled", proof, clear_actions(model))
    _notify(clinic, record, "disabled")


def clear_actions(model) -> list:
    return [model.mfa_secret.remove(), model.mfa_pending_secret.remove(), model.mfa_last_step.remove(),
            model.mfa_recovery.remove(), model.mfa_enabled_at.remove()]


def _commit(session, clinic, record, guess, event: str, proof, actions: list, *, clear_session=False) -> None:
    from chalicelib.core.records import write
    from chalicelib.models import SessionModel

    item, actions, condition = principals.credential_update(record, actions + proof.actions)
    condition &= proof.condition
    details = {"method": proof.method} if proof.method != "code" else None

    def build(tx):
        tx.update("record", item, actions=actions, condition=condition)
        if clear_session and session.mfa_enrolment_required:
            tx.update("session", session, actions=[SessionModel.mfa_enrolment_required.set(False)],
                      condition=SessionModel.token_hash.exists())
        guess.attempt.released(tx)
        tx.audit(audit.event(clinic.clinic_key, event, info=guess.info, outcome="succeeded",
                             actor=_actor(session), subject=_subject(record), details=details))

    from chalicelib.auth.mfa_check import Replayed

    try:
        write(build, failed={"record": Replayed, "session": _changed})
    except Replayed:
        raise guess.wrong(event, _actor(session), WRONG) from None
    guess.attempt.settled = True


def _notify(clinic, record, what: str) -> None:
    if record.email:
        from chalicelib.auth.account_emails import mfa_email, send_notice

        send_notice(mfa_email(clinic, what, login_type=record.kind, to=record.email,
                              first_name=record.first_name, username=record.username))
