"""Audit events: who did what, when, from where. Never a secret."""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from chalicelib.core.db import encode_cursor, page_start, query_page

PAGE_SIZE = 50
MAX_USER_AGENT = 256


@dataclass(frozen=True)
class RequestInfo:
    """Where a request came from, as the audit log records it."""
    source_ip: str | None = None
    user_agent: str | None = None


def actor(session) -> dict:
    """The audit `actor` of a signed-in person."""
    return {"kind": session.kind, "username": session.username}


def event(clinic_key: str, kind: str, *, info: RequestInfo | None = None, outcome: str | None = None,
          actor: dict | None = None, subject: dict | None = None, details: dict | None = None):
    """An unsaved audit event, to save alone (`record`) or inside a transaction."""
    from chalicelib.models import AuditEventModel

    at_us = time.time_ns() // 1000
    info = info or RequestInfo()
    return AuditEventModel(
        clinic_key, f"{at_us:016d}#{secrets.token_hex(6)}",
        at=at_us / 1_000_000, kind=kind, outcome=outcome, actor=actor or {},
        subject=subject, details=details, source_ip=info.source_ip,
        user_agent=(info.user_agent or "")[:MAX_USER_AGENT] or None,
    )


def record(clinic_key: str, kind: str, **kwargs) -> None:
    event(clinic_key, kind, **kwargs).save()


def _as_dict(value) -> dict | None:
    if value is None:
        return None
    return value.as_dict() if hasattr(value, "as_dict") else dict(value)


def list_events(clinic_key: str, clinic_id: str, cursor: str | None, limit: int = PAGE_SIZE) -> dict:
    """One page of a clinic's events, newest first: one DynamoDB Query."""
    from chalicelib.models import AuditEventModel

    keys = ("clinic_key", "event_key")
    start = page_start(cursor, hash_name="clinic_key", hash_value=clinic_key, key_names=keys)
    events, last_key = query_page(AuditEventModel, AuditEventModel.query, clinic_key, limit=limit,
                                  start=start, key_names=keys, scan_index_forward=False)
    items = []
    for ev in events:
        items.append({
            "event_id": ev.event_key,
            "clinic_id": clinic_id,
            "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ev.at)) + f".{int(ev.at * 1000) % 1000:03d}Z",
            "kind": ev.kind,
            "outcome": ev.outcome,
            "actor": _as_dict(ev.actor),
            "subject": _as_dict(ev.subject),
            "source_ip": ev.source_ip,
            "user_agent": ev.user_agent,
            "details": _as_dict(ev.details),
        })
    return {"items": items, "next_cursor": encode_cursor(last_key)}
