"""Server-side sessions: opaque token, idle and absolute timeouts, revocable.

The token is `<principal ref>.<secret>`: the base64url of the session's principal
key ("<clinic_key>#<kind>#<subject_id>", the person's own record key) and a 256-bit
random secret. The client gets the token; only the SHA-256 of the whole token is
stored (as the session's key), so the reference cannot be changed without
missing the session, and the secret alone decides who holds it.

Revocation is a read, not a sweep: each person carries a `session_epoch`, the
session records it at login, and every request reads the session and the person's
record together in one TransactGetItems (strongly consistent). A session is live
only while the person exists, may still sign in, and has the same epoch; anything
that must end a person's sessions bumps the epoch in its own transaction
(`bump_epoch`). A forced password change is read from the person's record too, so
it reaches sessions already open. Ending sessions through the `by_principal`
index (`EndSessions`) is clean-up only.

`last_seen_at` is refreshed at most once per TOUCH_INTERVAL_S, so an active user
does not cost a write on every request.
"""
from __future__ import annotations

import base64
import binascii
import logging
import secrets
from datetime import UTC, datetime

from chalicelib.core.errors import NotAuthenticated
from chalicelib.core.ids import hash_token, now

log = logging.getLogger("portal")

TOUCH_INTERVAL_S = 60
MAX_TOKEN_LENGTH = 1024  # the reference to any principal key (<= ~300 bytes) and the secret fit
KINDS = ("staff", "patient")


def principal_key(clinic_key: str, kind: str, subject_id: str) -> str:
    return f"{clinic_key}#{kind}#{subject_id}"


def new_session_token(principal: str) -> tuple[str, str]:
    """(token, SHA-256 to store) for a session of `principal`."""
    ref = base64.urlsafe_b64encode(principal.encode("utf-8")).decode("ascii").rstrip("=")
    token = f"{ref}.{secrets.token_urlsafe(32)}"
    return token, hash_token(token)


