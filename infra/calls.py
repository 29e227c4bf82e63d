"""The one AWS API call counter, shared by the tests (`aws_calls` fixture in
tests/conftest.py) and the bench (infra/bench).

It wraps botocore's `BaseClient._make_api_call`, the single place every boto3 and
PynamoDB request goes through, so nothing the app does can bypass it:

    with CallCounter() as counter:          # installed until the block ends
        ...
        counter.count("dynamodb", "Query")  # every call since install/reset
        with counter.window() as calls:     # DynamoDB calls of one request
            ...
        calls["GetItem"], calls.sequence, calls.query_limits, calls.db_ms
"""
from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter


class Calls(Counter):
    """DynamoDB calls made inside one `CallCounter.window()`, by operation name;
    also their order (`sequence`), each Query's Limit (`query_limits`) and the time
    spent inside them (`db_ms`: botocore, moto's emulation, parsing)."""

    def __init__(self):
        super().__init__()
        self.sequence: list[str] = []
        self.query_limits: list = []
        self.db_ms = 0.0


class CallCounter:
    """Counts AWS API calls at the botocore level while installed (a context
    manager): `calls` lists every (service, operation) in order; `window()` collects
    the DynamoDB calls of one measured stretch into a `Calls`."""

    def __init__(self):
        self.calls: list[tuple[str, str]] = []
        self._window: Calls | None = None
        self._original = None
        self._lock = threading.Lock()

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

    def __enter__(self):
        from botocore.client import BaseClient

        original = self._original = BaseClient._make_api_call
        counter = self

        def _make_api_call(client, operation_name, api_params):
            service = client.meta.service_model.service_name
            with counter._lock:
                counter.calls.append((service, operation_name))
                window = counter._window if service == "dynamodb" else None
                if window is not None:
                    window[operation_name] += 1
                    window.sequence.append(operation_name)
                    if operation_name == "Query":
                        window.query_limits.append(api_params.get("Limit"))
            if window is None:
                return original(client, operation_name, api_params)
            t0 = time.perf_counter()
            try:
                return original(client, operation_name, api_params)
            finally:
                window.db_ms += (time.perf_counter() - t0) * 1000

        BaseClient._make_api_call = _make_api_call
        return self

    def __exit__(self, *exc):
        from botocore.client import BaseClient

        BaseClient._make_api_call = self._original
