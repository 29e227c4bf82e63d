"""Helpers shared by the use cases through which staff change records: who acted,
timestamps, optimistic revisions. (Ending sessions: sessions.EndSessions; one-page
Queries: db.page_start / db.query_page.)"""
from __future__ import annotations

import time

from chalicelib.errors import Conflict


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
