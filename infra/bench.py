"""`make bench`: what a login costs, in DynamoDB requests and milliseconds.

Runs in-process against moto (no AWS account), drives the app through the
in-process API Gateway (real routing, middleware and JSON), with the `prod`
stage's argon2 parameters. Prints a table and writes build/bench.json:

    {"argon2_verify_ms": f, "import_ms": {"app": f, "floor": f}, "scans": n,
     "operations": {name: {"dynamodb_requests": n, "median_ms": f}},
     "list_page_ratio": f}   # list_page_10000 / list_page_100 median ms

- DynamoDB requests are counted at the botocore level (every
  `BaseClient._make_api_call` to the dynamodb service, by operation name);
  `scans` counts Scan calls over the whole run, setup included.
- `import_ms.app` is a fresh interpreter importing `app` (what a Lambda cold
  start pays); `import_ms.floor` one importing only chalice, pynamodb.models and
  argon2. Medians of interleaved runs after one unmeasured run of each.
- Operations run round-robin (one sample of each per round, argon2 verify
  included), so a change in machine load hits every figure alike.

Add an operation by appending to OPERATIONS (and a target to TARGETS).

list_page_100 / list_page_10000 (issue 3): the first page of 50 of User Management
(status=all) in a clinic of 100 and one of 10,000 portal accounts, bulk-written with
BatchWriteItem (no argon2 per account). Each page must be exactly one Query asking
for at most 51 items (`Operation.queries`, judged next to TARGETS). Against moto the
page's time is almost all moto's: its Query sorts the whole table and then every
item of the partition, so the ratio there grows with the partition, which
DynamoDB's does not; the table shows the time inside DynamoDB calls and the ratio
outside them for that reason.

`run(quick=True)` is the cheap variant the test suite uses (cheap argon2, three
runs); its timings mean nothing, its request counts are exact.
"""
from __future__ import annotations

import contextlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(ROOT, "build", "bench.json")
REQUEST_LOG = os.path.join(ROOT, "build", "bench-requests.log")  # the app's JSON log lines

RUNS, WARMUPS, IMPORT_RUNS = 15, 2, 7
QUICK_RUNS, QUICK_WARMUPS, QUICK_IMPORT_RUNS = 3, 1, 1

ARGON2_KEYS = {"time_cost": "PORTAL_ARGON2_TIME_COST", "memory_kib": "PORTAL_ARGON2_MEMORY_KIB",
               "parallelism": "PORTAL_ARGON2_PARALLELISM"}
CHEAP_ARGON2 = {"PORTAL_ARGON2_TIME_COST": "1", "PORTAL_ARGON2_MEMORY_KIB": "256",
                "PORTAL_ARGON2_PARALLELISM": "1"}

BENCH_ENV = {
    "PORTAL_STAGE": "bench",  # not a deployed stage: the local CAPTCHA verifier is allowed
    "PORTAL_TABLE_PREFIX": "bench-",
    "PORTAL_CAPTCHA_PROVIDER": "local",
    "PORTAL_PUBLIC_BASE_URL": "http://127.0.0.1:8000",
    "PORTAL_SES_SENDER": "no-reply@clinic-portal.example",
    "PORTAL_LOG_LEVEL": "INFO",  # prod's level: the request log line is part of what a request costs
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}
UNSET_ENV = ("AWS_ENDPOINT_URL", "PORTAL_DYNAMODB_ENDPOINT", "PORTAL_OUTBOX_DIR", "AWS_PROFILE",
             *ARGON2_KEYS.values())

CLINIC_ID = "BENCH"
LOGIN_USER, LOGIN_PW = "BenchLogin", "bench-login-password"
FAIL_USERS = tuple(f"BenchFail{i}" for i in range(1, 5))
FAIL_PW = "bench-failure-password"
# High limits so the failure path measured is the normal one (count, audit, 401),
# never the lockout; failures also rotate over FAIL_USERS.
CLINIC_SETTINGS = {"captcha_required": False, "lockout_threshold": 100, "ip_failure_limit": 100_000}

