"""Identifiers, normalization and secret tokens."""
from __future__ import annotations

import hashlib
import secrets
import time
import unicodedata


def now() -> int:
    """Current time in whole epoch seconds (the unit every stored timestamp uses)."""
    return int(time.time())


def iso(ts) -> str | None:
    """Epoch seconds as an ISO 8601 UTC string (None stays None)."""
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(ts)))


def normalize_key(value: str) -> str:
    """Case-insensitive key for clinic ids and usernames: NFKC, trimmed, case-folded."""
    return unicodedata.normalize("NFKC", value).strip().casefold()


def new_token() -> tuple[str, str]:
    """A fresh 256-bit secret token and the SHA-256 hash that is stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_id() -> str:
    """An opaque, unguessable id (128 bits, hex)."""
    return secrets.token_hex(16)
