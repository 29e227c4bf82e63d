"""The relying party and the challenges of a WebAuthn ceremony.

The relying party id is the host of the stage's public base URL (the local stack
runs as `http://localhost:PORT`: browsers refuse IP addresses). A challenge is 32
random bytes, handed to the browser once; the server keeps only its SHA-256, as a
single-use token (the tokens table, 5 minutes) bound to the clinic and either the
login type (sign-in) or the person (registration). The ceremony's last write
deletes it conditionally, so a challenge answers one ceremony only: a replayed
response finds nothing.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from datetime import UTC, datetime
from urllib.parse import urlparse

CHALLENGE_MINUTES = 5
TIMEOUT_MS = CHALLENGE_MINUTES * 60 * 1000
REGISTER = "passkey_register_"   # + login type ("staff" | "patient")
SIGN_IN = "passkey_login_"       # + login type
CREDENTIAL_ID_MAX = 1023         # bytes, WebAuthn Level 3


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unb64url(text: object) -> bytes | None:
    if not isinstance(text, str) or len(text) > 16384:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def rp_id() -> str:
    from chalicelib.core.settings import get_settings

    return urlparse(get_settings().public_base_url).hostname or "localhost"


def origins() -> list[str]:
    """Where a ceremony may run: the public base URL's origin, and on the local stack
    its other own origins with the same host (never one of another host)."""
    from chalicelib.core.settings import get_settings

    s = get_settings()
    base = urlparse(s.public_base_url)
    found = [f"{base.scheme}://{base.netloc}"]
    found += [o for o in s.local_origins if urlparse(o).hostname == rp_id() and o not in found]
    return found


def passkey_id(credential_id: bytes) -> str:
    """The id a passkey goes by in the portal (its key, its URLs): base64url of the
    SHA-256 of the credential id, so any credential id (up to 1023 bytes) fits a key."""
    return b64url(hashlib.sha256(credential_id).digest())


def new_challenge(kind: str, clinic_key: str, at: int, *, subject_id: str | None = None,
                  session_epoch: int | None = None, user_handle: str | None = None):
    """(challenge bytes, unsaved token item)."""
    from chalicelib.core.ids import hash_token
    from chalicelib.models import TokenModel

    challenge = secrets.token_bytes(32)
    item = TokenModel(hash_token(b64url(challenge)), kind=kind, clinic_key=clinic_key, subject_id=subject_id,
                      created_at=at, session_epoch=session_epoch, user_handle=user_handle,
                      expires_at=datetime.fromtimestamp(at + CHALLENGE_MINUTES * 60, tz=UTC))
    return challenge, item


def verify_errors() -> tuple:
    """What py_webauthn (and the parsing under it) raises for an answer that does not
    check out, however malformed: each means "refused", never a 500."""
    from webauthn.helpers.exceptions import WebAuthnException

    return (WebAuthnException, ValueError, KeyError, TypeError, AttributeError, IndexError, OverflowError)


class Malformed(Exception):
    """What the browser sent is not a WebAuthn credential at all."""


def client_challenge(credential: dict) -> str:
    """The challenge (base64url) the browser signed, read from clientDataJSON; the
    library checks it again against the one we stored."""
    response = credential.get("response")
    raw = unb64url(response.get("clientDataJSON")) if isinstance(response, dict) else None
    try:
        data = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError):
        data = None
    challenge = data.get("challenge") if isinstance(data, dict) else None
    if not isinstance(challenge, str) or not 16 <= len(challenge) <= 128:
        raise Malformed()
    return challenge


def raw_id(credential: dict) -> bytes:
    raw = unb64url(credential.get("rawId"))
    if not raw or len(raw) > CREDENTIAL_ID_MAX or credential.get("id") != credential.get("rawId"):
        raise Malformed()
    return raw


def token_key(challenge_b64: str) -> str:
    from chalicelib.core.ids import hash_token

    return hash_token(challenge_b64)


def live(token, kind: str, clinic_key: str, at: int) -> bool:
    """The stored challenge is one of this kind and clinic, and still fresh."""
    return (token is not None and token.kind == kind and token.clinic_key == clinic_key
            and int(token.expires_at.timestamp()) > at)


def used_up(tx, token) -> None:
    """In the ceremony's last write: the challenge goes, only once."""
    from chalicelib.models import TokenModel

    tx.delete("challenge", TokenModel(token.token_hash), condition=TokenModel.token_hash.exists())
