"""One way to change records: a transaction whose items are named.

Every change in the portal is one DynamoDB TransactWrite: the record (conditional
on what was read), whatever must change with it (claims, tokens, sessions) and
the audit event. `write()` runs it and turns a failed condition into the error
the caller named for that item, looked up by the item's *name*, never by its
position in the request (PynamoDB reorders items as condition checks, deletes,
puts, updates; `NamedTransaction` records the same order so a cancellation
reason always lands on the right name):

    def build(tx):
        tx.check("patient", PatientModel, ckey, pid, condition=PatientModel.patient_id.exists())
        tx.save("account", account, condition=PortalAccountModel.account_id.does_not_exist())
        tx.save("claim", claim, condition=claim_condition())
        tx.audit(event)

    write(build, failed={"patient": patient_not_found, "claim": username_taken})

`failed` maps item names to functions returning the exception to raise; the
first name in `failed`'s order whose condition failed wins. A failed condition
on an item not in `failed` re-raises the TransactWriteError (a bug, not input).
Transaction conflicts with another writer are retried a few times.

Optimistic revisions: every editable record carries `revision`, bumped by each
change (`bump`); a change is conditional on the revision it read (`unchanged`),
and `stale` tells "gone" (404) from "changed meanwhile" (409).
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping

from chalicelib.core.errors import Conflict

CONFLICT_MESSAGE = "Someone else changed this record at the same moment. Reload it and try again."
STALE_MESSAGE = ("Someone else changed this record since you opened it. "
                 "Reload it to see the current values, then make your change again.")

_transaction_class = None


def _named_transaction():
    """The TransactWrite subclass, built on first use so importing this module
    does not import PynamoDB (cold starts import it only when a request needs it)."""
    global _transaction_class
    if _transaction_class is not None:
        return _transaction_class
    from pynamodb.transactions import TransactWrite

    class NamedTransaction(TransactWrite):
        """A TransactWrite whose items carry names (`tx.save("account", item)`)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._names = {"check": [], "delete": [], "put": [], "update": []}

        def _name(self, kind: str, name: str | None) -> None:
            self._names[kind].append(name or f"{kind}#{len(self._names[kind])}")

        # The short names the use cases read best with.
        def check(self, name: str, model_cls, hash_key, range_key=None, *, condition):
            self._name("check", name)
            super().condition_check(model_cls, hash_key, range_key, condition=condition)

        def audit(self, event) -> None:
            self.save("audit", event)

        # PynamoDB's own names keep working (helpers such as EndSessions use them);
        # their items are named "<kind>#<n>".
        def condition_check(self, model_cls, hash_key, range_key=None, condition=None):
            self._name("check", None)
            super().condition_check(model_cls, hash_key, range_key, condition=condition)

        def save(self, name_or_item, item=None, condition=None, **kwargs):
            name, item = _split(name_or_item, item)
            self._name("put", name)
            super().save(item, condition=condition, **kwargs)

        def update(self, name_or_item, item=None, actions=None, condition=None, **kwargs):
            name, item = _split(name_or_item, item)
            self._name("update", name)
            super().update(item, actions=actions, condition=condition, **kwargs)

        def delete(self, name_or_item, item=None, condition=None, **kwargs):
            name, item = _split(name_or_item, item)
            self._name("delete", name)
            super().delete(item, condition=condition, **kwargs)

        def wire_order(self) -> list[str]:
            """Item names in the order PynamoDB's connection sends them
            (`Connection.transact_write_items`: checks, deletes, puts, updates)."""
            n = self._names
            return n["check"] + n["delete"] + n["put"] + n["update"]

    _transaction_class = NamedTransaction
    return NamedTransaction


def _split(name_or_item, item):
    if isinstance(name_or_item, str):
        return name_or_item, item
    return None, name_or_item


def reason_codes(exc: Exception) -> list[str | None]:
    reasons = getattr(exc, "cancellation_reasons", None) or []
    return [getattr(r, "code", None) if r is not None else None for r in reasons]


def contended(exc: Exception) -> bool:
    """A transaction lost to another writer (worth retrying), as opposed to an outage."""
    from chalicelib.core.db import error_code

    return "TransactionConflict" in reason_codes(exc) or error_code(exc) in (
        "TransactionConflictException", "TransactionInProgressException")


def failed_names(tx, exc: Exception) -> list[str]:
    """The names of the items whose condition failed in a cancelled transaction."""
    pairs = zip(tx.wire_order(), reason_codes(exc), strict=False)
    return [name for name, code in pairs if code == "ConditionalCheckFailed"]


def write(build: Callable, *, failed: Mapping[str, Callable[[], Exception]] | None = None,
          attempts: int = 3):
    """Run `build(tx)` as one transaction of named items (see the module doc).
    Returns what `build` returned."""
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.models import connection

    transaction = _named_transaction()
    for attempt in range(attempts):
        tx = transaction(connection=connection())
        try:
            with tx:
                result = build(tx)
            return result
        except TransactWriteError as exc:
            names = failed_names(tx, exc)
            if names:
                for name, error in (failed or {}).items():
                    if name in names:
                        raise error() from None
                raise
            if not contended(exc) or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # noqa: S311 - retry jitter


# ---------------------------------------------------------------- revisions

def revision_of(item) -> int:
    """The record's revision as the wire shows it (0: never changed)."""
    return int(item.revision or 0)


def unchanged(model, key_attr, item):
    """Condition: the item still exists and nobody changed it since it was read."""
    condition = key_attr.exists()
    if item.revision is None:
        return condition & model.revision.does_not_exist()
    return condition & (model.revision == item.revision)


def bump(model):
    return model.revision.add(1)


def check_revision(item, expected: int | None) -> None:
    """A change sent with the revision the person saw (If-Match / `revision`):
    409 `conflict` when the record has changed since."""
    if expected is not None and revision_of(item) != expected:
        raise Conflict(STALE_MESSAGE, code="conflict")


def stale(reload: Callable, not_found: Callable[[], Exception]) -> Callable[[], Exception]:
    """For `write(failed=...)`: the record's condition failed, so it is gone (404)
    or someone changed it in the same moment (409)."""
    def error() -> Exception:
        if reload() is None:
            return not_found()
        return Conflict(CONFLICT_MESSAGE, code="conflict")
    return error
