"""The audit log's CSV export: the filtered range, newest first, page after page
(the same Queries as the audit page), up to MAX_ROWS events. A longer range is cut
there and the file's last line says so. The export is itself audited (who, which
filters, how many rows). Cells a spreadsheet would run as a formula are quoted."""
from __future__ import annotations

import csv
import io
import json
import time

from chalicelib.core import audit
from chalicelib.core.audit_search import Filters, search
from chalicelib.core.audit_words import describe, outcome_words
from chalicelib.core.limits import AUDIT_EXPORT_MAX_ROWS

MAX_ROWS = AUDIT_EXPORT_MAX_ROWS
COLUMNS = ("time_utc", "event", "outcome", "description", "actor_kind", "actor_username", "actor_name",
           "subject_kind", "subject_username", "subject_id", "source_ip", "user_agent", "details", "event_id")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell as text, never a formula: one that starts like one gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _map(value) -> dict:
    if value is None:
        return {}
    return value.as_dict() if hasattr(value, "as_dict") else dict(value)


def row(event) -> list[str]:
    actor, subject, details = _map(event.actor), _map(event.subject), _map(event.details)
    at = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(event.at))
    cells = [at, event.kind, outcome_words(event.outcome),
             describe(event.kind, event.outcome, actor, subject, details),
             actor.get("kind"), actor.get("username"), actor.get("name"),
             subject.get("kind"), subject.get("username"), subject.get("id"),
             event.source_ip, event.user_agent,
             json.dumps(details, sort_keys=True, ensure_ascii=False, default=str) if details else "",
             event.event_key]
    return [safe_cell(c) for c in cells]


def export(session, clinic, filters: Filters, info) -> tuple[str, int, bool]:
    """(CSV text, rows, truncated) of the filtered range; writes the `audit_exported` event."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    rows, cursor, truncated = 0, None, False
    while True:
        page = search(clinic.clinic_key, filters, cursor, limit=min(100, MAX_ROWS - rows))
        for event in page.events:
            writer.writerow(row(event))
        rows += len(page.events)
        cursor = page.cursor
        if not cursor:
            break
        if rows >= MAX_ROWS:
            truncated = bool(search(clinic.clinic_key, filters, cursor, limit=1).events)
            break
    if truncated:
        writer.writerow([f"Cut at {MAX_ROWS} events: older events of this range are not in this file. "
                         "Export a shorter date range to get them."])
    audit.record(clinic.clinic_key, "audit_exported", info=info, outcome="succeeded", actor=audit.actor(session),
                 details={"filters": filters.as_dict(), "rows": rows, "truncated": truncated})
    return out.getvalue(), rows, truncated


def filename(clinic_id: str, filters: Filters) -> str:
    parts = ["audit", clinic_id]
    if filters.patient:
        parts.append("patient-" + filters.patient)
    if filters.date_from:
        parts.append("from-" + filters.date_from)
    if filters.date_to:
        parts.append("to-" + filters.date_to)
    return "-".join(parts) + ".csv"