SEED = {
    "clinics": [{"clinic_id": CLINIC_ID, "name": "Bench Clinic", "settings": CLINIC_SETTINGS}],
    "staff": [{"clinic_id": CLINIC_ID, "username": name, "password": pw, "first_name": "Bench",
               "last_name": name, "roles": ["admin"]}
              for name, pw in [(LOGIN_USER, LOGIN_PW), *((u, FAIL_PW) for u in FAIL_USERS)]],
}


class BenchError(RuntimeError):
    pass


# ---------------------------------------------------------------- DynamoDB request counting

class Calls(Counter):
    """DynamoDB calls of one measured request, by operation name; also the time spent
    inside them (`db_ms`: botocore, moto's emulation, parsing) and each Query's Limit."""

    def __init__(self):
        super().__init__()
        self.db_ms = 0.0
        self.query_limits: list = []


class RequestCounter:
    """Counts DynamoDB API calls at the botocore level while installed: `total`
    over everything, `window()` around one measured request."""

    def __init__(self):
        self.total: Counter = Counter()
        self._window: Calls | None = None
        self._original = None

    def __enter__(self):
        from botocore.client import BaseClient

        original = self._original = BaseClient._make_api_call
        counter = self

        def _make_api_call(client, operation_name, api_params):
            if client.meta.service_model.service_name != "dynamodb":
                return original(client, operation_name, api_params)
            counter.total[operation_name] += 1
            window = counter._window
            if window is None:
                return original(client, operation_name, api_params)
            window[operation_name] += 1
            if operation_name == "Query":
                window.query_limits.append(api_params.get("Limit"))
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

    @contextlib.contextmanager
    def window(self):
        self._window = calls = Calls()
        try:
            yield calls
        finally:
            self._window = None


# ---------------------------------------------------------------- the registry

@dataclass
class Bench:
    """What operations get: the gateway, the seeded clinic, and helpers."""
    gateway: object
    clinic_id: str = CLINIC_ID
    quick: bool = False
    _fail_users: itertools.cycle = field(default_factory=lambda: itertools.cycle(FAIL_USERS))
    seeded: set = field(default_factory=set)  # clinics seeded by an operation's prepare
    _sessions: dict = field(default_factory=dict)
    _shared_hash: str | None = None

    def browser(self):
        return self.gateway.browser()

    def login(self, browser, username: str, password: str, clinic_id: str | None = None):
        return browser.post(f"/api/clinics/{clinic_id or self.clinic_id}/login",
                            json={"login_type": "staff", "username": username, "password": password})

    def signed_in(self, clinic_id: str | None = None, username: str = LOGIN_USER, password: str = LOGIN_PW):
        """A browser with a fresh live session (made outside the measured window)."""
        b = self.browser()
        reply = self.login(b, username, password, clinic_id)
        if reply.status != 200:
            raise BenchError(f"setup login failed: {reply.status} {reply.text}")
        return b

    def session_for(self, clinic_id: str, username: str, password: str):
        """A signed-in browser reused across samples (a staff member paging through a
        list), signed in again before its session would be touched (sessions.TOUCH_INTERVAL_S:
        an extra UpdateItem) so every measured request costs the same."""
        from chalicelib.auth.sessions import TOUCH_INTERVAL_S

        key = (clinic_id, username)
        cached = self._sessions.get(key)
        if cached is None or time.time() - cached[1] >= TOUCH_INTERVAL_S / 2:
            started = time.time()
            cached = self._sessions[key] = (self.signed_in(clinic_id, username, password), started)
        return cached[0]

    def shared_hash(self) -> str:
        """One argon2 hash, computed once and reused by every bulk-seeded account."""
        if self._shared_hash is None:
            from chalicelib.auth.passwords import hash_password

            self._shared_hash = hash_password("bench-portal-password")
        return self._shared_hash

    def next_failure_user(self) -> str:
        return next(self._fail_users)


