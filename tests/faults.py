"""Fault injection at the botocore level, and table dumps to compare, for the
fault matrix (tests/api/test_fault_matrix.py).

`Faults` wraps `botocore.client.BaseClient._make_api_call`, the one place every
boto3 and PynamoDB request goes through (as `infra.calls` does to count them).
While armed it records each AWS call of the request and can make the n-th one
fail as if it and all botocore's retries of it had failed: the exception is
raised where botocore would raise it after its last retry, so nothing reaches
DynamoDB or SES for that call.

    with Faults() as faults:
        with faults.armed(fail_at=3, kind="throttle") as run:
            reply = browser.post(...)
        run.calls   # [("dynamodb", "TransactGetItems"), ...]; run.failed: the call that failed
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

# Each kind of failure, as botocore reports it once its retries are spent.
KINDS = ("throttle", "server_error", "timeout", "cancelled")
TRANSACT_OPERATIONS = ("TransactWriteItems", "TransactGetItems")


def applies(kind: str, service: str, operation: str) -> bool:
    """A TransactionCanceledException only answers a transaction."""
    return kind != "cancelled" or (service == "dynamodb" and operation in TRANSACT_OPERATIONS)


def _client_error(operation: str, code: str, status: int, message: str, **extra):
    from botocore.exceptions import ClientError

    response = {"Error": {"Code": code, "Message": message},
                "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}, "RetryAttempts": 2}}
    response.update(extra)
    return ClientError(response, operation)


def fault(kind: str, service: str, operation: str, params: dict) -> Exception:
    """The exception botocore raises for `kind` on this call."""
    from botocore.exceptions import ReadTimeoutError

    endpoint = f"https://{service}.us-east-1.amazonaws.com/"
    if kind == "timeout":
        return ReadTimeoutError(endpoint_url=endpoint)
    if kind == "server_error":
        code = "InternalServerError" if service == "dynamodb" else "InternalFailure"
        return _client_error(operation, code, 500, "Internal server error")
    if kind == "throttle":
        if service != "dynamodb":
            return _client_error(operation, "Throttling", 400, "Maximum sending rate exceeded.")
        code = "ThrottlingException" if operation in TRANSACT_OPERATIONS else "ProvisionedThroughputExceededException"
        return _client_error(operation, code, 400, "The level of configured provisioned throughput was exceeded")
    if kind == "cancelled":
        items = params.get("TransactItems") or []
        reasons = [{"Code": "ThrottlingError", "Message": "Throughput exceeds the current capacity."}]
        reasons += [{"Code": "None"}] * (len(items) - 1)
        return _client_error(operation, "TransactionCanceledException", 400,
                             "Transaction cancelled, please refer cancellation reasons for specific reasons "
                             "[ThrottlingError" + ", None" * (len(items) - 1) + "]",
                             CancellationReasons=reasons)
    raise ValueError(kind)


@dataclass
class Run:
    """The AWS calls of one armed stretch, and the one that was made to fail."""
    fail_at: int | None
    kind: str | None
    calls: list = field(default_factory=list)
    failed: tuple | None = None


class Faults:
    """Installed as a context manager; `armed()` records (and may fail) the calls of one request."""

    def __init__(self):
        self._run: Run | None = None
        self._original = None

    @contextlib.contextmanager
    def armed(self, fail_at: int | None = None, kind: str | None = None):
        self._run = run = Run(fail_at, kind)
        try:
            yield run
        finally:
            self._run = None

    def __enter__(self):
        from botocore.client import BaseClient

        original = self._original = BaseClient._make_api_call
        faults = self

        def _make_api_call(client, operation_name, api_params):
            run = faults._run
            if run is not None:
                service = client.meta.service_model.service_name
                run.calls.append((service, operation_name))
                if run.fail_at == len(run.calls):
                    run.failed = (service, operation_name)
                    raise fault(run.kind, service, operation_name, api_params)
            return original(client, operation_name, api_params)

        BaseClient._make_api_call = _make_api_call
        return self

    def __exit__(self, *exc):
        from botocore.client import BaseClient

        BaseClient._make_api_call = self._original


# ---------------------------------------------------------------- the tables

# What an authenticated request refreshes on its own session, and an integration key's
# use on the key (each at most once a minute).
VOLATILE = {"sessions": ("last_seen_at", "expires_at"), "integration_keys": ("last_used_at",)}


def dump() -> dict[str, dict[tuple, dict]]:
    """Every item of every table of the stage: {short table name: {key: item}} (raw
    DynamoDB JSON), with the session refresh left out (see VOLATILE). Read from
    moto's backend directly: a Scan of each table per case would cost more than the
    case itself."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.core.settings import get_settings

    settings = get_settings()
    prefix = settings.table_prefix
    out = {}
    for name, table in dynamodb_backends[DEFAULT_ACCOUNT_ID][settings.region].tables.items():
        if not name.startswith(prefix):
            continue
        short = name[len(prefix):]
        keys = [k for k in (table.hash_key_attr, table.range_key_attr) if k]
        items = {}
        for item in table.all_items():
            raw = item.to_json()["Attributes"]
            items[tuple(next(iter(raw[k].values())) for k in keys)] = {
                a: v for a, v in raw.items() if a not in VOLATILE.get(short, ())}
        out[short] = items
    return out


