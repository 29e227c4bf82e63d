"""Proving who you are again, inside a session, before a sensitive change (adding
a passkey): the password, or a code from the authenticator app when 2FA is on.

`POST /api/me/reauth` checks it like a login attempt (the slot is taken on the
username counter before the check, a wrong one is a counted failure; as a
password change does) and stamps the session's `reauth_at` in the same
transaction as the audit event. A check is *recent* for RECENT_S: counted from
`reauth_at`, or from the session's start (the login itself was a password, 2FA
or passkey check)."""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import Forbidden, InvalidRequest
from chalicelib.core.ids import now

RECENT_S = 10 * 60
WRONG = "That password or code is not correct."


def recent_until(session) -> int:
    """Until when the session's last check counts as recent (epoch seconds)."""
    return max(int(session.created_at or 0), int(getattr(session, "reauth_at", None) or 0)) + RECENT_S


def require_recent(session, at: int | None = None) -> None:
    if (at if at is not None else now()) >= recent_until(session):
        raise Forbidden("Confirm it's you first: enter your password (or a code from your authenticator "
                        "app) again.", code="reauth_required")


def _signed_out():
    from chalicelib.core.errors import NotAuthenticated

    return NotAuthenticated("Please log in.")


def reauthenticate(session, password: str | None, code: str | None, info: RequestInfo) -> int:
    """Check the password (or a 2FA code); returns the new `recent_until`."""
    from chalicelib.auth.mfa import enrolled
    from chalicelib.auth.mfa_account import _actor, _Guess, _load, _subject
    from chalicelib.auth.mfa_check import Replayed, count_failure, verify
    from chalicelib.auth.passwords import verify_password
    from chalicelib.core.records import write
    from chalicelib.models import SessionModel

    if (password is None) == (code is None):
        raise InvalidRequest("Send your password or a code from your authenticator app.")
    clinic, record = _load(session)
    at = now()
    guess = _Guess(clinic, record, info, at)
    actor = _actor(session)
    with guess.attempt.held():
        if password is not None:
            matches, _ = verify_password(record.password_hash, password)
            proof = None
        else:
            proof = verify(record, code, None, at) if enrolled(record.item) else None
            matches = proof is not None
        if not matches:
            count_failure(clinic, record, guess.attempt, info, actor, "wrong_password_or_code", event="reauth")
            raise InvalidRequest(WRONG, code="reauth_invalid")
        def build(tx):
            tx.update("session", session, actions=[SessionModel.reauth_at.set(at)],
                      condition=SessionModel.token_hash.exists())
            if proof is not None:   # a code works once (mfa_last_step moves on)
                tx.update("record", record.item, actions=proof.actions, condition=proof.condition)
            guess.attempt.released(tx)
            tx.audit(audit.event(clinic.clinic_key, "reauth", info=info, outcome="succeeded", actor=actor,
                                 subject=_subject(record),
                                 details={"method": "password" if password is not None else "code"}))

        try:
            write(build, failed={"record": Replayed, "session": _signed_out})
        except Replayed:
            count_failure(clinic, record, guess.attempt, info, actor, "code_already_used", event="reauth")
            raise InvalidRequest(WRONG, code="reauth_invalid") from None
        guess.attempt.settled = True
    session.reauth_at = at
    return recent_until(session)
