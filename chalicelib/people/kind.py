"""A person's account as the admin flows see it, staff or patient-portal alike:
the `Kind` adapter (what differs between the two), reading a record for a change,
and committing a change of it as one named transaction conditional on the
revision that was read (`core.records`)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from chalicelib.core.ids import now
from chalicelib.core.records import bump, check_revision, stale, unchanged, write


@dataclass(frozen=True)
class Kind:
    name: str                      # "staff" | "patient": login type, audit subject kind, session kind
    event: str                     # audit event prefix: "staff" | "portal_account"
    model: Callable[[], type]      # the PynamoDB model (imported on first use)
    key_name: str                  # the range key: "username_key" | "account_id"
    invitation_kind: str
    not_found: Callable[[], Exception]
    session_fields: tuple          # fields sessions carry: changing one ends the person's sessions
    address_fields: tuple = ()     # where invitations go (staff: email); changing one ends the invitation
    normalize: dict = field(default_factory=dict)   # field -> how a stored value compares
    # Staff only: a condition check that the acting administrator still manages
    # staff (added as the item "actor"), and the same condition on their own record.
    actor_guard: Callable | None = None
    own_condition: Callable | None = None
    actor_refused: Callable[[], Exception] | None = None
    # Portal logins: (tx, item, new status) adds what must follow a status change
    # (the login's grants keep a copy of it for User Management).
    follow_status: Callable | None = None
    # field -> (stored attribute, how it derives from the field): changed with it (staff: email_key).
    derived: dict = field(default_factory=dict)

    def record_id(self, item) -> str:
        return getattr(item, self.key_name)

    def subject(self, item) -> dict:
        return {"kind": self.name, "id": self.record_id(item), "username": item.username}

    def principal(self, item) -> str:
        from chalicelib.auth.sessions import principal_key

        return principal_key(item.clinic_key, self.name, self.record_id(item))

    def is_own(self, session, item) -> bool:
        return session.kind == self.name and session.subject_id == self.record_id(item)


# ---------------------------------------------------------------- reading and writing

def load(kind: Kind, clinic_key: str, record_id: str, *, revision: int | None = None):
    """The record, read consistently for a change; 404 if missing, 409 `conflict`
    when `revision` (what the person saw) is no longer current."""
    model = kind.model()
    try:
        item = model.get(clinic_key, record_id, consistent_read=True)
    except model.DoesNotExist:
        raise kind.not_found() from None
    check_revision(item, revision)
    return item


def reloader(kind: Kind, item) -> Callable:
    def reload():
        model = kind.model()
        try:
            return model.get(item.clinic_key, kind.record_id(item), consistent_read=True)
        except model.DoesNotExist:
            return None
    return reload


def update_record(tx, kind: Kind, session, item, actions: list, condition=None) -> None:
    """The change to the record itself (the transaction item "record"), conditional
    on the revision read; the actor's guard rides along (see `commit`)."""
    model = kind.model()
    condition = unchanged(model, getattr(model, kind.key_name), item) & (
        condition if condition is not None else getattr(model, kind.key_name).exists())
    if kind.own_condition is not None and kind.is_own(session, item):
        condition &= kind.own_condition(model)
    tx.update("record", item, actions=actions + [model.updated_at.set(now()), bump(model)],
              condition=condition)


def commit(kind: Kind, session, item, build: Callable, *, failed: dict | None = None):
    """Run a change of `item`: the actor's guard (staff) is added as the item
    "actor" unless the actor changes their own record (which carries it instead,
    since one transaction cannot touch an item twice). A failed guard is 403, a
    failed record condition 404 (gone) or 409 (changed meanwhile)."""
    def with_guard(tx):
        if kind.actor_guard is not None and not kind.is_own(session, item):
            kind.actor_guard(tx, session)
        return build(tx)

    errors = {}
    if kind.actor_refused is not None:
        errors["actor"] = kind.actor_refused
    errors.update(failed or {})
    errors["record"] = stale(reloader(kind, item), kind.not_found)
    return write(with_guard, failed=errors)


def applied(item, values: dict) -> None:
    """Bring the item read before a committed change up to date in memory (so the
    reply shows the new values and revision without another read)."""
    for name, value in values.items():
        setattr(item, name, value)
    item.updated_at = now()
    item.revision = int(item.revision or 0) + 1
