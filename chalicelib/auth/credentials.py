"""Temporary passwords and the credential text staff hand to a person, shown once."""
from __future__ import annotations

import math
import secrets
from urllib.parse import urlencode

# Letters and digits that cannot be mistaken for one another when read aloud or
# copied by hand (no 0/O, 1/l/I).
_LOWER = "abcdefghijkmnopqrstuvwxyz"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"
_ALPHABET = _LOWER + _UPPER + _DIGITS
GROUP = 4
MIN_GROUPS = 4  # 16 random characters from 57: about 93 bits


def temporary_password(min_length: int = 12) -> str:
    """A random password like `k7Pq-W3xm-aZ9d-Rt4e`: groups of four joined by hyphens,
    always with a lowercase letter, an uppercase letter, a digit and a symbol, and
    at least as long as the clinic's minimum length."""
    groups = max(MIN_GROUPS, math.ceil((min_length + 1) / (GROUP + 1)))
    while True:
        chars = "".join(secrets.choice(_ALPHABET) for _ in range(groups * GROUP))
        if (any(c in _LOWER for c in chars) and any(c in _UPPER for c in chars)
                and any(c in _DIGITS for c in chars)):
            return "-".join(chars[i:i + GROUP] for i in range(0, len(chars), GROUP))


def login_url(clinic_id: str, login_type: str) -> str:
    from chalicelib.core.settings import get_settings

    query = urlencode({"clinicID": clinic_id, "LoginType": "Patient" if login_type == "patient" else "Staff"})
    return f"{get_settings().public_base_url}/?{query}"


def credentials(clinic, *, login_type: str, username: str, password: str, must_change: bool) -> dict:
    """{"username", "temporary_password", "message"}: the message is ready to paste
    into a letter or a secure message to the person."""
    portal = "patient portal" if login_type == "patient" else "Staff Portal"
    lines = [
        f"Your {portal} account at {clinic.name}",
        "",
        f"Sign in at: {login_url(clinic.clinic_id, login_type)}",
        f"Clinic ID: {clinic.clinic_id}",
        f"Username: {username}",
        f"Temporary password: {password}",
        "",
    ]
    if must_change:
        lines.append("You will be asked to choose your own password when you first sign in.")
    lines.append("Keep this password private. Nobody from the clinic will ask you for it.")
    return {"username": username, "temporary_password": password, "message": "\n".join(lines)}
