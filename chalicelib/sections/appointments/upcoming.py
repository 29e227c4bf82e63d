"""The patient's upcoming appointments, kept on the patient counter
(`SectionCounterModel.appointments_upcoming` on "patient#<id>"), so the patient home
still reads its counters only (one request) and can say "Next: Tue 3 Dec 09:30 UTC".

The list is JSON text of sorted "<start>#<appointment_id>" entries (at most
`KEEP`). Each booking, move, cancellation or status change rewrites it in its own
transaction, from the counter as read with a consistent GetItem and *conditional on
that revision*: two changes for one patient at once cannot both apply to the same
list; the loser's transaction is cancelled whole and the use case runs again from a
fresh read (`Retry`). Entries whose start is more than a day past are dropped on
each rewrite; the home ignores entries already past.
"""
from __future__ import annotations

import json

KEEP = 100
COUNTER = "patient_counter"


class Retry(Exception):
    """The patient counter changed while this change was being made: run it again."""


def read(clinic_key: str, patient_id: str):
    """The patient counter item (or None), read consistently."""
    from chalicelib.models.section_counter import SectionCounterModel as M
    from chalicelib.sections import counters

    try:
        return M.get(clinic_key, counters.patient(patient_id), consistent_read=True)
    except M.DoesNotExist:
        return None


def entries(item) -> list[str]:
    raw = getattr(item, "appointments_upcoming", None) if item is not None else None
    try:
        value = json.loads(raw) if raw else []
    except ValueError:
        value = []
    return [e for e in value if isinstance(e, str)]


def changed(current: list[str], appointment_id: str, start: str | None, now_start: str) -> list[str]:
    """The list without `appointment_id`'s entry, plus its new one (if `start`), without
    entries more than a day past, sorted, at most KEEP."""
    from chalicelib.sections.appointments.times import add_days

    cutoff = add_days(now_start[:10], -1) + now_start[10:]
    out = [e for e in current if e.rpartition("#")[2] != appointment_id and e >= cutoff]
    if start is not None:
        out.append(f"{start}#{appointment_id}")
    return sorted(set(out))[:KEEP]


def update(tx, clinic_key: str, item, patient_id: str, new_entries: list[str], *, staff_keys=()) -> None:
    """Write the patient counter's list (conditional on its revision as read)."""
    from chalicelib.core.ids import now
    from chalicelib.models.section_counter import SectionCounterModel as M
    from chalicelib.sections import counters

    target = item if item is not None else M(clinic_key, counters.patient(patient_id))
    condition = (M.revision == item.revision) if item is not None and item.revision is not None \
        else M.revision.does_not_exist()
    tx.update(COUNTER, target, actions=[M.appointments_upcoming.set(json.dumps(new_entries)),
                                        M.revision.add(1), M.updated_at.set(now())],
              condition=condition)


def next_start(item, now_start: str) -> tuple[int, str | None]:
    """(how many upcoming, the next one's start) from now on."""
    ahead = [e.partition("#")[0] for e in entries(item) if e.partition("#")[0] >= now_start]
    return len(ahead), (min(ahead) if ahead else None)


def retrying(run, attempts: int = 5):
    from chalicelib.core.errors import Conflict
    from chalicelib.core.records import CONFLICT_MESSAGE

    for _ in range(attempts):
        try:
            return run()
        except Retry:
            continue
    raise Conflict(CONFLICT_MESSAGE, code="conflict")
