"""Timing and medians: every operation round-robin (one sample of each per round,
argon2 verify included, so a change in machine load hits every figure alike),
medians of the measured rounds after the warm-ups, DynamoDB requests counted by
the shared botocore-level counter (infra.calls) around each measured request;
`scans` counts Scan calls over the whole run, setup included.

`run(quick=True)` is the cheap variant the test suite uses (cheap argon2, three
runs); its timings mean nothing, its request counts are exact."""
from __future__ import annotations

import contextlib
import json
import os
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from infra.bench.environment import (CHEAP_ARGON2, IMPORT_RUNS, LOGIN_PW, QUICK_IMPORT_RUNS,
                                     QUICK_RUNS, QUICK_WARMUPS, REQUEST_LOG, RUNS, SEED, WARMUPS,
                                     BenchError, bench_environment, prod_argon2_env)
from infra.bench.imports import measure_imports
from infra.bench.operations import OPERATIONS, Bench, Operation
from infra.bench.targets import Target, evaluate, list_page_ratio
from infra.calls import CallCounter, Calls


@dataclass
class Samples:
    ms: list[float] = field(default_factory=list)
    calls: list[Calls] = field(default_factory=list)
    db_ms: list[float] = field(default_factory=list)


@dataclass
class BenchRun:
    results: dict
    argon2_source: str
    argon2_params: dict
    runs: int
    warmups: int
    import_runs: int
    calls: dict[str, Counter]  # per operation: DynamoDB calls of one request, by name
    unstable: dict[str, list[int]]  # operations whose request count varied between runs
    db_ms: dict[str, float] = field(default_factory=dict)  # per operation: median ms inside DynamoDB calls
    query_checks: list = field(default_factory=list)  # (Target, actual, limit, ok) from Operation.queries
    prepare_s: dict[str, float] = field(default_factory=dict)  # per operation: seconds its prepare took
    quick: bool = False
    app_ms: dict[str, float] = field(default_factory=dict)  # per operation: median ms outside DynamoDB calls

    @property
    def checks(self):
        return evaluate(self.results) + self.query_checks

    @property
    def passed(self) -> bool:
        return not self.unstable and all(ok for *_, ok in self.checks)


def _sample(bench: Bench, counter: CallCounter, op: Operation, into: Samples | None) -> None:
    state = op.setup(bench)
    with counter.window() as calls:
        t0 = time.perf_counter()
        reply = op.measure(bench, state)
        elapsed = (time.perf_counter() - t0) * 1000
    if reply.status != op.expect_status:
        raise BenchError(f"{op.name}: expected {op.expect_status}, got {reply.status} {reply.text[:300]}")
    if op.check:
        op.check(bench, reply)
    if into is not None:
        into.ms.append(elapsed)
        into.calls.append(calls)
        into.db_ms.append(calls.db_ms)


def run(*, quick: bool = False, runs: int | None = None, warmups: int | None = None,
        import_runs: int | None = None, operations: list[Operation] | None = None,
        request_log: str | None = None) -> BenchRun:
    """Measure everything. The app's stdout (one JSON log line per request, as in
    Lambda) goes to `request_log` (default: build/bench-requests.log; quick: discarded)."""
    runs = runs or (QUICK_RUNS if quick else RUNS)
    warmups = warmups if warmups is not None else (QUICK_WARMUPS if quick else WARMUPS)
    import_runs = import_runs or (QUICK_IMPORT_RUNS if quick else IMPORT_RUNS)
    operations = operations if operations is not None else OPERATIONS
    if quick:
        argon2_env, source = dict(CHEAP_ARGON2), "quick mode: cheap test parameters"
    else:
        argon2_env, source = prod_argon2_env()

    with bench_environment(argon2_env):
        import_ms = measure_imports(import_runs)

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
                mock_aws(), CallCounter() as counter:
            create_tables(boto3.client("dynamodb"), s.table_prefix)
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

            argon2_ms: list[float] = []
            samples = {op.name: Samples() for op in operations}
            for round_no in range(warmups + runs):
                measured = round_no >= warmups
                t0 = time.perf_counter()
                ph.verify(stored, LOGIN_PW)
                if measured:
                    argon2_ms.append((time.perf_counter() - t0) * 1000)
                for op in operations:
                    _sample(bench, counter, op, samples[op.name] if measured else None)
            scans = counter.count("dynamodb", "Scan")

    results = {
        "argon2_verify_ms": round(statistics.median(argon2_ms), 2),
        "import_ms": import_ms,
        "scans": scans,
        "operations": {
            name: {"dynamodb_requests": max(sum(c.values()) for c in smp.calls),
                   "median_ms": round(statistics.median(smp.ms), 2)}
            for name, smp in samples.items()
        },
    }
    ratio = list_page_ratio(results["operations"])
    if ratio is not None:
        results["list_page_ratio"] = ratio
    calls, unstable = {}, {}
    for name, smp in samples.items():
        counts = [sum(c.values()) for c in smp.calls]
        if len(set(counts)) > 1:
            unstable[name] = counts
        calls[name] = max(smp.calls, key=lambda c: sum(c.values()))
    db_ms = {name: round(statistics.median(smp.db_ms), 2) for name, smp in samples.items()}
    app_ms = {name: round(statistics.median(t - d for t, d in zip(smp.ms, smp.db_ms)), 2)
              for name, smp in samples.items()}
    return BenchRun(results, source, params, runs, warmups, import_runs, calls, unstable, db_ms,
                    query_checks(operations, samples), prepare_s, quick, app_ms)


def query_checks(operations: list[Operation], samples: dict[str, Samples]) -> list:
    """For operations with `queries`: every measured sample made exactly that many
    Queries, each asking for at most `query_limit` items (so on DynamoDB the page
    costs the same whatever the partition holds)."""
    out = []
    for op in operations:
        if op.queries is None:
            continue
        counts = [c["Query"] for c in samples[op.name].calls]
        limits = [lim for c in samples[op.name].calls for lim in c.query_limits]
        ok = set(counts) == {op.queries} and (
            op.query_limit is None or all(lim is not None and lim <= op.query_limit for lim in limits))
        rule = f"= {op.queries}" + (f", Limit ≤ {op.query_limit}" if op.query_limit else "")
        target = Target(f"{op.name} Queries", rule, lambda r: None, lambda r: None)
        out.append((target, max(counts), op.queries, ok))
    return out

