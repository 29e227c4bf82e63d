"""The secrets of two-factor authentication: the TOTP secret (RFC 6238, pyotp),
kept encrypted with AWS KMS, its QR code (segno, an SVG made here: no third-party
request), and recovery codes (stored as SHA-256 only).

The KMS key is the stage's `alias/<table prefix>mfa` (settings.mfa_key_alias): the
merge template creates it on deployed stages (infra/template.py), the local stack
and the tests create it in moto (infra/tables.create_mfa_key). Each ciphertext is
bound to its person by the encryption context (clinic key and principal), so an
item copied onto another person's record does not decrypt. The plain secret is
never stored, logged or audited; the person sees it once, while enrolling.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

STEP_S = 30          # RFC 6238 time step
DRIFT_STEPS = 1      # a code of the step before or after is accepted too
DIGITS = 6
RECOVERY_CODES = 10
ISSUER = "Clinic Portal"


def _kms():
    from chalicelib.core.clients import client

    return client("kms")


def _context(clinic_key: str, principal: str) -> dict:
    return {"purpose": "totp", "clinic": clinic_key, "principal": principal}


def new_secret() -> str:
    import pyotp

    return pyotp.random_base32()   # 160 bits, as RFC 4226 recommends


def seal(secret: str, clinic_key: str, principal: str) -> str:
    """The secret encrypted with the stage's key (base64 of the ciphertext)."""
    from chalicelib.core.settings import get_settings

    blob = _kms().encrypt(KeyId=get_settings().mfa_key_alias, Plaintext=secret.encode("ascii"),
                          EncryptionContext=_context(clinic_key, principal))["CiphertextBlob"]
    return base64.b64encode(blob).decode("ascii")


def unseal(sealed: str, clinic_key: str, principal: str) -> str:
    blob = base64.b64decode(sealed)
    plain = _kms().decrypt(CiphertextBlob=blob, EncryptionContext=_context(clinic_key, principal))["Plaintext"]
    return plain.decode("ascii")


def matching_step(secret: str, code: object, at: int) -> int | None:
    """The time step whose code `code` is (within ±DRIFT_STEPS of `at`), or None."""
    import pyotp

    if not isinstance(code, str):
        return None
    code = code.replace(" ", "").replace("-", "")
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_S)
    found = None
    for step in range(at // STEP_S - DRIFT_STEPS, at // STEP_S + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_S), code):
            found = step
    return found


def uri(secret: str, account: str, clinic_name: str) -> str:
    import pyotp

    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_S).provisioning_uri(
        name=account, issuer_name=f"{ISSUER} ({clinic_name})")


def qr_svg(text: str) -> str:
    """The QR code of `text` as an inline SVG element (no XML declaration, no
    script, no external reference: safe under the pages' Content-Security-Policy)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=4, border=2, xmldecl=False, svgns=True,
                                     title="QR code for your authenticator app", nl=False)
    return out.getvalue().decode("utf-8")


# ---------------------------------------------------------------- recovery codes

def new_recovery_codes() -> list[str]:
    """RECOVERY_CODES codes of 50 random bits each, written as xxxxx-xxxxx (base32)."""
    out = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(7)).decode("ascii")[:10].lower()
        out.append(f"{raw[:5]}-{raw[5:]}")
    return out


def recovery_hash(code: object) -> str | None:
    """SHA-256 of a recovery code as typed (spaces, dashes and case do not matter).
    A fast hash is enough: the codes are random, not chosen by a person."""
    if not isinstance(code, str):
        return None
    clean = "".join(ch for ch in code.lower() if ch.isalnum())
    if len(clean) != 10:
        return None
    return hashlib.sha256(clean.encode("ascii", "replace")).hexdigest()
