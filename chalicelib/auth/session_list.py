"""Where you're signed in: a person's live sessions, and ending them.

Listing costs one Query on the sessions' `by_principal` index (keys only) and
one BatchGetItem of those sessions (at most MAX_LISTED; never a Scan). A session
is listed while it is live: not expired, and started in the person's current
session epoch (sessions.py). Each shows the browser and system of the login
(user_agents.py), the address it came from, when it started and when it was
last used: `last_seen_at`, which a request refreshes at most once per
`sessions.touch_interval` (60 s, or a quarter of a short idle timeout), so "last
used" is accurate to that much and costs no write per request.

URLs name a session by its opaque `session_id` (a random id stored on it at
login), never by the token or its hash. Ending one looks it up among *that
person's* sessions only, so another person's id (or another clinic's) answers
the same 404 as an unknown id. The delete and its audit event are one
transaction, conditional on the session still existing.
"""
from __future__ import annotations

from chalicelib.auth import sessions, user_agents
from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import NotFound
from chalicelib.core.ids import iso, now

MAX_LISTED = 100


def session_not_found() -> NotFound:
    return NotFound("That session has already ended.", code="session_not_found")


def live_sessions(principal: str, epoch: int) -> list:
    """The live sessions of a principal, most recently used first."""
    from chalicelib.models import SessionModel

    keys = [s.token_hash for s in SessionModel.by_principal.query(principal, limit=MAX_LISTED)]
    if not keys:
        return []
    at = now()
    found = [s for s in SessionModel.batch_get(keys, consistent_read=True)
             if s.principal_key == principal and int(s.session_epoch or 0) == epoch
             and not sessions.session_expired(s, at)]
    return sorted(found, key=lambda s: (-int(s.last_seen_at), s.session_id or ""))


def describe(session, current_hash: str | None) -> dict:
    browser, system = user_agents.describe(session.user_agent)
    return {"session_id": session.session_id, "browser": browser, "os": system,
            "source_ip": session.source_ip, "started_at": iso(session.created_at),
            "last_used_at": iso(session.last_seen_at), "this_device": session.token_hash == current_hash}


def _find(principal: str, epoch: int, session_id: object):
    if isinstance(session_id, str) and session_id:
        for s in live_sessions(principal, epoch):
            if s.session_id == session_id:
                return s
    raise session_not_found()


def _end(target, event) -> None:
    from chalicelib.core.records import write
    from chalicelib.models import SessionModel

    def build(tx):
        tx.delete("session", target, condition=SessionModel.token_hash.exists())
        tx.audit(event)

    write(build, failed={"session": session_not_found})


# ------------------------------------------------------------ one's own sessions

def own(session) -> list[dict]:
    return [describe(s, session.token_hash)
            for s in live_sessions(session.principal_key, int(session.session_epoch or 0))]


def end_own(session, session_id: object, info: RequestInfo) -> bool:
    """Sign out one of one's own sessions; True when it was this one (a logout)."""
    target = _find(session.principal_key, int(session.session_epoch or 0), session_id)
    _end(target, audit.event(session.clinic_key, "session_ended", info=info, outcome="succeeded",
                             actor=audit.actor(session), details=_where(target)))
    return target.token_hash == session.token_hash


def end_others(session, info: RequestInfo) -> int:
    """Sign out everywhere else; how many sessions ended."""
    from chalicelib.core.records import write

    ending = sessions.EndSessions(session.principal_key, keep_hash=session.token_hash)

    def build(tx):
        tx.audit(audit.event(session.clinic_key, "sessions_ended_elsewhere", info=info, outcome="succeeded",
                             actor=audit.actor(session), details={"sessions_ended": ending.count}))
        ending.add_to(tx)

    write(build)
    ending.finish()
    return ending.count


def _where(target) -> dict:
    browser, system = user_agents.describe(target.user_agent)
    return {"browser": browser, "os": system}


# ------------------------------------------------------------ a staff member's, for admins

def _staff(clinic, username: str):
    from chalicelib.staff.admin import KIND, get_staff

    item = get_staff(clinic.clinic_key, username)
    return item, KIND.principal(item)


def of_staff(clinic, username: str) -> list[dict]:
    item, principal = _staff(clinic, username)
    return [describe(s, None) for s in live_sessions(principal, sessions.epoch_of(item))]


def end_staff_session(admin, clinic, username: str, session_id: object, info: RequestInfo) -> None:
    from chalicelib.staff.admin import KIND

    item, principal = _staff(clinic, username)
    target = _find(principal, sessions.epoch_of(item), session_id)
    _end(target, audit.event(clinic.clinic_key, "staff_session_ended", info=info, outcome="succeeded",
                             actor=audit.actor(admin), subject=KIND.subject(item), details=_where(target)))
