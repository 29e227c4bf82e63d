"""The targets `make bench` judges (each passes when actual <= limit).

Request counts and items read are exact on any machine (`timing=False`: the quick
variant in the tests asserts them); timing and price targets depend on the
machine and are judged by `make bench` only.

Times against moto are moto's as much as ours: its Query sorts the whole partition
and its TransactWriteItems is slow, neither of which DynamoDB does. So time targets
judge `app_ms`, the request's time outside botocore calls (ours wherever DynamoDB
runs), and what DynamoDB does is judged by counting: requests, and the items each
list page reads (Query ScannedCount)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from infra.bench.cost import AUTH_GOAL
from infra.bench.operations import LIST_CLINICS, LIST_OPERATIONS, LIST_PAGE
from infra.bench.searches import SEARCH_OPERATIONS, SEARCHES, SIZES
from infra.bench.sections import DAY_APPOINTMENTS, SECTION_OPERATIONS, STEMS
from infra.bench.sections import SIZES as SECTION_SIZES


@dataclass(frozen=True)
class Target:
    """Passes when actual(results) <= limit(results)."""
    label: str
    rule: str
    actual: Callable[[dict], float]
    limit: Callable[[dict], float]
    timing: bool = False  # depends on the machine: judged by `make bench`, never asserted in tests


def _op(results: dict, op: str, key: str):
    return results["operations"][op][key]


def _requests(results: dict, op: str) -> int:
    return _op(results, op, "dynamodb_requests")


LIST_REQUESTS = {"list_page_100": 5, "list_page_10000": 5, "audit_page": 3}


def _stem(name: str) -> str:
    return name.rsplit("_", 1)[0]


def search_requests(name: str) -> int:
    """A search: the session and the clinic, one Query per source at most, and for
    User Management one BatchGetItem of the page's logins and one of their lockout counters."""
    path, _, _, sources = SEARCHES[_stem(name)]
    return 2 + sources + 2 * (path == "portal-accounts")


def search_items(name: str) -> int:
    """A search reads at most its page, plus one item per source (each Query asks for
    what the page still needs + 1)."""
    _, _, page, sources = SEARCHES[_stem(name)]
    return page + sources

# Issue 13: what each section operation may cost, at 100 and at 10,000 patients alike.
# The home and its poll: the session's one TransactGetItems (session, login, grant and
# the two counters: 5 keys). A day: the session with its staff record, the clinic and
# one Query reading exactly that provider's appointments that day.
SECTION_REQUESTS = {"home": 1, "home_poll": 1, "schedule_day": 3, "my_schedule": 3}
SECTION_KEYS = {"home": 5, "home_poll": 5, "schedule_day": 3, "my_schedule": 3}
TIMED_STEMS = ("home", "home_poll")
SECTION_ITEMS = {"home": 0, "home_poll": 0, "schedule_day": DAY_APPOINTMENTS, "my_schedule": DAY_APPOINTMENTS}


def _reads(results: dict, op: str) -> int:
    """Everything DynamoDB read for it: what its Queries read plus the items read by key."""
    return _op(results, op, "items_read") + _op(results, op, "keys_read")


def section_targets() -> list[Target]:
    out = []
    for name in SECTION_OPERATIONS:
        stem = _stem(name)
        out += [Target(f"{name} DynamoDB requests", f"≤ {SECTION_REQUESTS[stem]}", lambda r, n=name: _requests(r, n),
                       lambda r, s=stem: SECTION_REQUESTS[s]),
                Target(f"{name} items read", f"≤ {SECTION_ITEMS[stem]}" + (" (that day's)" if SECTION_ITEMS[stem]
                                                                          else ""),
                       lambda r, n=name: _op(r, n, "items_read"), lambda r, s=stem: SECTION_ITEMS[s]),
                Target(f"{name} keys read", f"≤ {SECTION_KEYS[stem]}", lambda r, n=name: _op(r, n, "keys_read"),
                       lambda r, s=stem: SECTION_KEYS[s])]
    for stem in STEMS:  # flat: the 10,000-patient clinic's figure is the 100-patient one's
        out += [Target(f"{stem}_10000 vs 100 requests", f"= {stem}_100's",
                       lambda r, s=stem: _requests(r, f"{s}_10000"), lambda r, s=stem: _requests(r, f"{s}_100")),
                Target(f"{stem}_10000 vs 100 reads", f"= {stem}_100's",
                       lambda r, s=stem: _reads(r, f"{s}_10000"), lambda r, s=stem: _reads(r, f"{s}_100"))]
    # The home's time, about a millisecond of ours: 1 ms of slack for the timer and a shared
    # machine. A day's is recorded, not judged: against moto each spends a second of CPU in
    # moto's Query (it walks the whole table, every bench clinic's appointments, at either
    # size), and on a busy machine the scheduler then often preempts the few milliseconds of
    # ours that follow (measured: samples of 1.5 to 17 ms, medians of 2 to 5 ms, for the same
    # request): that would judge the machine, not the code.
    for stem in TIMED_STEMS:
        out.append(Target(f"{stem}_10000 app ms", f"≤ 1.5 × {stem}_100's + 1",
                          lambda r, s=stem: _op(r, f"{s}_10000", "app_ms"),
                          lambda r, s=stem: 1.5 * _op(r, f"{s}_100", "app_ms") + 1, timing=True))
    return out