@dataclass(frozen=True)
class Operation:
    """One request to measure. `setup` runs before each sample, untimed, and its
    result is handed to `measure`, the one timed request. `prepare` runs once,
    before the warm-ups (for data only this operation needs); `check`, untimed,
    looks at every reply (status is always checked)."""
    name: str
    measure: Callable[[Bench, object], object]
    expect_status: int = 200
    setup: Callable[[Bench], object] = lambda bench: None
    prepare: Callable[[Bench], None] | None = None
    check: Callable[[Bench, object], None] | None = None  # untimed, on every reply; raises BenchError
    # When set: every sample must make exactly this many Queries, each with Limit <= query_limit
    # (judged in BenchRun.checks next to TARGETS).
    queries: int | None = None
    query_limit: int | None = None


def _login_failure_setup(bench: Bench):
    return bench.browser(), bench.next_failure_user()


# ---------------------------------------------------------------- User Management list pages

LIST_PAGE = 50  # chalicelib.portal_accounts.listing.PAGE_SIZE: the first page a staff member sees
LIST_USER, LIST_PW = "BenchDesk", "bench-desk-password"  # front_desk: has portal_accounts.manage
# name -> (accounts in its own clinic, the same in quick mode)
LIST_CLINICS = {"list_page_100": (100, 20), "list_page_10000": (10_000, 200)}


def list_clinic_id(name: str) -> str:
    return "BENCH-" + name.replace("_", "-").upper()  # BENCH-LIST-PAGE-100: one clinic per size


def list_accounts_count(bench: Bench, name: str) -> int:
    full, quick = LIST_CLINICS[name]
    return quick if bench.quick else full


def seed_list_clinic(bench: Bench, clinic_id: str, accounts: int) -> None:
    """A clinic with one front-desk user and `accounts` portal accounts, written with
    BatchWriteItem (25 per request) straight from `new_account_items`: no argon2 per
    account (active and disabled ones share one precomputed hash; invited ones have
    none). A mix like a real clinic: 80% active self accounts, 10% invited
    representatives, 10% disabled."""
    from chalicelib.clinics.records import clinic_key
    from chalicelib.core.ids import now
    from chalicelib.models import PortalAccountModel, PortalUsernameModel
    from chalicelib.portal_accounts.records import PORTAL_SECTIONS, new_account_items
    from infra.seed import load

    load({"clinics": [{"clinic_id": clinic_id, "name": f"Bench {clinic_id}", "settings": CLINIC_SETTINGS}],
          "staff": [{"clinic_id": clinic_id, "username": LIST_USER, "password": LIST_PW,
                     "first_name": "Bench", "last_name": "Desk", "roles": ["front_desk"]}]})
    ck, pw_hash, at = clinic_key(clinic_id), bench.shared_hash(), now()
    with PortalAccountModel.batch_write() as accounts_out, PortalUsernameModel.batch_write() as claims_out:
        for i in range(accounts):
            kind = i % 10
            invited, disabled = kind == 0, kind == 1
            account, claim = new_account_items(
                ck, patient_id=f"P{i:06d}", username=f"patient{i:06d}@bench.example",
                first_name=f"First{i}", last_name=f"Last{i}",
                access_type="authorized_rep" if invited else "self",
                permissions=["appointments", "messages"] if invited else list(PORTAL_SECTIONS),
                force_password_change=invited, password_hash=None if invited else pw_hash,
                status="invited" if invited else "disabled" if disabled else "active",
                patient_first_name=f"Pat{i}", patient_last_name=f"Ient{i}")
            if invited:
                account.invitation_status, account.invitation_expires_at = "sent", at + 72 * 3600
            else:
                account.last_login_at = at - i
            accounts_out.save(account)
            claims_out.save(claim)