def token_principal(token: str) -> tuple[str, str, str] | None:
    """(clinic_key, kind, subject_id) named by a token's reference, or None if it
    names none. Only a hint of which record to read with the session: the session
    found by the hash of the whole token must carry the same principal."""
    ref, dot, secret = token.partition(".")
    if not dot or not ref or not secret:
        return None
    try:
        principal = base64.urlsafe_b64decode(ref + "=" * (-len(ref) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    parts = principal.split("#")
    if len(parts) != 3 or not all(parts) or parts[1] not in KINDS:
        return None
    return parts[0], parts[1], parts[2]


def person_model(kind: str):
    from chalicelib.models import PortalAccountModel, StaffModel

    return StaffModel if kind == "staff" else PortalAccountModel


# ---------------------------------------------------------------- the session epoch

def epoch_of(item) -> int:
    return int(getattr(item, "session_epoch", None) or 0)


def bump_epoch(model, item) -> tuple[object, object, int]:
    """(update action, condition, new epoch) that end every session of the person
    behind `item` (as read): conditional on the epoch read, so two bumps racing each
    other cannot both set the same value."""
    current = getattr(item, "session_epoch", None)
    condition = (model.session_epoch.does_not_exist() if current is None
                 else model.session_epoch == current)
    new = epoch_of(item) + 1
    return model.session_epoch.set(new), condition, new


def session_live(session, person) -> bool:
    """The person behind a session still exists, may sign in, and has not ended
    their sessions since this one started."""
    if person is None or not person.is_active:
        return False
    if session.kind == "staff" and not person.portal_access:
        return False
    return epoch_of(person) == int(session.session_epoch or 0)


def _ttl(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


USER_AGENT_MAX = 512


def new_session(record, clinic, at: int, info=None):
    """(token, unsaved SessionModel) for a principal that just proved who it is;
    `info` (the login's RequestInfo) gives the browser and address it is listed with."""
    from chalicelib.models import SessionModel

    principal = principal_key(clinic.clinic_key, record.kind, record.subject_id)
    token, token_hash = new_session_token(principal)
    idle = clinic.settings.idle_timeout_minutes * 60
    absolute = at + clinic.settings.absolute_timeout_hours * 3600
    session = SessionModel(
        token_hash,
        principal_key=principal,
        clinic_key=clinic.clinic_key, clinic_id=clinic.clinic_id,
        kind=record.kind, subject_id=record.subject_id, username=record.username,
        display_name=record.display_name, roles=list(record.roles),
        permissions=list(record.permissions), patient_id=record.patient_id,
        access_type=record.access_type, patient_name=record.patient_name,
        password_change_required=bool(record.force_password_change),
        mfa_enrolment_required=_mfa_enrolment_required(record, clinic),
        session_epoch=epoch_of(record.item),
        created_at=at, last_seen_at=at, idle_timeout_s=idle,
        absolute_expires_at=absolute, expires_at=_ttl(min(absolute, at + idle)),
        session_id=secrets.token_urlsafe(12),
        user_agent=((info.user_agent or "")[:USER_AGENT_MAX] or None) if info else None,
        source_ip=(info.source_ip or None) if info else None,
    )
    return token, session


def _mfa_enrolment_required(record, clinic) -> bool:
    from chalicelib.auth.mfa import enrolled, required

    return required(clinic.settings, record.kind, record.roles) and not enrolled(record.item)


def touch_interval(idle_timeout_s: int) -> int:
    """How long a session goes between writes of `last_seen_at`: TOUCH_INTERVAL_S, or
    a quarter of a short idle timeout, so a session never ends more than that much
    before its idle timeout counted from the last request."""
    return max(1, min(TOUCH_INTERVAL_S, int(idle_timeout_s) // 4))


def _minutes(seconds: int) -> str:
    minutes = max(1, round(int(seconds) / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def expired_message(session, at: int) -> str:
    """What the person is told when a request meets their ended session."""
    if at >= session.absolute_expires_at:
        return "Your session reached its time limit, so you were signed out. Please log in again."
    return (f"You were signed out after {_minutes(session.idle_timeout_s)} without activity. "
            "Please log in again.")


def expires_in(session, at: int) -> int:
    """Seconds until the session ends unless it is used again (idle or absolute limit)."""
    return max(0, int(min(session.absolute_expires_at, session.last_seen_at + session.idle_timeout_s)) - at)


def session_expired(session, at: int) -> bool:
    return at >= session.absolute_expires_at or at >= session.last_seen_at + session.idle_timeout_s


def load_session(token: str | None):
    """The live session for a token, or NotAuthenticated: one TransactGetItems
    reads the session and the person's record (see the module doc). Expiry is
    checked on every read (DynamoDB's TTL deletes late). The session's
    `password_change_required` also follows a change forced since it started."""
    return _load(token, None)[0]


def load_patient_session(token: str | None, patient_id: str):
    """(session, login, grant or None): as `load_session`, and the login's grant for
    `patient_id` read in the same TransactGetItems (a portal login's grant key is
    derived from the login and the patient). Staff sessions get (session, None, None)."""
    return _load(token, patient_id)


def load_with(token: str | None, patient_id: str | None, extra_keys, *, touch: bool = True):
    """(session, login, grant, extras): as `load_patient_session` (or `load_session` with
    `patient_id` None), and more items read in the same TransactGetItems: `extra_keys(clinic_key,
    kind, subject_id)` returns (model, hash, range) tuples, known from the token alone, whose
    items (or None) come back as `extras` in order. A self-refreshing page's "has anything
    changed?" check is thus one DynamoDB request (sections/counters.py). `touch=False` (a
    background poll, not the person's activity) leaves `last_seen_at` alone, so a page left
    open still ends at the idle timeout."""
    return _load(token, patient_id, extra_keys, touch=touch)


def _load(token: str | None, patient_id: str | None, extra_keys=None, *, touch: bool = True):
    from pynamodb.exceptions import UpdateError

    from chalicelib.core.db import is_conditional_failure, transact_get
    from chalicelib.models import SessionModel

    unauthenticated = NotAuthenticated("Please log in.")
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise unauthenticated
    named = token_principal(token)
    if named is None:
        raise unauthenticated
    clinic_key, kind, subject_id = named
    requests = [(SessionModel, hash_token(token)), (person_model(kind), clinic_key, subject_id)]
    if patient_id is not None and kind == "patient":
        from chalicelib.models import AccessGrantModel
        from chalicelib.portal_accounts.grants import grant_id_for

        requests.append((AccessGrantModel, clinic_key, grant_id_for(subject_id, patient_id)))
    fixed = len(requests)
    if extra_keys is not None:
        requests.extend(extra_keys(clinic_key, kind, subject_id))
    session, person, *rest = transact_get(*requests)
    grant, extras = rest[:fixed - 2], rest[fixed - 2:]
    if session is None or session.principal_key != principal_key(clinic_key, kind, subject_id):
        raise unauthenticated
    if not session_live(session, person):
        raise unauthenticated  # disabled, deleted, reset, access changed: ended
    at = now()
    if session_expired(session, at):
        raise NotAuthenticated(expired_message(session, at), code="session_expired")
    if touch and at - session.last_seen_at >= touch_interval(session.idle_timeout_s):
        expires = _ttl(min(session.absolute_expires_at, at + session.idle_timeout_s))
        try:
            session.update(actions=[SessionModel.last_seen_at.set(at), SessionModel.expires_at.set(expires)],
                           condition=SessionModel.token_hash.exists())
        except UpdateError as exc:
            if not is_conditional_failure(exc):
                raise  # DynamoDB unavailable: a 503, never "logged out"
            raise unauthenticated from None  # ended concurrently (logout, revocation)
    if person.force_password_change:
        session.password_change_required = True
    if getattr(person, "mfa_secret", None):
        session.mfa_enrolment_required = False   # enrolled since (in another session)
    loaded = session, (person if kind == "patient" else None), (grant[0] if grant else None)
    return (*loaded, extras) if extra_keys is not None else loaded


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
        """Best effort, after the change committed: the sessions are already refused
        (the epoch, or the deleted record, decides), so a DynamoDB failure here only
        leaves items for TTL; it must not turn a committed change into an error."""
        from chalicelib.core.db import is_dependency_failure

        done = {s.token_hash for s in self._in_tx}
        try:
            rest = [s for s in other_sessions(self.principal, keep_hash=self.keep_hash)
                    if s.token_hash not in done]
            if rest:
                end_sessions(rest)
        except Exception as exc:
            if not is_dependency_failure(exc):
                raise
            log.warning("sessions not swept after a change: %s", type(exc).__name__)
