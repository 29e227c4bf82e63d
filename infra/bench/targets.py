"""The targets `make bench` judges (each passes when actual <= limit), and the
list-page ratio they read."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from infra.bench.operations import LIST_CLINICS


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