TARGETS: list[Target] = [
    Target("staff_login DynamoDB requests", "≤ 3", lambda r: _requests(r, "staff_login"), lambda r: 3),
    Target("me DynamoDB requests", "≤ 1", lambda r: _requests(r, "me"), lambda r: 1),
    Target("Scans over the whole run", "= 0", lambda r: r["scans"], lambda r: 0),
    # A list page: the session, the clinic, one Query (the Query itself: BenchRun.checks), and the
    # same at both sizes; DynamoDB reads at most one page and the item that says another follows.
    # User Management's rows are access grants: one BatchGetItem more brings the page's logins,
    # and one more the page's lockout counters (each row shows "Locked until" when it is).
    *(Target(f"{name} DynamoDB requests", f"≤ {LIST_REQUESTS[name]}", lambda r, n=name: _requests(r, n),
             lambda r, n=name: LIST_REQUESTS[n]) for name in LIST_OPERATIONS),
    Target("list_page_10000 vs 100 requests", "= list_page_100's",
           lambda r: _requests(r, "list_page_10000"), lambda r: _requests(r, "list_page_100")),
    *(Target(f"{name} items read", f"≤ page + 1 = {LIST_PAGE + 1}", lambda r, n=name: _op(r, n, "items_read"),
             lambda r: LIST_PAGE + 1) for name in LIST_OPERATIONS),
    # Issue 10: a search by each key, at most one Query per source, at 100 and 10,000 patients.
    *(Target(f"{name} DynamoDB requests", f"≤ {search_requests(name)}", lambda r, n=name: _requests(r, n),
             lambda r, n=name: search_requests(n)) for name in SEARCH_OPERATIONS),
    *(Target(f"{name} items read", f"≤ page + sources = {search_items(name)}",
             lambda r, n=name: _op(r, n, "items_read"), lambda r, n=name: search_items(n))
      for name in SEARCH_OPERATIONS),
    *section_targets(),
    # Timing: our time, outside botocore calls.
    Target("staff_login app ms", "≤ 1.25 × argon2 verify", lambda r: _op(r, "staff_login", "app_ms"),
           lambda r: 1.25 * r["argon2_verify_ms"], timing=True),
    Target("list_page_10000 app ms", "≤ 1.5 × list_page_100's", lambda r: _op(r, "list_page_10000", "app_ms"),
           lambda r: 1.5 * _op(r, "list_page_100", "app_ms"), timing=True),
    *(Target(f"{stem}_10000 app ms", f"≤ 1.5 × {stem}_100's", lambda r, s=stem: _op(r, f"{s}_10000", "app_ms"),
             lambda r, s=stem: 1.5 * _op(r, f"{s}_100", "app_ms"), timing=True) for stem in SEARCHES),
    Target("cold start app ms", "≤ 1.15 × floor", lambda r: r["cold_start_ms"]["app"],
           lambda r: 1.15 * r["cold_start_ms"]["floor"], timing=True),
    Target("auth profile USD / 10k MAU", f"≤ Cognito / 30 = {AUTH_GOAL:.2f}",
           lambda r: r["cost_usd_per_10k_mau"]["auth"]["usd"], lambda r: AUTH_GOAL, timing=True),
]
if set(SIZES) != {"100", "10000"}:
    raise RuntimeError("the search targets compare the 10,000-patient search with the 100-patient one")
if set(SECTION_SIZES) != {"100", "10000"}:
    raise RuntimeError("the section targets compare the 10,000-patient clinic with the 100-patient one")
if not set(LIST_CLINICS) <= set(LIST_OPERATIONS):
    raise RuntimeError("every list clinic must name a list operation")


def evaluate(results: dict, *, partial: bool = False) -> list[tuple[Target, float, float, bool]]:
    """Every target's (target, actual, limit, passed). A target whose figures are
    missing fails, unless `partial` (a run of some operations only) leaves it out."""
    out = []
    for t in TARGETS:
        try:
            actual, limit = t.actual(results), t.limit(results)
        except KeyError:
            if partial:
                continue
            actual, limit = None, None
        out.append((t, actual, limit, actual is not None and actual <= limit))
    return out