def list_page_operation(name: str, status: str = "all", label: str | None = None) -> Operation:
    """`name` (a key of LIST_CLINICS): the first page of User Management, `status`
    filter, as a signed-in front-desk user (the session reused across samples).
    `label` names a variant (another status) measured on the same clinic."""
    clinic_id = list_clinic_id(name)

    def prepare(bench: Bench) -> None:
        if clinic_id not in bench.seeded:  # variants (another status) share the clinic
            seed_list_clinic(bench, clinic_id, list_accounts_count(bench, name))
            bench.seeded.add(clinic_id)

    def check(bench: Bench, reply) -> None:
        body = reply.json()
        n = list_accounts_count(bench, name)
        matching = n if status == "all" else sum(
            1 for i in range(n) if {"invited": i % 10 == 0, "disabled": i % 10 == 1}.get(
                status, i % 10 >= 2))
        want = min(LIST_PAGE, matching)
        if len(body["items"]) != want or (body["next_cursor"] is not None) != (matching > LIST_PAGE):
            raise BenchError(f"{name}: expected {want} items and next_cursor={matching > LIST_PAGE}, got "
                             f"{len(body['items'])} items and next_cursor={body['next_cursor']!r}")

    return Operation(
        label or name, prepare=prepare, check=check, queries=1, query_limit=LIST_PAGE + 1,
        setup=lambda b: b.session_for(clinic_id, LIST_USER, LIST_PW),
        measure=lambda b, browser: browser.get(f"/api/clinics/{clinic_id}/portal-accounts?status={status}"))


OPERATIONS: list[Operation] = [
    Operation("clinic_lookup",
              setup=lambda b: b.browser(),
              measure=lambda b, browser: browser.get(f"/api/clinics/{b.clinic_id}")),
    Operation("staff_login",
              setup=lambda b: b.browser(),
              measure=lambda b, browser: b.login(browser, LOGIN_USER, LOGIN_PW)),
    Operation("login_failure", expect_status=401,
              setup=_login_failure_setup,
              measure=lambda b, s: b.login(s[0], s[1], "not-the-password")),
    Operation("me",
              setup=lambda b: b.signed_in(),
              measure=lambda b, browser: browser.get("/api/me")),
    Operation("logout", expect_status=204,
              setup=lambda b: b.signed_in(),
              measure=lambda b, browser: browser.post("/api/logout")),
    # Issue 3: one page of 50 of User Management (status=all), 100 vs 10,000 accounts in the clinic.
    list_page_operation("list_page_100"),
    list_page_operation("list_page_10000"),
]


@dataclass(frozen=True)
class Target:
    """Passes when actual(results) <= limit(results)."""
    label: str
    rule: str
    actual: Callable[[dict], float]
    limit: Callable[[dict], float]


def _requests(results: dict, op: str) -> int:
    return results["operations"][op]["dynamodb_requests"]


def _ms(results: dict, op: str) -> float:
    return results["operations"][op]["median_ms"]


TARGETS: list[Target] = [
    Target("staff_login DynamoDB requests", "≤ 3", lambda r: _requests(r, "staff_login"), lambda r: 3),
    Target("me DynamoDB requests", "≤ 1", lambda r: _requests(r, "me"), lambda r: 1),
    Target("Scans over the whole run", "= 0", lambda r: r["scans"], lambda r: 0),
    Target("staff_login median ms", "≤ 1.25 × argon2 verify",
           lambda r: _ms(r, "staff_login"), lambda r: 1.25 * r["argon2_verify_ms"]),
    Target("import app ms", "≤ 1.15 × floor",
           lambda r: r["import_ms"]["app"], lambda r: 1.15 * r["import_ms"]["floor"]),
    # A list page: the session, the clinic, one Query (the Query itself: BenchRun.checks).
    *(Target(f"{name} DynamoDB requests", "≤ 3", lambda r, n=name: _requests(r, n), lambda r: 3)
      for name in LIST_CLINICS),
    Target("list_page_10000 / list_page_100", "≤ 1.5 (median ms)",
           lambda r: r["list_page_ratio"], lambda r: 1.5),
]


def list_page_ratio(operations: dict) -> float | None:
    """median ms of a page with 10,000 accounts over one with 100 (None without both)."""
    big, small = operations.get("list_page_10000"), operations.get("list_page_100")
    if not big or not small:
        return None
    return round(big["median_ms"] / small["median_ms"], 3)


def evaluate(results: dict) -> list[tuple[Target, float, float, bool]]:
    out = []
    for t in TARGETS:
        actual, limit = t.actual(results), t.limit(results)
        out.append((t, actual, limit, actual <= limit))
    return out


