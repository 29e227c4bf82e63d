"""Login attempts: counting before checking, and temporary lockout with back-off.

Counters are per (clinic, login type, normalized username), whether or not the
account exists, and per (clinic, source IP, 15-minute window).

**An attempt takes its slot before its password is checked.** `Attempt.take()` is
one TransactWrite of two conditional `ADD attempts 1` (username counter and IP
window counter); DynamoDB grants it only while

    attempts (= failures + pending) < threshold                       (username)
    attempts < ip_failure_limit                                       (IP window)

so a burst of parallel requests verifies at most `threshold` passwords for a
username, and `ip_failure_limit` from an address, whatever the concurrency. The
slot is then settled in the same transaction as the outcome: a wrong password
turns it into a counted failure (`ADD failures 1, pending -1`), a success resets
the username counter (`failures = 0`, only the other pending slots stay) and
releases the IP slot, anything else (portal access off, an error) releases both.

The lock itself is derived from the username counter, never written separately:

    locked while failures >= threshold and
                 now < last_failure_at + lockout_minutes * 2 ** (failures - threshold)

(capped at 24 h). An attempt while locked is refused before it takes a slot, so it
does not extend the lock. When a lock has run out, one slot opens (the condition is
`attempts = failures as read`: no new failure, nobody pending); its failure locks
again for twice as long.

A slot whose request died before settling it stops counting after one lock window
(`pending_at`): the next attempt resets `pending`. A success bumps `generation`,
and a slot is only granted against the generation the attempt read, so requests of
a burst that raced a success cannot start a fresh count.

**A trusted device (devices.py) takes its slot on its own counter instead**, the
device item `device#<clinic_key>#<hash>`, under the same rules and threshold;
its failures count there (and against the IP), never against the username. The
item is the cookie's record, so it is only ever updated while it exists and keeps
the cookie's expiry; its failures are forgotten two days after the last one
(COUNTER_RETENTION_S), and a success retires it (a new cookie is issued).
"""
from __future__ import annotations

from contextlib import contextmanager, suppress
from datetime import UTC

IP_WINDOW_S = 15 * 60
MAX_LOCK_S = 24 * 3600
COUNTER_RETENTION_S = 2 * 24 * 3600
BUSY_RETRY_S = 5


def user_counter_key(clinic_key: str, login_type: str, username_key: str) -> str:
    return f"user#{clinic_key}#{login_type}#{username_key}"


def ip_counter_key(clinic_key: str, source_ip: str, now: int) -> str:
    return f"ip#{clinic_key}#{source_ip}#{now // IP_WINDOW_S}"


def live_counter(counter, now: int):
    """The counter as read, or None once its retention has run out."""
    if counter is None or counter.expires_at is None:
        return counter
    expires = int(counter.expires_at.timestamp())
    return counter if expires > now else None


def lock_seconds_left(counter, settings, now: int) -> int:
    """Seconds until the username may try again; 0 when not locked."""
    counter = live_counter(counter, now)
    if counter is None or counter.last_failure_at is None:
        return 0
    failures = int(counter.failures or 0)
    threshold = settings.lockout_threshold
    if failures < threshold:
        return 0
    duration = min(settings.lockout_minutes * 60 * 2 ** min(failures - threshold, 20), MAX_LOCK_S)
    return max(0, int(counter.last_failure_at) + duration - now)


def ip_seconds_left(counter, settings, now: int) -> int:
    counter = live_counter(counter, now)
    if counter is None or int(counter.failures or 0) < settings.ip_failure_limit:
        return 0
    return IP_WINDOW_S - now % IP_WINDOW_S


class _NoSlot(Exception):
    def __init__(self, seconds: int):
        self.seconds = seconds


def _same(attribute, value):
    """Condition: the attribute still has the value read (or is still missing)."""
    return attribute.does_not_exist() if value is None else attribute == value


