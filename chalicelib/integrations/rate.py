"""The per-key write limit: WRITES_PER_MINUTE requests per key per clock minute (a
fixed window), counted before anything is checked or written (like login
attempts: an atomic ADD conditional on the limit, in the login_counters table,
`integration#<key id>#<minute>`, expiring with the window). A request over the limit
is 429 `rate_limited` with Retry-After = the seconds to the next window. A request
that fails on a dependency gives its slot back (best effort; a slot that could not
be given back lapses with its window), so a retried 503 is not counted twice.
"""
from __future__ import annotations

import contextlib

from chalicelib.core.errors import TooManyAttempts

WRITES_PER_MINUTE = 600
WINDOW_S = 60


def counter_key(key_id: str, at: int) -> str:
    return f"integration#{key_id}#{at // WINDOW_S}"


def take(key_id: str, at: int) -> str:
    """Take a slot of this minute's window (the counter's key, to give it back)."""
    from datetime import UTC, datetime

    from chalicelib.core.db import is_conditional_failure
    from chalicelib.models import LoginCounterModel as C

    limit = WRITES_PER_MINUTE
    key = counter_key(key_id, at)
    window_end = (at // WINDOW_S + 1) * WINDOW_S
    try:
        expires = datetime.fromtimestamp(window_end + WINDOW_S, tz=UTC)
        C(key).update(actions=[C.attempts.add(1), C.expires_at.set(expires)],
                      condition=C.attempts.does_not_exist() | (C.attempts < limit))
    except Exception as exc:
        if is_conditional_failure(exc):
            raise TooManyAttempts(f"This integration key sent more than {limit} writes this minute. "
                                  "Wait for the next minute.", code="rate_limited",
                                  retry_after=max(1, window_end - at)) from None
        raise
    return key


def give_back(key: str) -> None:
    """Best effort: return a slot taken by a request that then failed."""
    from chalicelib.models import LoginCounterModel as C

    with contextlib.suppress(Exception):   # a slot that stays lapses with its window
        C(key).update(actions=[C.attempts.add(-1)], condition=C.attempts > 0)
