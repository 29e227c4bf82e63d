"""Password hashing (argon2id) and the password policy."""
from __future__ import annotations

import functools
import re
from contextlib import suppress

from chalicelib.core.errors import InvalidRequest
from chalicelib.core.limits import PASSWORD_MAX as MAX_PASSWORD_LENGTH


class PasswordPolicyError(InvalidRequest):
    code = "password_policy"


@functools.lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int, parallelism: int):
    from argon2 import PasswordHasher, Type

    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib,
                          parallelism=parallelism, type=Type.ID)


def hasher():
    from chalicelib.core.settings import get_settings

    s = get_settings()
    return _hasher(s.argon2_time_cost, s.argon2_memory_kib, s.argon2_parallelism)


def hash_password(password: str) -> str:
    return hasher().hash(password)


@functools.lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash("not a real password: timing equalizer")


def verify_password(stored_hash: str | None, password: str) -> tuple[bool, bool]:
    """(matches, needs_rehash). With no stored hash, verifies against a dummy hash
    so an unknown account costs the same time as a known one."""
    from argon2.exceptions import InvalidHashError, VerificationError

    ph = hasher()
    if not stored_hash:
        p = ph
        with suppress(VerificationError):  # a dummy verify: the time, not the answer
            ph.verify(_dummy_hash(p.time_cost, p.memory_cost, p.parallelism), password)
        return False, False
    try:
        ph.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, ph.check_needs_rehash(stored_hash)


def _classes(password: str) -> int:
    return sum((
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ))


# A clinic's name or Clinic ID inside a password is refused (case-insensitively), like
# the username: each word of the name and the Clinic ID of at least this many letters.
# Shorter ones ("ABC", "Bay") are too likely to occur by chance in an unrelated passphrase.
CLINIC_TERM_MIN = 4
# Words every other clinic's name holds: refusing them says nothing about this clinic.
GENERIC_CLINIC_WORDS = frozenset({
    "clinic", "clinics", "family", "medical", "medicine", "health", "healthcare", "practice",
    "group", "community", "center", "centre", "care", "associates", "hospital", "doctors"})


def clinic_terms(clinic_id: str | None, name: str | None) -> list[str]:
    """The parts of a clinic's identity a password must not contain (casefolded)."""
    words = re.findall(r"[^\W_]+", (name or "").casefold())
    terms = [w for w in words if len(w) >= CLINIC_TERM_MIN and w not in GENERIC_CLINIC_WORDS]
    whole = "".join(words)
    if len(whole) >= CLINIC_TERM_MIN and whole not in terms and len(words) > 1:
        terms.append(whole)
    cid = (clinic_id or "").casefold()
    if len(cid) >= CLINIC_TERM_MIN:
        terms.append(cid)
    return list(dict.fromkeys(terms))


def check_policy(password: object, clinic_settings, user_inputs: list[str],
                 clinic: list[str] | tuple = ()) -> str:
    """Raise PasswordPolicyError saying what to fix, or return the password.
    `clinic`: the clinic's terms (clinic_terms), refused like the username."""
    if not isinstance(password, str) or not password:
        raise PasswordPolicyError("Enter a new password.")
    min_length = clinic_settings.password_min_length
    if len(password) < min_length:
        raise PasswordPolicyError(f"Use at least {min_length} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordPolicyError(f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    folded = password.casefold()
    for value in user_inputs:
        if not value:
            continue
        for part in {value.casefold(), value.split("@")[0].casefold()}:
            if len(part) >= 3 and part in folded:
                raise PasswordPolicyError("Don't use your username or email address in your password.")
    squeezed = re.sub(r"[\W_]+", "", folded)
    for term in clinic:
        if term in folded or term in squeezed:
            raise PasswordPolicyError("Don't use the clinic's name or Clinic ID in your password.")
    needed = clinic_settings.password_min_classes
    if needed and _classes(password) < needed:
        raise PasswordPolicyError(
            f"Use at least {needed} of these: lowercase letters, uppercase letters, digits, symbols.")
    import zxcvbn  # imported only when a password is being set

    # zxcvbn rates at most 72 characters; past that, length alone is not weakness,
    # but a long run of one pattern still is, and its first 72 characters show it.
    result = zxcvbn.zxcvbn(password[:72], user_inputs=[v for v in list(user_inputs) + list(clinic) if v])
    if result["score"] < 3:
        feedback = result.get("feedback") or {}
        hint = feedback.get("warning") or "This password is too easy to guess."
        hint = hint.rstrip(".") + "."
        suggestions = " ".join(feedback.get("suggestions") or [])
        raise PasswordPolicyError(
            f"{hint} Try a longer passphrase of several unrelated words. {suggestions}".strip())
    return password
