"""Failed-login counting and temporary lockout with back-off.

Counters are per (clinic, login type, normalized username), whether or not the
account exists, and per (clinic, source IP, 15-minute window). Each failure is
one atomic `ADD`; nothing is read-modify-written, so concurrent failures are all
counted. The lock is derived from the counter, never written separately:

    locked while failures >= threshold and
                 now < last_failure_at + lockout_minutes * 2 ** (failures - threshold)

(capped at 24 h). An attempt while locked is refused before it is counted, so it
does not extend the lock; after a lock ends, each further failure locks again for
twice as long. A successful login deletes the username counter.
"""
from __future__ import annotations

IP_WINDOW_S = 15 * 60
MAX_LOCK_S = 24 * 3600
COUNTER_RETENTION_S = 2 * 24 * 3600


def user_counter_key(clinic_key: str, login_type: str, username_key: str) -> str:
    return f"user#{clinic_key}#{login_type}#{username_key}"


def ip_counter_key(clinic_key: str, source_ip: str, now: int) -> str:
    return f"ip#{clinic_key}#{source_ip}#{now // IP_WINDOW_S}"


def _live(counter, now: int):
    if counter is None or counter.expires_at is None:
        return counter
    expires = int(counter.expires_at.timestamp())
    return counter if expires > now else None


def lock_seconds_left(counter, settings, now: int) -> int:
    """Seconds until the username may try again; 0 when not locked."""
    counter = _live(counter, now)
    if counter is None or counter.last_failure_at is None:
        return 0
    failures = int(counter.failures or 0)
    threshold = settings.lockout_threshold
    if failures < threshold:
        return 0
    duration = min(settings.lockout_minutes * 60 * 2 ** min(failures - threshold, 20), MAX_LOCK_S)
    return max(0, int(counter.last_failure_at) + duration - now)


def ip_seconds_left(counter, settings, now: int) -> int:
    counter = _live(counter, now)
    if counter is None or int(counter.failures or 0) < settings.ip_failure_limit:
        return 0
    return IP_WINDOW_S - now % IP_WINDOW_S


def count_failure(clinic_key: str, login_type: str, username_key: str, source_ip: str,
                  seen_user_counter, now: int) -> None:
    """Count one failed attempt against the username and the source IP (atomic ADDs)."""
    from datetime import datetime, timezone

    from chalicelib.core.db import is_conditional_failure
    from chalicelib.models import LoginCounterModel as C
    from pynamodb.exceptions import UpdateError

    expires = datetime.fromtimestamp(now + COUNTER_RETENTION_S, tz=timezone.utc)
    user = C(user_counter_key(clinic_key, login_type, username_key))
    restarted = False
    if seen_user_counter is not None and _live(seen_user_counter, now) is None:
        # The counter outlived its retention: start again from one, unless another
        # request already did (then the plain ADD below counts this failure).
        try:
            user.update(actions=[C.failures.set(1), C.last_failure_at.set(now), C.expires_at.set(expires)],
                        condition=C.expires_at == seen_user_counter.expires_at)
            restarted = True
        except UpdateError as exc:
            if not is_conditional_failure(exc):
                raise
    if not restarted:
        user.update(actions=[C.failures.add(1), C.last_failure_at.set(now), C.expires_at.set(expires)])
    ip_expires = datetime.fromtimestamp((now // IP_WINDOW_S + 1) * IP_WINDOW_S + 3600, tz=timezone.utc)
    C(ip_counter_key(clinic_key, source_ip, now)).update(
        actions=[C.failures.add(1), C.last_failure_at.set(now), C.expires_at.set(ip_expires)])
