"""An administrator removes every passkey of a person (staff or portal login), e.g.
after a lost phone: the person's `passkey_generation` moves on in the same
transaction as the audit event, so every passkey they had stops working at once
(revocation is a read: a sign-in checks the passkey's generation against the
person's), and the passkey items the `by_owner` index shows are deleted with it
(clean-up; the index may lag, the generation decides). The person is emailed.
Their sessions stay: a passkey is a way in, not a session."""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.errors import Conflict
from chalicelib.people.kind import Kind, applied, commit, update_record

ROOM = 90   # TransactWriteItems takes 100 items; the rest are swept after the commit


def remove_passkeys(kind: Kind, session, clinic, item, info: RequestInfo):
    from chalicelib.models import PasskeyModel

    if not int(item.passkey_count or 0):
        raise Conflict("This person has no passkeys.", code="no_passkeys")
    model = kind.model()
    seen = item.passkey_generation
    found = list(PasskeyModel.by_owner.query(kind.principal(item)))
    condition = model.passkey_generation.does_not_exist() if seen is None else model.passkey_generation == seen
    count = int(item.passkey_count or 0)

    def build(tx):
        update_record(tx, kind, session, item,
                      [model.passkey_generation.add(1), model.passkey_count.set(0)], condition=condition)
        for passkey in found[:ROOM]:
            tx.delete(PasskeyModel(passkey.passkey_key))
        tx.audit(audit.event(clinic.clinic_key, f"{kind.event}_passkeys_removed", info=info, outcome="succeeded",
                             actor=actor(session), subject=kind.subject(item), details={"passkeys": count}))

    commit(kind, session, item, build)
    _sweep(found[ROOM:])
    applied(item, {"passkey_generation": int(seen or 0) + 1, "passkey_count": 0})
    email = item.email if kind.name == "staff" else item.username
    if email:
        from chalicelib.auth.account_emails import passkey_email, send_notice

        send_notice(passkey_email(clinic, "removed_all", login_type=kind.name, to=email,
                                  first_name=item.first_name, username=item.username))
    return item


def _sweep(rest) -> None:
    """Best effort: these no longer work (their generation is old); only the items remain."""
    import logging

    from chalicelib.core.db import is_dependency_failure
    from chalicelib.models import PasskeyModel

    try:
        with PasskeyModel.batch_write() as batch:
            for passkey in rest:
                batch.delete(PasskeyModel(passkey.passkey_key))
    except Exception as exc:
        if not is_dependency_failure(exc):
            raise
        logging.getLogger("portal").warning("passkeys not swept: %s", type(exc).__name__)