# ---------------------------------------------------------------- environment

@contextlib.contextmanager
def bench_environment(argon2_env: dict[str, str]):
    """The bench stage's env (restored afterwards) with fresh settings."""
    from chalicelib.core.settings import reset_settings

    saved = dict(os.environ)
    try:
        for name in UNSET_ENV:
            os.environ.pop(name, None)
        os.environ.update(BENCH_ENV)
        os.environ.update(argon2_env)
        reset_settings()
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        reset_settings()


def prod_argon2_env() -> tuple[dict[str, str], str]:
    """The prod stage's argon2 variables from .chalice/config.json, and where they came
    from; whatever is missing is left unset so chalicelib.core.settings' defaults apply."""
    from infra.stage_env import CONFIG_PATH, stage_environment

    try:
        env = stage_environment("prod")
    except (OSError, ValueError, SystemExit) as exc:
        reason = "missing" if isinstance(exc, FileNotFoundError) else f"unusable ({exc})"
        return {}, f"chalicelib.core.settings defaults (.chalice/config.json {reason})"
    found = {k: str(env[k]) for k in ARGON2_KEYS.values() if k in env}
    rel = os.path.relpath(CONFIG_PATH, ROOT)
    if len(found) == len(ARGON2_KEYS):
        return found, f"{rel} stage prod"
    if not found:
        return {}, f"chalicelib.core.settings defaults ({rel} prod sets no PORTAL_ARGON2_* variables)"
    missing = ", ".join(sorted(set(ARGON2_KEYS.values()) - set(found)))
    return found, f"{rel} stage prod, settings defaults for {missing}"


# ---------------------------------------------------------------- measurements

IMPORT_CHILD = "import time; t = time.perf_counter(); import {}; print(repr((time.perf_counter() - t) * 1000))"
IMPORTS = {"app": "app", "floor": "chalice, pynamodb.models, argon2"}


