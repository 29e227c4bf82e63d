"""The one AWS API call counter, shared by the tests (`aws_calls` fixture in
tests/conftest.py) and the bench (infra/bench).

It wraps botocore's `BaseClient._make_api_call`, the single place every boto3 and
PynamoDB request goes through, so nothing the app does can bypass it:

    with CallCounter() as counter:          # installed until the block ends
        ...
        counter.count("dynamodb", "Query")  # every call since install/reset
        with counter.window() as calls:     # DynamoDB calls of one request
            ...
        calls["GetItem"], calls.sequence, calls.query_limits, calls.scanned,
        calls.items_read, calls.db_ms, calls.records, calls.others

`CallCounter(peek=...)` (the bench) also records, for every item a write touches,
the item before and after the call (`Call.before` / `Call.after`), which is what
DynamoDB bills a write by; the peeks go around the counter, and the time they take
is kept apart (`Calls.peek_ms`) so the caller can take it out of its wall time.
"""
from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

# DynamoDB write operations, and where their items' keys are in the request.
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
SCANNING = {"Query", "Scan"}
BY_KEY = {"GetItem", "BatchGetItem", "TransactGetItems"}


def keys_asked(operation: str, params: dict) -> int:
    """How many items a read by key asks for."""
    if operation == "GetItem":
        return 1
    if operation == "BatchGetItem":
        return sum(len(r.get("Keys", [])) for r in params.get("RequestItems", {}).values())
    return len(params.get("TransactItems", []))


@dataclass
class Call:
    """One DynamoDB call of a window: its request, its response (None when it
    raised; `error` then holds the error code) and, with a `peek`, the items it
    wrote as they were before and after it, keyed by (table, key as a sorted tuple)."""
    operation: str
    params: dict
    response: dict | None = None
    error: str | None = None
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)


class Calls(Counter):
    """DynamoDB calls made inside one `CallCounter.window()`, by operation name;
    also their order (`sequence`), each Query's Limit (`query_limits`), each
    Query's and Scan's ScannedCount (`scanned`; `items_read` is their sum: what
    DynamoDB read, including what a FilterExpression then discarded), the time
    spent inside them (`db_ms`: botocore, the emulator, parsing) and every call's
    request and response (`records`)."""

    def __init__(self):
        super().__init__()
        self.sequence: list[str] = []
        self.query_limits: list = []
        self.scanned: list[int] = []
        self.key_reads: list[int] = []  # each GetItem's, BatchGetItem's and TransactGetItems' keys
        self.records: list[Call] = []
        self.others: Counter = Counter()  # other services' calls in the window ("ses.SendEmail": n)
        self.db_ms = 0.0
        self.peek_ms = 0.0  # time spent peeking at written items (not the app's, not DynamoDB's)

    @property
    def items_read(self) -> int:
        return sum(self.scanned)

    @property
    def keys_read(self) -> int:
        """Items read by key: every key a GetItem, BatchGetItem or TransactGetItems asked for."""
        return sum(self.key_reads)


def written_keys(operation: str, params: dict) -> list[tuple[str, dict]]:
    """(table, key) of every item a write request touches; Put items carry their
    whole item, so the key is the item itself (the peek narrows it to the key)."""
    out = []
    if operation in ("UpdateItem", "DeleteItem"):
        out.append((params["TableName"], params["Key"]))
    elif operation == "PutItem":
        out.append((params["TableName"], params["Item"]))
    elif operation == "TransactWriteItems":
        for entry in params.get("TransactItems", []):
            (kind, body), = entry.items()
            out.append((body["TableName"], body["Item"] if kind == "Put" else body["Key"]))
    elif operation == "BatchWriteItem":
        for table, requests in params.get("RequestItems", {}).items():
            for r in requests:
                if "PutRequest" in r:
                    out.append((table, r["PutRequest"]["Item"]))
                else:
                    out.append((table, r["DeleteRequest"]["Key"]))
    return out


def item_ref(table: str, key: dict) -> tuple:
    return table, tuple(sorted((name, tuple(sorted(value.items()))) for name, value in key.items()))


