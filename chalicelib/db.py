"""Small helpers over PynamoDB: transactions with retry, error classification, cursors."""
from __future__ import annotations

import base64
import json
import random
import time
from typing import Callable

from chalicelib.errors import InvalidRequest


def is_conditional_failure(exc: Exception) -> bool:
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def cancellation_codes(exc: Exception) -> list[str | None]:
    reasons = getattr(exc, "cancellation_reasons", None) or []
    return [getattr(r, "code", None) if r is not None else None for r in reasons]


def transact_write(build: Callable, *, attempts: int = 3):
    """Run `build(tw)` inside a TransactWrite, retrying on transaction conflicts.

    A ConditionalCheckFailed cancellation is raised (TransactWriteError) for the
    caller to interpret with `cancellation_codes`.
    """
    from pynamodb.exceptions import TransactWriteError
    from pynamodb.transactions import TransactWrite

    from chalicelib.models import connection

    for attempt in range(attempts):
        try:
            with TransactWrite(connection=connection()) as tw:
                result = build(tw)
            return result
        except TransactWriteError as exc:
            codes = cancellation_codes(exc)
            conflict = "TransactionConflict" in codes or exc.cause_response_code in (
                "TransactionConflictException", "TransactionInProgressException")
            if not conflict or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))


def transact_get(*requests):
    """TransactGet of (model_cls, hash_key[, range_key]) tuples; returns items or None each."""
    from pynamodb.transactions import TransactGet

    from chalicelib.models import connection

    futures = []
    with TransactGet(connection=connection()) as tg:
        for model_cls, *keys in requests:
            futures.append((model_cls, tg.get(model_cls, *keys)))
    out = []
    for model_cls, future in futures:
        try:
            out.append(future.get())
        except model_cls.DoesNotExist:
            out.append(None)
    return out


def encode_cursor(last_evaluated_key: dict | None) -> str | None:
    if not last_evaluated_key:
        return None
    raw = json.dumps(last_evaluated_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, hash_key_name: str, hash_key_value: str) -> dict | None:
    """Decode an opaque cursor and check it points into the caller's own partition."""
    if cursor in (None, ""):
        return None
    bad = InvalidRequest("The cursor is not valid; start again from the first page.", code="invalid_cursor")
    if not isinstance(cursor, str) or len(cursor) > 2048:
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError):
        raise bad from None
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, dict) and len(v) == 1
            and next(iter(v)) in ("S", "N") and isinstance(next(iter(v.values())), str)
            for k, v in data.items()):
        raise bad
    if data.get(hash_key_name) != {"S": hash_key_value}:
        raise bad
    return data
