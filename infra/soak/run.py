"""Run the clients for a bounded time and sum up what they saw."""
from __future__ import annotations

import math
import random
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from infra.soak.client import Client, Ledger
from infra.soak.flows import Person


@dataclass
class Run:
    tag: str
    started: float                 # wall clock (time.time()) just before the first request
    elapsed_s: float               # until the last client finished its last flow
    clients: list[Client] = field(default_factory=list)

    def ledger(self) -> Ledger:
        total = Ledger()
        for c in self.clients:
            total.merge(c.ledger)
        return total


def drive(url: str, clients: int, seconds: float, *, seed: int | None = None) -> Run:
    """`clients` threads, each looping over flows until `seconds` have passed; a
    flow under way when time is up is finished (its logout is part of it)."""
    tag = secrets.token_hex(3)
    base_rng = random.Random(seed)
    people = [Person(Client(url, i), tag, random.Random(base_rng.random())) for i in range(clients)]
    barrier = threading.Barrier(clients + 1)
    deadline = [0.0]

    def loop(person: Person) -> None:
        barrier.wait()
        try:
            while time.monotonic() < deadline[0]:
                person.run_one()
        except Exception as exc:  # noqa: BLE001 - a bug of the soak itself: reported, never hidden
            person.c.errors.append({"flow": person.c.flow, "request": "-",
                                    "error": f"soak client crashed: {type(exc).__name__}: {exc}"})
        finally:
            person.c.close()

    threads = [threading.Thread(target=loop, args=(p,), name=f"soak-{p.index}", daemon=True) for p in people]
    for t in threads:
        t.start()
    started_wall, started = time.time(), time.monotonic()
    deadline[0] = started + seconds
    barrier.wait()
    for t in threads:
        t.join()
    return Run(tag, started_wall, time.monotonic() - started, [p.c for p in people])


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, math.ceil(q / 100 * len(sorted_values)) - 1))  # nearest rank
    return sorted_values[rank]


def summary(run: Run, seconds: float) -> dict:
    samples = [s for c in run.clients for s in c.samples]
    answered = sorted(s.ms for s in samples if s.status is not None)
    statuses = Counter(str(s.status) for s in samples if s.status is not None)
    by_request: dict[str, list[float]] = {}
    for s in samples:
        if s.status is not None:
            by_request.setdefault(s.label, []).append(s.ms)
    flows, aborted = Counter(), Counter()
    for c in run.clients:
        flows.update(c.flows)
        aborted.update(c.aborted)
    errors = [e for c in run.clients for e in c.errors]
    unexpected = [u for c in run.clients for u in c.unexpected]

    def ms(values: list[float]) -> dict:
        values = sorted(values)
        return {"p50": round(percentile(values, 50), 1), "p95": round(percentile(values, 95), 1),
                "p99": round(percentile(values, 99), 1), "max": round(values[-1], 1) if values else 0.0}

    return {
        "clients": len(run.clients),
        "seconds": seconds,
        "elapsed_s": round(run.elapsed_s, 2),
        "requests": len(samples),
        "requests_per_s": round(len(samples) / run.elapsed_s, 1) if run.elapsed_s else 0.0,
        "latency_ms": ms(answered),
        "statuses": dict(sorted(statuses.items())),
        "server_errors": sum(n for code, n in statuses.items() if int(code) >= 500),
        "connection_errors": len(errors),
        "unexpected_replies": len(unexpected),
        "flows": dict(sorted(flows.items())),
        "flows_aborted": dict(sorted(aborted.items())),
        "did": _did(run.ledger()),
        "requests_by_kind": {label: {"count": len(v), **ms(v)} for label, v in sorted(by_request.items())},
        "first_problems": (errors + unexpected)[:20],
    }


def _did(ledger) -> dict:
    """What the clients did, in the numbers the reconciliation compares."""
    return {
        "logins": {f"{kind} {outcome}": n for (kind, outcome), n in sorted(ledger.logins.items())},
        "hammered_username": dict(sorted(ledger.hammer.items())),
        "logouts": ledger.logouts,
        "sessions_left_open": len(ledger.live),
        "accounts_created": len(ledger.accounts),
        "captcha_tokens": ledger.captcha_tokens,
    }
