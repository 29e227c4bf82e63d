"""Seeing and lifting a login lockout, for administrators (staff and portal logins).

A person is locked while their username counter (auth/lockout.py) says so. The
lists show it with one BatchGetItem of the page's counters (`show_locks`); the
replies that read it carry `locked_until` (the lock's end, or null), others leave
it out. `unlock` deletes the counter in one transaction with its audit event, so
the next attempt starts a fresh count. (Device-cookie counters are per browser,
keyed by the cookie's hash with no index by person: a locked browser still waits
its own lock out, or its owner resets the password, which untrusts the cookie.)
"""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.ids import iso, now
from chalicelib.people.kind import Kind, commit

LOCK_ATTRIBUTE = "locked_until"   # set on items shown with their lock (serializers read it)


def _counter_key(clinic, kind: Kind, item) -> str:
    from chalicelib.auth.lockout import user_counter_key

    return user_counter_key(clinic.clinic_key, kind.name, item.username_key)


def show_locks(clinic, kind: Kind, items: list) -> None:
    """Mark each item with when its lock ends (ISO time) or None: one BatchGetItem."""
    from chalicelib.auth.lockout import lock_seconds_left
    from chalicelib.models import LoginCounterModel

    keys = sorted({_counter_key(clinic, kind, i) for i in items})
    counters = {c.counter_key: c for c in LoginCounterModel.batch_get(keys)} if keys else {}
    at = now()
    for i in items:
        left = lock_seconds_left(counters.get(_counter_key(clinic, kind, i)), clinic.settings, at)
        setattr(i, LOCK_ATTRIBUTE, iso(at + left) if left else None)


def unlock(kind: Kind, session, clinic, item, info: RequestInfo):
    """Lift the lock (whether or not there is one: the count starts again). Audited."""
    from chalicelib.models import LoginCounterModel

    model = kind.model()
    key = getattr(model, kind.key_name)

    def build(tx):
        tx.check("record", model, item.clinic_key, kind.record_id(item), condition=key.exists())
        tx.delete("lockout", LoginCounterModel(_counter_key(clinic, kind, item)))
        tx.audit(audit.event(clinic.clinic_key, f"{kind.event}_unlocked", info=info, outcome="succeeded",
                             actor=actor(session), subject=kind.subject(item)))

    commit(kind, session, item, build)
    setattr(item, LOCK_ATTRIBUTE, None)
    return item
