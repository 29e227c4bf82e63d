"""Small helpers over PynamoDB: reads in one transaction, error classification, one-page Queries
and their cursors. (Writes: `chalicelib.core.records.write`.)"""
from __future__ import annotations

import base64
import json

from chalicelib.core.errors import InvalidRequest


def error_code(exc: Exception) -> str | None:
    """The DynamoDB error code behind a PynamoDB exception (`ConditionalCheckFailedException`,
    `ThrottlingException`...); None when DynamoDB never answered (a timeout, a refused
    connection: botocore's error then has no response, and PynamoDB's own
    `cause_response_code` raises AttributeError instead of returning None)."""
    response = getattr(getattr(exc, "cause", None), "response", None)
    if not isinstance(response, dict):
        return None
    return (response.get("Error") or {}).get("Code")


def is_dependency_failure(exc: Exception) -> bool:
    """DynamoDB (or another AWS service) failed or could not be reached: throttling,
    a 500, a timeout. The edge answers these with a 503 (`api.http.map_exception`)."""
    from botocore.exceptions import BotoCoreError, ClientError
    from pynamodb.exceptions import PynamoDBException

    return isinstance(exc, (PynamoDBException, BotoCoreError, ClientError))


def is_conditional_failure(exc: Exception) -> bool:
    return error_code(exc) == "ConditionalCheckFailedException"


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


def parse_cursor(cursor: str) -> dict:
    """An opaque cursor's content: a DynamoDB key (`{"name": {"S"|"N": "value"}}`), else 400."""
    bad = invalid_cursor()
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
    return data


def invalid_cursor() -> InvalidRequest:
    return InvalidRequest("The cursor is not valid; start again from the first page.", code="invalid_cursor")


def decode_cursor(cursor: str | None, *, hash_key_name: str, hash_key_value: str) -> dict | None:
    """Decode an opaque cursor and check it points into the caller's own partition."""
    if cursor in (None, ""):
        return None
    data = parse_cursor(cursor)
    if data.get(hash_key_name) != {"S": hash_key_value}:
        raise invalid_cursor()
    return data


def page_start(cursor, *, hash_name: str, hash_value: str, key_names: tuple[str, ...],
               prefix_name: str | None = None, prefix: str = "") -> dict | None:
    """Decode a cursor for one Query: it must point into the caller's partition
    (`decode_cursor`), carry exactly this index's key attributes and, with a
    begins_with condition, lie inside it. DynamoDB would refuse anything else
    with a ValidationException; the caller gets 400 `invalid_cursor` instead."""
    start = decode_cursor(cursor, hash_key_name=hash_name, hash_key_value=hash_value)
    if start is None:
        return None
    return check_start(start, key_names=key_names, prefix_name=prefix_name, prefix=prefix)


def check_start(start: dict, *, key_names: tuple[str, ...], prefix_name: str | None = None,
                prefix: str = "") -> dict:
    """`page_start`'s checks of a decoded key (its partition already checked)."""
    if set(start) != set(key_names) or any("S" not in value for value in start.values()):
        raise invalid_cursor()
    if prefix_name and prefix and not start[prefix_name]["S"].startswith(prefix):
        raise invalid_cursor()
    return start


def query_page(model, query, hash_key, *, limit: int, start: dict | None, key_names: tuple[str, ...],
               **kwargs):
    """One page of a Query: exactly one DynamoDB call, whatever the filter.

    Asks for `limit + 1` items so the cursor is only returned when another item
    really follows (no empty last page). Returns (items, last_key or None)."""
    results = query(hash_key, limit=limit + 1, page_size=limit + 1, last_evaluated_key=start, **kwargs)
    page = next(results.page_iter)
    raw_items = page.get("Items") or []
    if len(raw_items) > limit:
        raw_items = raw_items[:limit]
        last_key = {name: raw_items[-1][name] for name in key_names}
    else:
        last_key = page.get("LastEvaluatedKey")  # set only when a filter left the page short
    return [model.from_raw_data(raw) for raw in raw_items], last_key
