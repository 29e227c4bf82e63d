"""A person's own passkeys: the list (one Query on the `by_owner` index), a new
name, removing one. A passkey whose generation is not the person's (an
administrator removed them all while the index was behind) is neither listed nor
usable."""
from __future__ import annotations

from chalicelib.auth.passkeys.register import _notify, generation, load, owner_key, subject
from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import NotFound

LIST_MAX = 50


def not_found() -> NotFound:
    return NotFound("There is no such passkey on your account.", code="passkey_not_found")


def owned(session, person) -> list:
    """The person's working passkeys, oldest first."""
    from chalicelib.models import PasskeyModel

    current = generation(person)
    return [p for p in PasskeyModel.by_owner.query(owner_key(session), limit=LIST_MAX)
            if int(p.generation or 0) == current]


def list_own(session) -> list:
    _clinic, record = load(session)
    return owned(session, record.item)


def _mine(session, passkey_id: str):
    """The session person's passkey `passkey_id`, read consistently (404 otherwise)."""
    from chalicelib.core.limits import PASSKEY_ID_RE
    from chalicelib.models import PasskeyModel

    if not isinstance(passkey_id, str) or not PASSKEY_ID_RE.fullmatch(passkey_id):
        raise not_found()
    try:
        item = PasskeyModel.get(f"{session.clinic_key}#{passkey_id}", consistent_read=True)
    except PasskeyModel.DoesNotExist:
        raise not_found() from None
    if item.owner_key != owner_key(session):
        raise not_found()
    return item


def _is_mine(session):
    from chalicelib.models import PasskeyModel

    return PasskeyModel.owner_key == owner_key(session)


def rename(session, passkey_id: str, name: str, info: RequestInfo):
    from chalicelib.core.records import write
    from chalicelib.models import PasskeyModel

    item = _mine(session, passkey_id)

    def build(tx):
        tx.update("passkey", item, actions=[PasskeyModel.name.set(name)], condition=_is_mine(session))
        tx.audit(audit.event(session.clinic_key, "passkey_renamed", info=info, outcome="succeeded",
                             actor=audit.actor(session), subject=_subject(session),
                             details={"passkey": item.passkey_id, "name": name}))

    write(build, failed={"passkey": not_found})
    item.name = name
    return item


def remove(session, passkey_id: str, info: RequestInfo) -> None:
    from chalicelib.core.records import write
    from chalicelib.models import PasskeyModel

    clinic, record = load(session)
    item = _mine(session, passkey_id)
    model = type(record.item)

    def build(tx):
        tx.delete("passkey", PasskeyModel(item.passkey_key), condition=_is_mine(session))
        if int(item.generation or 0) == generation(record.item):   # a stale one was never counted
            tx.update("record", record.item, actions=[model.passkey_count.add(-1)])
        tx.audit(audit.event(session.clinic_key, "passkey_removed", info=info, outcome="succeeded",
                             actor=audit.actor(session), subject=subject(record),
                             details={"passkey": item.passkey_id, "name": item.name}))

    write(build, failed={"passkey": not_found})
    _notify(clinic, record, "removed", item.name)


def _subject(session) -> dict:
    return {"kind": session.kind, "id": session.subject_id, "username": session.username}
