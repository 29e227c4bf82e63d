"""Integration keys: the credentials a clinic's EHR writes with.

A key is `cpk_<key id>_<secret>`: the key id (128 random bits, hex) names its item,
the secret is 256 random bits (`secrets.token_urlsafe(32)`). Only the SHA-256 of the
secret is stored, and the whole key is shown once, in the reply that creates it.
SHA-256 rather than argon2id: argon2's cost protects guessable passwords from an
offline search; a 256-bit random secret cannot be searched whatever the hash, and a
fast hash keeps every API call (up to the rate limit) cheap.

Keys are created and revoked by holders of `clinic.settings` (administrators); each
carries the scopes it may write (scopes.py). A clinic holds at most KEY_LIMIT live
keys: the clinic item's `integration_keys` counter is ADDed in the key's own
transaction, conditional on the limit (never read-modify-write). Revoking sets
`revoked_at` (the row stays, so the audit log still names the key) and gives the
slot back. A revoked, unknown or malformed key is one generic 401.
"""
from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from chalicelib.core import audit
from chalicelib.core.errors import Conflict, InvalidRequest, NotAuthenticated, NotFound
from chalicelib.core.ids import hash_token, new_id, new_token, now

KEY_LIMIT = 20          # live keys per clinic
LIST_MAX = 100          # the newest keys the admin page lists (revoked ones included)
TOUCH_INTERVAL_S = 60   # last_used_at is written at most once a minute
PREFIX = "cpk"
KEY_RE = re.compile(r"cpk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class KeyClinic:
    """The clinic a key belongs to, as the use cases it calls read it (its key only)."""
    clinic_key: str


@dataclass(frozen=True)
class Caller:
    """An authenticated key: its item and the clinic it writes to."""
    item: object
    clinic: KeyClinic

    def actor(self) -> dict:
        """The audit `actor` of a write made with the key."""
        return {"kind": "integration_key", "key_id": self.item.key_id,
                "name": f"Integration key “{self.item.name}”"}


def not_authenticated() -> NotAuthenticated:
    return NotAuthenticated("Send a valid integration key: Authorization: Bearer cpk_...",
                            code="not_authenticated")


def key_not_found() -> NotFound:
    return NotFound("No integration key with that id at this clinic.", code="integration_key_not_found")


def too_many_keys() -> Conflict:
    return Conflict(f"The clinic already has {KEY_LIMIT} integration keys. Revoke one it no longer uses first.",
                    code="integration_key_limit")


def check_scopes(scopes: list[str]) -> list[str]:
    """The scopes asked for, all of them wired (400 `scope_not_available` otherwise)."""
    from chalicelib.integrations.scopes import SCOPES

    for name in scopes:
        if not SCOPES[name].available:
            raise InvalidRequest(f"The {name} scope is not available yet; keys can be given: "
                                 f"{', '.join(n for n, s in SCOPES.items() if s.available)}.",
                                 code="scope_not_available")
    return scopes


# ---------------------------------------------------------------- the admin page

def create_key(session, clinic, *, name: str, scopes: list[str], info) -> tuple[object, str]:
    """A new key: (its item, the key to show once)."""
    from chalicelib.core.records import write
    from chalicelib.models import ClinicModel, IntegrationKeyModel

    check_scopes(scopes)
    secret, secret_hash = new_token()
    key_id = new_id()
    at = now()
    item = IntegrationKeyModel(key_id, clinic_key=clinic.clinic_key, created_key=f"{at:012d}#{key_id}",
                               name=name, scopes=list(scopes), secret_hash=secret_hash, created_at=at,
                               created_by=session.username)
    count = ClinicModel.integration_keys

    def build(tx):
        tx.save("key", item, condition=IntegrationKeyModel.key_id.does_not_exist())
        tx.update("clinic", ClinicModel(clinic.clinic_key), actions=[count.add(1)],
                  condition=ClinicModel.clinic_key.exists() & (count.does_not_exist() | (count < KEY_LIMIT)))
        tx.audit(audit.event(clinic.clinic_key, "integration_key_created", info=info, outcome="succeeded",
                             actor=audit.actor(session),
                             details={"key_id": key_id, "key_name": name, "scopes": list(scopes)}))

    write(build, failed={"clinic": too_many_keys})
    return item, f"{PREFIX}_{key_id}_{secret}"


def list_keys(clinic) -> list:
    """The clinic's keys, newest first (one Query)."""
    from chalicelib.models import IntegrationKeyModel

    return list(IntegrationKeyModel.by_clinic.query(clinic.clinic_key, scan_index_forward=False,
                                                    limit=LIST_MAX))


def get_key(clinic, key_id) -> object:
    from chalicelib.models import IntegrationKeyModel

    if not isinstance(key_id, str) or not re.fullmatch(r"[0-9a-f]{32}", key_id):
        raise key_not_found()
    try:
        item = IntegrationKeyModel.get(key_id, consistent_read=True)
    except IntegrationKeyModel.DoesNotExist:
        raise key_not_found() from None
    if item.clinic_key != clinic.clinic_key:
        raise key_not_found()   # another clinic's key: the same 404 as none
    return item


def revoke_key(session, clinic, key_id, *, info) -> object:
    """Revoke a key (already revoked: unchanged). Its next use is a 401."""
    from chalicelib.core.records import write
    from chalicelib.models import ClinicModel
    from chalicelib.models import IntegrationKeyModel as K

    item = get_key(clinic, key_id)
    if item.revoked_at is not None:
        return item
    at = now()

    def build(tx):
        tx.update("key", item, actions=[K.revoked_at.set(at), K.revoked_by.set(session.username)],
                  condition=K.key_id.exists() & K.revoked_at.does_not_exist())
        tx.update("clinic", ClinicModel(clinic.clinic_key), actions=[ClinicModel.integration_keys.add(-1)],
                  condition=ClinicModel.clinic_key.exists())
        tx.audit(audit.event(clinic.clinic_key, "integration_key_revoked", info=info, outcome="succeeded",
                             actor=audit.actor(session), details={"key_id": item.key_id, "key_name": item.name}))

    def revoked_meanwhile():
        return Conflict("Someone else revoked this key at the same moment.", code="conflict")

    write(build, failed={"key": revoked_meanwhile})
    item.revoked_at, item.revoked_by = at, session.username
    return item


# ---------------------------------------------------------------- the API

def authenticate(header) -> Caller:
    """The key in `Authorization: Bearer <key>`: unknown, malformed, wrong or revoked is
    one 401. A use more than a minute after the last one records `last_used_at`."""
    from chalicelib.models import IntegrationKeyModel as K

    if not isinstance(header, str) or header[:7].lower() != "bearer ":
        raise not_authenticated()
    match = KEY_RE.fullmatch(header[7:].strip())
    if match is None:
        raise not_authenticated()
    key_id, secret = match.groups()
    try:
        item = K.get(key_id, consistent_read=True)
    except K.DoesNotExist:
        raise not_authenticated() from None
    if not hmac.compare_digest(hash_token(secret), item.secret_hash) or item.revoked_at is not None:
        raise not_authenticated()
    at = now()
    if at - int(item.last_used_at or 0) >= TOUCH_INTERVAL_S:
        item.update(actions=[K.last_used_at.set(at)], condition=K.key_id.exists())
    return Caller(item, KeyClinic(item.clinic_key))


def require_scope(caller: Caller, scope: str) -> None:
    from chalicelib.core.errors import Forbidden

    if scope not in (caller.item.scopes or []):
        raise Forbidden(f"This integration key may not write {scope}; ask the clinic's administrator for a key "
                        "with that scope.", code="scope_not_granted")