class CallCounter:
    """Counts AWS API calls at the botocore level while installed (a context
    manager): `calls` lists every (service, operation) in order; `window()` collects
    the DynamoDB calls of one measured stretch into a `Calls`.

    `peek(client, original, table, item_or_key) -> stored item | None`, when given,
    is called (around the counter) for every item a windowed write touches, before
    and after the write."""

    def __init__(self, peek: Callable | None = None):
        self.calls: list[tuple[str, str]] = []
        self._window: Calls | None = None
        self._original = None
        self._lock = threading.Lock()
        self._peek = peek
        self.tables: dict[str, dict] = {}

    # ------------------------------------------------------------ reading

    def count(self, service: str = "dynamodb", operation: str | None = None) -> int:
        return sum(1 for s, o in self.calls if s == service and (operation is None or o == operation))

    def dynamodb(self) -> Counter:
        """DynamoDB calls since install (or the last reset), by operation name."""
        return Counter(o for s, o in self.calls if s == "dynamodb")

    def reset(self) -> None:
        self.calls.clear()

    @contextlib.contextmanager
    def window(self):
        self._window = calls = Calls()
        try:
            yield calls
        finally:
            self._window = None

    # ------------------------------------------------------------ installing

    def _images(self, client, record: Call, into: dict) -> None:
        t0 = time.perf_counter()
        for table, key in written_keys(record.operation, record.params):
            table, key = self._key_of(client, table, key)
            into[item_ref(table, key)] = self._peek(client, self._original, table, key)
        self._window_peek_ms(time.perf_counter() - t0)

    def table(self, client, name: str) -> dict:
        """DescribeTable's `Table` (cached; around the counter): key schema and indexes."""
        if name not in self.tables:
            self.tables[name] = self._original(client, "DescribeTable", {"TableName": name})["Table"]
        return self.tables[name]

    def _key_of(self, client, table: str, item_or_key: dict) -> tuple[str, dict]:
        names = [k["AttributeName"] for k in self.table(client, table)["KeySchema"]]
        return table, {n: item_or_key[n] for n in names if n in item_or_key}

    def _window_peek_ms(self, seconds: float) -> None:
        if self._window is not None:
            self._window.peek_ms += seconds * 1000

    def __enter__(self):
        from botocore.client import BaseClient
        from botocore.exceptions import ClientError

        original = self._original = BaseClient._make_api_call
        counter = self

        def _make_api_call(client, operation_name, api_params):
            service = client.meta.service_model.service_name
            with counter._lock:
                counter.calls.append((service, operation_name))
                if counter._window is not None and service != "dynamodb":
                    counter._window.others[f"{service}.{operation_name}"] += 1
                window = counter._window if service == "dynamodb" else None
                if window is not None:
                    window[operation_name] += 1
                    window.sequence.append(operation_name)
                    if operation_name == "Query":
                        window.query_limits.append(api_params.get("Limit"))
                    if operation_name in BY_KEY:
                        window.key_reads.append(keys_asked(operation_name, api_params))
            if window is None:
                return original(client, operation_name, api_params)
            record = Call(operation_name, api_params)
            window.records.append(record)
            peek = counter._peek is not None and operation_name in WRITES
            if peek:
                counter._images(client, record, record.before)
            t0 = time.perf_counter()
            try:
                record.response = original(client, operation_name, api_params)
            except ClientError as exc:
                record.error = exc.response.get("Error", {}).get("Code", "ClientError")
                raise
            finally:
                window.db_ms += (time.perf_counter() - t0) * 1000
                if record.response is not None and operation_name in SCANNING:
                    window.scanned.append(int(record.response.get("ScannedCount", 0)))
                if peek:
                    counter._images(client, record, record.after)
            return record.response

        BaseClient._make_api_call = _make_api_call
        return self

    def __exit__(self, *exc):
        from botocore.client import BaseClient

        BaseClient._make_api_call = self._original


def consistent_get(client, original, table: str, key: dict) -> dict | None:
    """A `peek`: the stored item, read strongly consistent around the counter."""
    return original(client, "GetItem", {"TableName": table, "Key": key, "ConsistentRead": True}).get("Item")