def _number(item: dict | None, name: str) -> int:
    return int(item[name]["N"]) if item and name in item else 0


def counter_state(item: dict | None) -> tuple[int, int, int]:
    """What a login counter decides by: (failures, attempts, pending); a missing
    counter is all zeros."""
    return _number(item, "failures"), _number(item, "attempts"), _number(item, "pending")


def comparable(tables: dict) -> dict:
    """The tables as the state the portal acts on: login counters by what they
    decide (an absent counter and one given back to zero are the same)."""
    out = {name: items for name, items in tables.items() if name != "login_counters"}
    out["login_counters"] = {key: counter_state(item) for key, item in tables.get("login_counters", {}).items()
                             if counter_state(item) != (0, 0, 0)}
    return out


def differences(before: dict, after: dict) -> list[str]:
    """What changed between two dumps (comparable), as readable lines."""
    a, b = comparable(before), comparable(after)
    lines = []
    for table in sorted(set(a) | set(b)):
        x, y = a.get(table, {}), b.get(table, {})
        for key in sorted(set(x) | set(y), key=repr):
            if key not in x:
                lines.append(f"{table}: added {key}")
            elif key not in y:
                lines.append(f"{table}: removed {key}")
            elif x[key] != y[key]:
                changed = sorted(n for n in set(x[key]) | set(y[key]) if x[key].get(n) != y[key].get(n)) \
                    if isinstance(x[key], dict) else [f"{x[key]} -> {y[key]}"]
                lines.append(f"{table}: changed {key}: {changed}")
    return lines


def effect(before: dict, after: dict) -> dict:
    """The shape of what a request did: per table the number of items added,
    removed and changed; the audit events added (kind, outcome); each login
    counter's change of (failures, attempts, pending)."""
    a, b = comparable(before), comparable(after)
    out: dict = {}
    for table in sorted(set(a) | set(b)):
        if table in ("audit_events", "login_counters"):
            continue
        x, y = a.get(table, {}), b.get(table, {})
        counts = (len(set(y) - set(x)), len(set(x) - set(y)), sum(1 for k in set(x) & set(y) if x[k] != y[k]))
        if counts != (0, 0, 0):
            out[table] = counts
    x, y = a.get("audit_events", {}), b.get("audit_events", {})
    out["audit"] = sorted((y[k]["kind"]["S"], (y[k].get("outcome") or {}).get("S")) for k in set(y) - set(x))
    x, y = a.get("login_counters", {}), b.get("login_counters", {})
    out["counters"] = sorted((k[0].split("#")[0],) + tuple(n - o for n, o in zip(y.get(k, (0, 0, 0)),  # noqa: B905 - both are 3-tuples
                                                                                 x.get(k, (0, 0, 0))))
                             for k in set(x) | set(y) if x.get(k) != y.get(k))
    return out