def _import_once(modules: str) -> float:
    proc = subprocess.run([sys.executable, "-c", IMPORT_CHILD.format(modules)], cwd=ROOT,
                          env=dict(os.environ), capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise BenchError(f"`import {modules}` failed in a fresh interpreter:\n{proc.stderr}")
    return float(proc.stdout.strip().splitlines()[-1])


def measure_imports(runs: int) -> dict[str, float]:
    for modules in IMPORTS.values():  # warm the OS file cache (and bytecode caches)
        _import_once(modules)
    samples: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for _ in range(runs):
        for name, modules in IMPORTS.items():  # interleaved: app, floor, app, floor...
            samples[name].append(_import_once(modules))
    return {name: round(statistics.median(s), 2) for name, s in samples.items()}


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


def _sample(bench: Bench, counter: RequestCounter, op: Operation, into: Samples | None) -> None:
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
                mock_aws(), RequestCounter() as counter:
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
            scans = counter.total.get("Scan", 0)

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


# ---------------------------------------------------------------- output

def _fmt(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:.2f}"


def table(r: BenchRun) -> str:
    res = r.results
    lines = [
        f"Clinic portal bench: in-process against moto, {r.runs} runs after {r.warmups} warm-ups, "
        "round-robin",
        f"argon2id parameters: time_cost={r.argon2_params['time_cost']} "
        f"memory_kib={r.argon2_params['memory_kib']} parallelism={r.argon2_params['parallelism']} "
        f"(source: {r.argon2_source})",
        f"login_failure: clinic {CLINIC_ID} seeded with lockout_threshold="
        f"{CLINIC_SETTINGS['lockout_threshold']} and ip_failure_limit={CLINIC_SETTINGS['ip_failure_limit']}, "
        f"wrong passwords rotate over {len(FAIL_USERS)} staff users: lockout never triggers, the normal "
        "failure path is measured.",
        *_list_note(r),
        "",
        f"{'operation':<16} {'median ms':>10} {'in DynamoDB':>11} {'DynamoDB req':>13}  calls",
        f"{'-' * 16} {'-' * 10} {'-' * 11} {'-' * 13}  {'-' * 40}",
    ]
    for name, op in res["operations"].items():
        c = r.calls[name]
        calls = ", ".join(f"{k}×{v}" + (f" (Limit {'/'.join(map(str, sorted(set(c.query_limits))))})"
                                          if k == "Query" and getattr(c, "query_limits", None) else "")
                          for k, v in sorted(c.items())) or "-"
        flag = f"  VARIES: {r.unstable[name]}" if name in r.unstable else ""
        db = f"{r.db_ms[name]:>11.2f}" if name in r.db_ms else f"{'':>11}"
        lines.append(f"{name:<16} {op['median_ms']:>10.2f} {db} {op['dynamodb_requests']:>13}  {calls}{flag}")
    lines += [
        f"{'argon2 verify':<16} {res['argon2_verify_ms']:>10.2f}",
        f"{'import app':<16} {res['import_ms']['app']:>10.2f}   (fresh interpreter, median of "
        f"{r.import_runs})",
        f"{'import floor':<16} {res['import_ms']['floor']:>10.2f}   (chalice, pynamodb.models, argon2)",
        f"{'Scans (total)':<16} {res['scans']:>10}",
        *_list_ratio_lines(r),
        "",
        f"{'target':<34} {'rule':<24} {'actual':>9} {'limit':>9}  result",
        f"{'-' * 34} {'-' * 24} {'-' * 9} {'-' * 9}  ------",
    ]
    for t, actual, limit, ok in r.checks:
        lines.append(f"{t.label:<34} {t.rule:<24} {_fmt(actual):>9} {_fmt(limit):>9}  "
                     f"{'PASS' if ok else 'FAIL'}")
    if r.unstable:
        lines.append(f"{'request counts stable':<34} {'same on every run':<24} "
                     f"{'no':>9} {'':>9}  FAIL")
    lines += ["", f"verdict: {'PASS' if r.passed else 'FAIL'}"]
    return "\n".join(lines)


def _list_note(r: BenchRun) -> list[str]:
    names = [n for n in LIST_CLINICS if n in r.results["operations"]]
    if not names:
        return []
    sizes = ", ".join(f"{n}: {LIST_CLINICS[n][1 if r.quick else 0]:,} accounts in clinic {list_clinic_id(n)}"
                      + (f" (seeded in {r.prepare_s[n]:.1f} s)" if n in r.prepare_s else "") for n in names)
    return [f"list pages: GET .../portal-accounts?status=all, first page of {LIST_PAGE}, as a front_desk "
            f"user (session reused across samples); {sizes}; 80% active, 10% invited, 10% disabled.",
            "in DynamoDB: median ms of a request spent inside its DynamoDB calls (botocore + moto's "
            "emulation); moto answers a Query by sorting the whole table, real DynamoDB reads only Limit items."]


def _list_ratio_lines(r: BenchRun) -> list[str]:
    res = r.results
    if "list_page_ratio" not in res:
        return []
    small, big = r.app_ms.get("list_page_100"), r.app_ms.get("list_page_10000")
    lines = [f"{'list page ratio':<16} {res['list_page_ratio']:>10.3f}   (list_page_10000 / list_page_100, "
             "median ms)"]
    if small and big:
        lines.append(f"{'  outside DB':<16} {big / small:>10.3f}   (the same, median ms outside DynamoDB calls: "
                     f"{small:.2f} vs {big:.2f}; for information, not a target)")
    return lines


def write_json(results: dict, path: str = OUTPUT) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
        f.write("\n")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    started = time.perf_counter()
    print("bench: timing imports, then the operations (about a minute)...", flush=True)
    r = run(quick=quick)
    print(table(r))
    path = OUTPUT if not quick else os.path.join(ROOT, "build", "bench-quick.json")
    write_json(r.results, path)
    print(f"wrote {os.path.relpath(path, ROOT)} in {time.perf_counter() - started:.0f} s"
          + ("" if quick else f"; the app's request log lines are in {os.path.relpath(REQUEST_LOG, ROOT)}"))
    return 0 if r.passed else 1


if __name__ == "__main__":
    sys.exit(main())
