"""Server-side sessions: opaque token, idle and absolute timeouts, revocable.

The token goes to the client; only its SHA-256 is stored. Reading a session is
one GetItem. `last_seen_at` is refreshed at most once per TOUCH_INTERVAL_S, so an
active user does not cost a write on every request.
"""
from __future__ import annotations

from datetime import datetime, timezone

from chalicelib.core.errors import NotAuthenticated
from chalicelib.core.ids import hash_token, new_token, now

TOUCH_INTERVAL_S = 60
MAX_TOKEN_LENGTH = 128


def principal_key(clinic_key: str, kind: str, subject_id: str) -> str:
    return f"{clinic_key}#{kind}#{subject_id}"


def _ttl(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def new_session(record, clinic, at: int):
    """(token, unsaved SessionModel) for a principal that just proved who it is."""
    from chalicelib.models import SessionModel

    token, token_hash = new_token()
    idle = clinic.settings.idle_timeout_minutes * 60
    absolute = at + clinic.settings.absolute_timeout_hours * 3600
    session = SessionModel(
        token_hash,
        principal_key=principal_key(clinic.clinic_key, record.kind, record.subject_id),
        clinic_key=clinic.clinic_key, clinic_id=clinic.clinic_id,
        kind=record.kind, subject_id=record.subject_id, username=record.username,
        display_name=record.display_name, roles=list(record.roles),
        permissions=list(record.permissions), patient_id=record.patient_id,
        access_type=record.access_type,
        password_change_required=bool(record.force_password_change),
        created_at=at, last_seen_at=at, idle_timeout_s=idle,
        absolute_expires_at=absolute, expires_at=_ttl(min(absolute, at + idle)),
    )
    return token, session


def session_expired(session, at: int) -> bool:
    return at >= session.absolute_expires_at or at >= session.last_seen_at + session.idle_timeout_s


def load_session(token: str | None):
    """The live session for a token, or NotAuthenticated. Expiry is checked on
    every read (DynamoDB's TTL deletes late)."""
    from pynamodb.exceptions import UpdateError

    from chalicelib.models import SessionModel

    unauthenticated = NotAuthenticated("Please log in.")
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise unauthenticated
    try:
        session = SessionModel.get(hash_token(token))
    except SessionModel.DoesNotExist:
        raise unauthenticated from None
    at = now()
    if session_expired(session, at):
        raise NotAuthenticated("Your session has ended. Please log in again.", code="session_expired")
    if at - session.last_seen_at >= TOUCH_INTERVAL_S:
        expires = _ttl(min(session.absolute_expires_at, at + session.idle_timeout_s))
        try:
            session.update(actions=[SessionModel.last_seen_at.set(at), SessionModel.expires_at.set(expires)],
                           condition=SessionModel.token_hash.exists())
        except UpdateError:
            raise unauthenticated from None  # ended concurrently (logout, revocation)
    return session


def other_sessions(principal: str, keep_hash: str | None = None) -> list:
    """Sessions of a principal other than `keep_hash` (keys only, from the index)."""
    from chalicelib.models import SessionModel

    return [s for s in SessionModel.by_principal.query(principal) if s.token_hash != keep_hash]


def delete_sessions(tw, sessions) -> None:
    """Add deletes of the given sessions to a TransactWrite."""
    from chalicelib.models import SessionModel

    for s in sessions:
        tw.delete(SessionModel(s.token_hash))


TRANSACTION_ROOM = 90  # TransactWriteItems takes 100 items; leave room for the rest


def end_sessions(sessions) -> None:
    """Delete sessions outside a transaction (the overflow past TRANSACTION_ROOM)."""
    from chalicelib.models import SessionModel

    with SessionModel.batch_write() as batch:
        for s in sessions:
            batch.delete(SessionModel(s.token_hash))


class EndSessions:
    """End every session of one principal (but `keep_hash`) as part of a change.

    Up to TRANSACTION_ROOM sessions are deleted inside the change's transaction
    (`add_to`); after it commits, `finish()` ends the rest and sweeps once more for
    a session that started between our read and our commit (a login's own write is
    conditional on the state we just changed, so nothing newer can appear)."""

    def __init__(self, principal: str, *, keep_hash: str | None = None, room: int = TRANSACTION_ROOM):
        self.principal = principal
        self.keep_hash = keep_hash
        found = other_sessions(principal, keep_hash=keep_hash)
        self.count = len(found)
        self._in_tx, self._overflow = found[:room], found[room:]

    def add_to(self, tw) -> None:
        delete_sessions(tw, self._in_tx)

    def finish(self) -> None:
        done = {s.token_hash for s in self._in_tx}
        rest = [s for s in other_sessions(self.principal, keep_hash=self.keep_hash)
                if s.token_hash not in done]
        if rest:
            end_sessions(rest)