class Attempt:
    """One guess of a password: the slots it holds and how they are settled.

        attempt = Attempt(...)
        wait = attempt.take()            # 0, or seconds to wait (no slot: refuse)
        with attempt.held():             # an exception before settling releases the slots
            ...verify...
            write(lambda tx: attempt.failed(tx) ...); attempt.settled = True

    `user_counter`/`ip_counter` are the counters as the request read them. With
    `ip_slot=False` (a password change) only the username takes a slot; a failure
    still counts against the source IP. With `device` (the item of a trusted device
    cookie, as read) the slot is taken on the device's counter, not the username's.
    """

    def __init__(self, clinic_key: str, login_type: str, username_key: str, source_ip: str, now: int,
                 settings, user_counter, ip_counter=None, *, ip_slot: bool = True, device=None):
        from datetime import datetime

        self.device = device
        if device is not None:
            self.user_key, self.user_counter, self.expires = device.counter_key, device, device.expires_at
        else:
            self.user_key = user_counter_key(clinic_key, login_type, username_key)
            self.user_counter = user_counter
            self.expires = datetime.fromtimestamp(now + COUNTER_RETENTION_S, tz=UTC)
        self.ip_key = ip_counter_key(clinic_key, source_ip, now)
        self.ip_counter = ip_counter
        self.now = now
        self.settings = settings
        self.ip_slot = ip_slot
        self.ip_expires = datetime.fromtimestamp((now // IP_WINDOW_S + 1) * IP_WINDOW_S + 3600, tz=UTC)
        self.settled = False

    # ------------------------------------------------------------ taking
    def take(self) -> int:
        """Take the slots in one transaction. 0 when taken; else seconds to wait."""
        from pynamodb.exceptions import TransactWriteError

        from chalicelib.core.records import contended, write

        def user_full():
            return _NoSlot(self.settings.lockout_minutes * 60)

        def ip_full():
            return _NoSlot(IP_WINDOW_S - self.now % IP_WINDOW_S)

        try:
            write(self._take, failed={"ip": ip_full, "user": user_full})
        except _NoSlot as refused:
            return refused.seconds
        except TransactWriteError as exc:
            if not contended(exc):
                raise                  # an outage is a 503, not a lockout
            return BUSY_RETRY_S        # still contended after retries: refuse, never check
        return 0

    def _take(self, tx) -> None:
        from chalicelib.models import LoginCounterModel as C

        actions, condition = self._user_take()
        if self.device is not None:
            condition &= C.counter_key.exists()   # a device item is never re-created by a count
        tx.update("user", C(self.user_key), actions=actions, condition=condition)
        if self.ip_slot:
            tx.update("ip", C(self.ip_key),
                      actions=[C.attempts.add(1), C.expires_at.set(self.ip_expires)],
                      condition=C.attempts.does_not_exist() | (C.attempts < self.settings.ip_failure_limit))

    def _user_take(self):
        from chalicelib.models import LoginCounterModel as C

        keep = [C.pending_at.set(self.now), C.expires_at.set(self.expires)]
        threshold = self.settings.lockout_threshold
        seen = self.user_counter
        if seen is None:
            # First attempt, unless others are creating the counter right now.
            return ([C.attempts.add(1), C.pending.add(1)] + keep,
                    C.counter_key.does_not_exist() | ((C.attempts < threshold) & C.generation.does_not_exist()))
        if live_counter(seen, self.now) is None:
            # The counter outlived its retention: start again from this attempt.
            return ([C.failures.set(0), C.attempts.set(1), C.pending.set(1), C.last_failure_at.remove()] + keep,
                    _same(C.expires_at, seen.expires_at))
        failures = int(seen.failures or 0)
        pending = int(seen.pending or 0)
        window = self.settings.lockout_minutes * 60
        last = int(seen.last_failure_at or 0)
        if self.device is not None and failures and last + COUNTER_RETENTION_S <= self.now:
            # A device's failures are forgotten COUNTER_RETENTION_S after the last one
            # (slots still pending stay counted; only if nothing changed since we read it).
            return ([C.failures.set(0), C.attempts.set(pending + 1), C.pending.set(pending + 1),
                     C.last_failure_at.remove()] + keep,
                    _same(C.last_failure_at, seen.last_failure_at) & _same(C.attempts, seen.attempts)
                    & _same(C.pending, seen.pending) & _same(C.generation, seen.generation))
        if seen.attempts is None or (pending > 0 and int(seen.pending_at or 0) + window <= self.now):
            # Pending slots older than a lock window belong to requests that died:
            # drop them (only if nothing changed since we read the counter).
            return ([C.attempts.set(failures + 1), C.pending.set(1)] + keep,
                    _same(C.attempts, seen.attempts) & _same(C.failures, seen.failures)
                    & _same(C.pending_at, seen.pending_at) & _same(C.generation, seen.generation))
        room = C.attempts < threshold
        if failures >= threshold:
            # The lock has run out (checked before): one slot, if nothing happened since.
            room = room | (C.attempts == failures)
        return [C.attempts.add(1), C.pending.add(1)] + keep, room & _same(C.generation, seen.generation)

    # ------------------------------------------------------------ settling
    def failed(self, tx) -> None:
        """The password was wrong (or the account unusable): the slot becomes a counted failure."""
        from chalicelib.models import LoginCounterModel as C

        tx.update("lockout", C(self.user_key), actions=[
            C.failures.add(1), C.pending.add(-1), C.last_failure_at.set(self.now),
            C.expires_at.set(self.expires)])
        ip_actions = [C.failures.add(1), C.last_failure_at.set(self.now), C.expires_at.set(self.ip_expires)]
        if not self.ip_slot:
            ip_actions.append(C.attempts.add(1))
        tx.update("lockout_ip", C(self.ip_key), actions=ip_actions)

    def succeeded(self, tx) -> None:
        """A successful login: the username's count starts again (only other pending slots stay).
        From a trusted device, the device's cookie is retired instead (a new one is issued)."""
        from chalicelib.models import LoginCounterModel as C

        if self.device is not None:
            tx.delete("lockout", C(self.user_key))
            self._release_ip(tx)
            return
        tx.update("lockout", C(self.user_key), actions=[
            C.failures.set(0), C.pending.set((C.pending | 1) - 1), C.attempts.set((C.pending | 1) - 1),
            C.generation.add(1), C.last_failure_at.remove()])
        self._release_ip(tx)

    def released(self, tx) -> None:
        """Neither a failure nor a login (portal access off, a right current password): give the slots back."""
        from chalicelib.models import LoginCounterModel as C

        actions = [C.attempts.add(-1), C.pending.add(-1)]
        if self.device is not None:
            actions.append(C.expires_at.set(self.expires))   # were it gone meanwhile: no item without a TTL
        tx.update("lockout", C(self.user_key), actions=actions)
        self._release_ip(tx)

    def _release_ip(self, tx) -> None:
        from chalicelib.models import LoginCounterModel as C

        if self.ip_slot:
            tx.update("lockout_ip", C(self.ip_key), actions=[C.attempts.add(-1)])

    @contextmanager
    def held(self):
        """Release the slots if the block raises before it settled them."""
        try:
            yield self
        except BaseException:
            if not self.settled:
                self._abandon()
            raise

    def _abandon(self) -> None:
        from chalicelib.core.records import write

        # Best effort: an unsettled slot lapses after one lock window.
        with suppress(Exception):
            write(self.released)
            self.settled = True
