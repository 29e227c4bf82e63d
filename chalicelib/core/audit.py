"""Audit events: who did what, when, from where. Never a secret. (Reading them:
`core.audit_search`; in words: `core.audit_words`.)"""
from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

MAX_USER_AGENT = 256


@dataclass(frozen=True)
class RequestInfo:
    """Where a request came from, as the audit log records it."""
    source_ip: str | None = None
    user_agent: str | None = None


def actor(session) -> dict:
    """The audit `actor` of a signed-in person (with the name they had then, for the audit page)."""
    out = {"kind": session.kind, "username": session.username}
    if getattr(session, "display_name", None):
        out["name"] = session.display_name
    return out


def person_ref(clinic_key: str, username) -> str | None:
    """The key the audit indexes file a person under: their username, normalized. Staff
    usernames never hold "@" and portal usernames are emails, so the two never meet."""
    from chalicelib.core.ids import normalize_key
    from chalicelib.core.limits import KEY_MAX_BYTES

    if not isinstance(username, str) or not username.strip():
        return None
    key = normalize_key(username)
    if len(key.encode("utf-8")) > KEY_MAX_BYTES:
        return None   # no one's username (a typed one that long is not indexed)
    return f"{clinic_key}#{key}"


def _subject_username(subject: dict | None):
    """A subject's username: given, or (staff) its id, which is the normalized username."""
    if not subject:
        return None
    if subject.get("username"):
        return subject["username"]
    return subject.get("id") if subject.get("kind") == "staff" else None


def patient_ref(clinic_key: str, patient_id) -> str | None:
    """The key the `by_patient` index files an event about a patient under."""
    from chalicelib.core.limits import PATIENT_ID_RE

    if not isinstance(patient_id, str) or not PATIENT_ID_RE.fullmatch(patient_id):
        return None
    return f"{clinic_key}#{patient_id}"


def event(clinic_key: str, kind: str, *, info: RequestInfo | None = None, outcome: str | None = None,
          actor: dict | None = None, subject: dict | None = None, details: dict | None = None):
    """An unsaved audit event, to save alone (`record`) or inside a transaction. An event
    whose details name a `patient_id` is filed under that patient (the audit page's patient
    filter): every event about a patient's records carries it there."""
    from chalicelib.models import AuditEventModel

    at_us = time.time_ns() // 1000
    info = info or RequestInfo()
    actor = actor or {}
    return AuditEventModel(
        clinic_key, f"{at_us:016d}#{secrets.token_hex(6)}",
        at=at_us / 1_000_000, kind=kind, outcome=outcome, actor=actor,
        subject=subject, details=details, source_ip=info.source_ip,
        user_agent=(info.user_agent or "")[:MAX_USER_AGENT] or None,
        # The index keys of the audit page's filters (chalicelib.core.audit_search).
        kind_ref=f"{clinic_key}#{kind}", actor_ref=person_ref(clinic_key, actor.get("username")),
        subject_ref=person_ref(clinic_key, _subject_username(subject)),
        patient_ref=patient_ref(clinic_key, (details or {}).get("patient_id")),
    )


def record(clinic_key: str, kind: str, **kwargs) -> None:
    event(clinic_key, kind, **kwargs).save()
