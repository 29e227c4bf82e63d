"""Timing and medians: every operation round-robin (one sample of each per round,
argon2 verify included, so a change in machine load hits every figure alike),
medians of the measured rounds after the warm-ups, DynamoDB requests counted by
the shared botocore-level counter (infra.calls) around each measured request;
`scans` counts Scan calls over the whole run, setup included.

Garbage collection is paused during each timed request (as timeit does) and the
seeded data frozen out of collections: against moto, moto's allocations would
otherwise trigger collections of its own heap inside our code's time.

Per request the counter also gives the time spent inside botocore calls (`db_ms`:
botocore and moto's emulation) and so the time outside them (`app_ms`: what the
request costs us wherever DynamoDB runs), each Query's ScannedCount (`items_read`)
and, from the items read and written, the DynamoDB request units
(infra.bench.units) that price the operation (infra.bench.cost).

`run(quick=True)` is the cheap variant the test suite uses (cheap argon2, three
runs); its timings mean nothing, its request counts and items read are exact."""
from __future__ import annotations

import contextlib
import gc
import json
import os
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from infra.bench.coldstart import measure_cold_start
from infra.bench.cost import billed_ms, lambda_memory_mb, per_10k_mau, per_million
from infra.bench.environment import (
    CHEAP_ARGON2,
    COLD_RUNS,
    LOGIN_PW,
    QUICK_COLD_RUNS,
    QUICK_RUNS,
    QUICK_WARMUPS,
    REQUEST_LOG,
    RUNS,
    SEED,
    WARMUPS,
    BenchError,
    bench_environment,
    prod_argon2_env,
)
from infra.bench.operations import OPERATIONS, Bench, Operation
from infra.bench.targets import Target, evaluate
from infra.bench.units import request_units
from infra.calls import CallCounter, Calls, consistent_get


@dataclass
class Samples:
    ms: list[float] = field(default_factory=list)
    calls: list[Calls] = field(default_factory=list)
    db_ms: list[float] = field(default_factory=list)
    read_units: list[float] = field(default_factory=list)
    write_units: list[float] = field(default_factory=list)

    @property
    def app_ms(self) -> list[float]:
        return [t - d for t, d in zip(self.ms, self.db_ms, strict=True)]

    @property
    def items_read(self) -> list[int]:
        return [c.items_read for c in self.calls]

    @property
    def keys_read(self) -> list[int]:
        return [c.keys_read for c in self.calls]


@dataclass
class BenchRun:
    results: dict
    argon2_source: str
    argon2_params: dict
    runs: int
    warmups: int
    cold_runs: int
    calls: dict[str, Counter]  # per operation: DynamoDB calls of one request, by name
    unstable: dict[str, list[int]]  # operations whose request count varied between runs
    db_ms: dict[str, float] = field(default_factory=dict)  # per operation: median ms inside DynamoDB calls
    query_checks: list = field(default_factory=list)  # (Target, actual, limit, ok) from Operation.queries
    prepare_s: dict[str, float] = field(default_factory=dict)  # per operation: seconds its prepare took
    quick: bool = False
    memory_mb: int = 0
    partial: bool = False  # some operations only, or no cold start: missing targets are left out

    @property
    def checks(self):
        return evaluate(self.results, partial=self.partial) + self.query_checks

    @property
    def passed(self) -> bool:
        return not self.unstable and all(ok for *_, ok in self.checks)


def _sample(bench: Bench, counter: CallCounter, op: Operation, into: Samples | None, tables: dict) -> None:
    state = op.setup(bench)
    collecting = gc.isenabled()
    gc.disable()  # as timeit does: moto's garbage would otherwise be collected inside our code's time
    try:
        with counter.window() as calls:
            t0 = time.perf_counter()
            reply = op.measure(bench, state)
            elapsed = (time.perf_counter() - t0) * 1000 - calls.peek_ms  # the peeks are the bench's
    finally:
        if collecting:
            gc.enable()
    if reply.status != op.expect_status:
        raise BenchError(f"{op.name}: expected {op.expect_status}, got {reply.status} {reply.text[:300]}")
    if op.check:
        op.check(bench, reply)
    if into is not None:
        units = request_units(calls, tables)
        into.ms.append(elapsed)
        into.calls.append(calls)
        into.db_ms.append(calls.db_ms)
        into.read_units.append(units.read)
        into.write_units.append(units.write)


