"""The bench's output: the table `make bench` prints and build/bench.json."""
from __future__ import annotations

import json
import os

from infra.bench.environment import CLINIC_ID, CLINIC_SETTINGS, FAIL_USERS, OUTPUT
from infra.bench.measure import BenchRun
from infra.bench.operations import LIST_CLINICS, LIST_PAGE, list_clinic_id


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

