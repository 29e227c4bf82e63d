"""Device cookies: the username-wide lockout cannot be used to lock a person out.

OWASP's "Slow Down Online Guessing Attacks with Device Cookies": a browser that
has signed in successfully as a person holds a device cookie for that person.

- An attempt with a valid device cookie for the username it names is *trusted*:
  it takes its slot on that device's own counter (same threshold, same
  slot-before-verify rule and back-off as the username counter, lockout.py) and
  the username-wide lock does not refuse it. Its failures count against that
  device only (and the source IP, whose window rule is unchanged).
- A device whose counter is locked is refused (429) until its lock runs out, as
  OWASP's "lockout list": it does not fall back to the untrusted path.
- Every other attempt (no cookie, or a forged, unknown, expired, revoked cookie,
  or one of another person, login type or clinic) is *untrusted*: it is counted
  and locked per username as before.
- A successful login retires the cookie it came with (if any) and issues a new
  one for that person, in the same transaction that settles the login.

The cookie is an opaque token `<issued_at>.<256-bit random>`; only its SHA-256 is
stored, as the key of the device's counter item in the login_counters table
(`device#<clinic_key>#<hash>`), which also records whom it was issued to: the
username counter key it vouches for and the person (`kind#subject#created_at#
session_epoch`). Unforgeable without a signing key: a token is trusted only if
its hash is found with the right binding. Anything that ends the person's
sessions (a password reset or change, disable, a change of roles or
permissions) bumps the session epoch and so stops trusting every device cookie
of theirs, and so does deleting the person (a re-created staff username has a
new created_at, a re-created portal account a new id). The item
expires with the cookie (DEVICE_LIFETIME_S, DynamoDB TTL; each read checks it).

One cookie per person (`portal_device_<16 hex of SHA-256(clinic#type#username)>`),
scoped to the login URL (`Path=/api/clinics/<id>/login`), so several people can
share one front-desk browser; at most MAX_COOKIES per browser and login URL
(the least recently issued are cleared). Only cookie-delivery logins use them:
a `session_delivery: bearer` login neither presents nor receives one.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.core.ids import hash_token

DEVICE_LIFETIME_S = 90 * 24 * 3600
COOKIE_PREFIX = "portal_device_"
MAX_COOKIES = 20
TOKEN_RE = re.compile(r"^([0-9]{1,12})\.[A-Za-z0-9_-]{43}$")
TRUSTED, UNTRUSTED = "trusted", "untrusted"


@dataclass(frozen=True)
class Issued:
    """A device cookie to hand out: its name, token and lifetime (seconds)."""
    name: str
    token: str
    max_age: int = DEVICE_LIFETIME_S


def cookie_name(clinic_key: str, login_type: str, username_key: str) -> str:
    digest = hashlib.sha256(f"{clinic_key}#{login_type}#{username_key}".encode()).hexdigest()
    return COOKIE_PREFIX + digest[:16]


def well_formed(token: str | None) -> bool:
    return bool(token) and TOKEN_RE.fullmatch(token) is not None


def issued_at(token: str) -> int:
    """When a token says it was issued (0 if it is not one of ours): orders cookies for eviction."""
    match = TOKEN_RE.fullmatch(token or "")
    return int(match.group(1)) if match else 0


def device_key(clinic_key: str, token: str) -> str:
    return f"device#{clinic_key}#{hash_token(token)}"


def person(record) -> str:
    """Whom a device cookie was issued to; changes with the person's session epoch."""
    from chalicelib.auth.sessions import epoch_of

    created = int(getattr(record.item, "created_at", None) or 0)
    return f"{record.kind}#{record.subject_id}#{created}#{epoch_of(record.item)}"


def expires_at(item) -> int:
    return int(item.expires_at.timestamp()) if item is not None and item.expires_at is not None else 0


def names(item, user_key: str, at: int) -> bool:
    """The device item read for a presented cookie exists, is a device of this
    username (clinic and login type included in the key) and has not expired."""
    return (item is not None and item.device_user == user_key and item.device_person is not None
            and expires_at(item) > at)


def vouches_for(item, record) -> bool:
    """... and was issued to this person as they are now (same record, same epoch, may sign in)."""
    return record is not None and record.active and item.device_person == person(record)


def new_device(record, clinic_key: str, login_type: str, username_key: str, at: int):
    """(Issued, unsaved LoginCounterModel item) for a person who just signed in."""
    from chalicelib.auth.lockout import user_counter_key
    from chalicelib.models import LoginCounterModel

    token = f"{at}.{secrets.token_urlsafe(32)}"
    item = LoginCounterModel(
        device_key(clinic_key, token), failures=0, attempts=0, pending=0,
        device_user=user_counter_key(clinic_key, login_type, username_key), device_person=person(record),
        issued_at=at, expires_at=datetime.fromtimestamp(at + DEVICE_LIFETIME_S, tz=UTC))
    return Issued(cookie_name(clinic_key, login_type, username_key), token), item


def evicted(presented: dict[str, str], keep: str) -> list[str]:
    """Names of the presented device cookies to clear so that, with `keep`, at most
    MAX_COOKIES remain: the least recently issued first."""
    others = sorted((n for n in presented if n != keep), key=lambda n: (issued_at(presented[n]), n))
    excess = len(others) + 1 - MAX_COOKIES
    return others[:excess] if excess > 0 else []