def run(*, quick: bool = False, runs: int | None = None, warmups: int | None = None,
        cold_runs: int | None = None, operations: list[Operation] | None = None,
        request_log: str | None = None, cold_start: bool = True) -> BenchRun:
    """Measure everything. The app's stdout (one JSON log line per request, as in
    Lambda) goes to `request_log` (default: build/bench-requests.log; quick: discarded)."""
    runs = runs or (QUICK_RUNS if quick else RUNS)
    warmups = warmups if warmups is not None else (QUICK_WARMUPS if quick else WARMUPS)
    cold_runs = cold_runs or (QUICK_COLD_RUNS if quick else COLD_RUNS)
    partial = operations is not None or not cold_start
    operations = operations if operations is not None else OPERATIONS
    if quick:
        argon2_env, source = dict(CHEAP_ARGON2), "quick mode: cheap test parameters"
    else:
        argon2_env, source = prod_argon2_env()

    with bench_environment(argon2_env):
        cold_start_ms, import_ms = measure_cold_start(cold_runs) if cold_start else (None, None)

        import boto3
        from moto import mock_aws

        from chalicelib.auth.passwords import hasher
        from chalicelib.core.settings import get_settings
        from infra.gateway import InProcessGateway
        from infra.seed import load
        from infra.tables import create_tables

        s = get_settings()
        params = {"time_cost": s.argon2_time_cost, "memory_kib": s.argon2_memory_kib,
                  "parallelism": s.argon2_parallelism}
        log_path = request_log or (os.devnull if quick else REQUEST_LOG)
        if log_path != os.devnull:
            os.makedirs(os.path.dirname(log_path), exist_ok=True)
        with open(log_path, "w", encoding="utf-8") as log, contextlib.redirect_stdout(log), \
                mock_aws(), CallCounter(peek=consistent_get) as counter:
            ddb = boto3.client("dynamodb")
            table_names = create_tables(ddb, s.table_prefix)
            tables = {name: ddb.describe_table(TableName=name)["Table"] for name in table_names}
            boto3.client("ses").verify_email_identity(EmailAddress=s.ses_sender)
            load(json.loads(json.dumps(SEED)))
            from app import app

            bench = Bench(InProcessGateway(app), quick=quick)
            ph = hasher()
            stored = ph.hash(LOGIN_PW)
            prepare_s = {}
            for op in operations:
                if op.prepare:
                    t0 = time.perf_counter()
                    op.prepare(bench)
                    prepare_s[op.name] = round(time.perf_counter() - t0, 2)

            gc.collect()
            gc.freeze()  # the seeded tables (moto's heap) out of every later collection; undone below
            argon2_ms: list[float] = []
            samples = {op.name: Samples() for op in operations}
            for round_no in range(warmups + runs):
                measured = round_no >= warmups
                t0 = time.perf_counter()
                ph.verify(stored, LOGIN_PW)
                if measured:
                    argon2_ms.append((time.perf_counter() - t0) * 1000)
                for op in operations:
                    _sample(bench, counter, op, samples[op.name] if measured else None, tables)
            scans = counter.count("dynamodb", "Scan")
            gc.unfreeze()

    memory_mb = lambda_memory_mb("prod")
    results = {
        "argon2_verify_ms": round(statistics.median(argon2_ms), 2),
        "scans": scans,
        "lambda_memory_mb": memory_mb,
        "operations": {name: _operation(op, samples[op.name], memory_mb) for name, op in
                       ((op.name, op) for op in operations)},
    }
    if cold_start:
        results["cold_start_ms"], results["import_ms"] = cold_start_ms, import_ms
    results["cost_usd_per_10k_mau"] = per_10k_mau(
        {name: {**res, "emails": statistics.fmean(_emails(c) for c in samples[name].calls)}
         for name, res in results["operations"].items()}, memory_mb)
    calls, unstable = {}, {}
    for name, smp in samples.items():
        counts = [sum(c.values()) for c in smp.calls]
        if len(set(counts)) > 1:
            unstable[name] = counts
        calls[name] = max(smp.calls, key=lambda c: sum(c.values()))
    db_ms = {name: round(statistics.median(smp.db_ms), 2) for name, smp in samples.items()}
    return BenchRun(results, source, params, runs, warmups, cold_runs, calls, unstable, db_ms,
                    query_checks(operations, samples), prepare_s, quick, memory_mb, partial)


def _emails(calls: Calls) -> int:
    return sum(n for name, n in calls.others.items() if name.startswith("ses.Send") or name.startswith("sesv2.Send"))


def _operation(op: Operation, smp: Samples, memory_mb: int) -> dict:
    out = {"dynamodb_requests": max(sum(c.values()) for c in smp.calls),
           "median_ms": round(statistics.median(smp.ms), 2),
           "app_ms": round(statistics.median(smp.app_ms), 2)}
    if op.queries is not None:  # a list page: what DynamoDB read for it
        out["items_read"] = max(smp.items_read)
    if op.reads_by_key:  # and what it read by key (the session, its person, the counters)
        out["keys_read"] = max(smp.keys_read)
    out["billed_ms"] = billed_ms(out["app_ms"], out["dynamodb_requests"])
    out["read_units"] = round(statistics.fmean(smp.read_units), 2)
    out["write_units"] = round(statistics.fmean(smp.write_units), 2)
    emails = statistics.fmean(_emails(c) for c in smp.calls)
    out["cost_usd_per_million"] = per_million({**out, "emails": emails}, memory_mb)
    return out


def query_checks(operations: list[Operation], samples: dict[str, Samples]) -> list:
    """For operations with `queries`: every measured sample made exactly that many
    Queries (at least one and at most that many with `queries_at_most`), each asking
    for at most `query_limit` items (so on DynamoDB the page
    costs the same whatever the partition holds)."""
    out = []
    for op in operations:
        if op.queries is None:
            continue
        counts = [c["Query"] for c in samples[op.name].calls]
        limits = [lim for c in samples[op.name].calls for lim in c.query_limits]
        right = (min(counts) >= 1 and max(counts) <= op.queries) if op.queries_at_most else set(counts) == {op.queries}
        ok = right and (
            op.query_limit is None or all(lim is not None and lim <= op.query_limit for lim in limits))
        rule = f"{'≤' if op.queries_at_most else '='} {op.queries}"
        rule += f", Limit ≤ {op.query_limit}" if op.query_limit else ""
        target = Target(f"{op.name} Queries", rule, lambda r: None, lambda r: None)
        out.append((target, max(counts), op.queries, ok))
    return out
