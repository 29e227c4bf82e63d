"""Counts of what is waiting, per patient, per grant, per staff member and per
clinic (`models.SectionCounterModel`), for the homes' tiles and the staff
workspace, and the ETag that lets those pages ask "has anything changed?" with one
DynamoDB request.

Writers add their deltas to the transaction that makes the change they count:

    def build(tx):
        tx.save("message", message, condition=...)
        counters.bump(tx, clinic_key, {counters.patient(pid): {"messages_unread": 1},
                                       counters.CLINIC: {"messages_unassigned_unread": 1}})

so a count can never disagree with the records (a failed transaction changes
neither). One transaction may touch an item once only, hence one call with every
key's deltas. A decrement must be conditional on the state change it counts (e.g.
"mark read" only when the conversation was unread), never blind.

Readers: `read(clinic_key, keys)` is one BatchGetItem; `etag(items)` is a weak
ETag of their revisions (an absent item is revision 0).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

CLINIC = "clinic"


def patient(patient_id: str) -> str:
    return f"patient#{patient_id}"


def grant(grant_id: str) -> str:
    return f"grant#{grant_id}"


def staff(staff_id: str) -> str:
    return f"staff#{staff_id}"


def bump(tx, clinic_key: str, deltas: Mapping[str, Mapping[str, int]], *,
         sets: Mapping[str, Mapping[str, object]] | None = None) -> None:
    """Add each key's deltas (`{counter_key: {count_name: +n/-n}}`) to the transaction
    `tx`, bumping each item's revision. Items that do not exist yet are created.
    `sets` (`{counter_key: {name: value}}`) sets values that are not counts (the due
    date of the patient's bill) in the same update."""
    from chalicelib.core.ids import now
    from chalicelib.models.section_counter import SectionCounterModel as M

    at = now()
    sets = sets or {}
    for counter_key in dict.fromkeys([*deltas, *sets]):
        actions = [M.revision.add(1), M.updated_at.set(at)]
        for name, delta in (deltas.get(counter_key) or {}).items():
            attr = getattr(M, name)   # an unknown count name is a programming error
            if delta:
                actions.append(attr.add(int(delta)))
        for name, value in (sets.get(counter_key) or {}).items():
            actions.append(getattr(M, name).set(value))
        tx.update(f"counter:{counter_key}", M(clinic_key, counter_key), actions=actions)


def read(clinic_key: str, keys: Iterable[str]) -> dict:
    """{counter_key: SectionCounterModel or None}: one BatchGetItem (strongly
    consistent, so a page refreshed after a change sees it)."""
    from chalicelib.models.section_counter import SectionCounterModel as M

    keys = list(dict.fromkeys(keys))
    found = {item.counter_key: item
             for item in M.batch_get([(clinic_key, k) for k in keys], consistent_read=True)}
    return {k: found.get(k) for k in keys}


def count(items: Mapping, key: str, name: str) -> int:
    item = items.get(key)
    return item.count(name) if item is not None else 0


def etag(items: Mapping, *extra: str) -> str:
    """A weak ETag over the items' revisions (and any `extra` strings the page's
    content also depends on, e.g. the selected patient)."""
    parts = [f"{k}={int(getattr(items[k], 'revision', 0) or 0) if items[k] is not None else 0}"
             for k in sorted(items)]
    digest = hashlib.sha256("|".join([*parts, *extra]).encode()).hexdigest()[:32]
    return f'W/"{digest}"'
