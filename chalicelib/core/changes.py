"""Helpers shared by the use cases through which staff change records: who acted,
timestamps, optimistic revisions. (Ending sessions: sessions.EndSessions; one-page
Queries: db.page_start / db.query_page.)"""
from __future__ import annotations

import time

from chalicelib.core.errors import Conflict


def actor(session) -> dict:
    """The audit `actor` of a signed-in person."""
    return {"kind": session.kind, "username": session.username}


def iso(ts) -> str | None:
    """Epoch seconds as an ISO 8601 UTC string (None stays None)."""
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(ts)))


# ---------------------------------------------------------------- revisions

def unchanged(model, key_attr, item):
    """Condition: the item still exists and nobody changed it since it was read.

    Every staff-side change bumps `revision` (`bump`), so a change made from a
    stale read fails instead of silently overwriting (and mis-auditing) another.
    """
    condition = key_attr.exists()
    if item.revision is None:
        return condition & model.revision.does_not_exist()
    return condition & (model.revision == item.revision)


def bump(model):
    return model.revision.add(1)


def stale(reload, not_found) -> Exception:
    """The error for a conditional write that failed: gone (404) or changed meanwhile (409)."""
    if reload() is None:
        return not_found
    return Conflict("Someone else changed this record at the same moment. Reload it and try again.",
                    code="conflict")


def changed_names(body: dict) -> dict:
    """The first/last name changes of a PATCH body, trimmed; 400 for anything but 1-100 characters of text."""
    from chalicelib.core.errors import InvalidRequest

    clean = {}
    for name in ("first_name", "last_name"):
        if name in body:
            value = body[name]
            if not isinstance(value, str) or not value.strip() or len(value) > 100 or "\x00" in value:
                raise InvalidRequest(f"{name} must be 1 to 100 characters of text.")
            clean[name] = value.strip()
    return clean
