"""The bench's output: the table `make bench` prints and build/bench.json."""
from __future__ import annotations

import json
import os
import statistics

from infra.bench.cost import DYNAMODB_MS_PER_REQUEST, PROFILES
from infra.bench.environment import CLINIC_ID, CLINIC_SETTINGS, FAIL_USERS, OUTPUT
from infra.bench.measure import BenchRun
from infra.bench.operations import LIST_CLINICS, LIST_OPERATIONS, LIST_PAGE, list_clinic_id
from infra.bench.prices import DATE as PRICE_DATE
from infra.bench.prices import REGION as PRICE_REGION


def _fmt(value: float | None) -> str:
    return "missing" if value is None else str(value) if isinstance(value, int) else f"{value:.2f}"


def table(r: BenchRun) -> str:
    res = r.results
    lines = [
        f"Clinic portal bench: in-process against moto, {r.runs} runs after {r.warmups} warm-ups, "
        "round-robin",
        f"argon2id parameters: time_cost={r.argon2_params['time_cost']} "
        f"memory_kib={r.argon2_params['memory_kib']} parallelism={r.argon2_params['parallelism']} "
        f"(source: {r.argon2_source})",
        f"login_failure: clinic {CLINIC_ID} seeded with lockout_threshold="
        f"{CLINIC_SETTINGS['lockout_threshold']}, ip_failure_limit={CLINIC_SETTINGS['ip_failure_limit']} and "
        f"captcha_after_failures={CLINIC_SETTINGS['captcha_after_failures']}, wrong passwords rotate over "
        f"{len(FAIL_USERS)} staff users: neither lockout nor the adaptive CAPTCHA triggers, the normal "
        "failure path is measured.",
        *_list_note(r),
        *_sections_note(r),
        "",
        f"{'operation':<16} {'median ms':>10} {'in DynamoDB':>11} {'app ms':>8} {'DynamoDB req':>13}  calls",
        f"{'-' * 16} {'-' * 10} {'-' * 11} {'-' * 8} {'-' * 13}  {'-' * 40}",
    ]
    for name, op in res["operations"].items():
        c = r.calls[name]
        calls = ", ".join(f"{k}×{v}" + (f" (Limit {'/'.join(map(str, sorted(set(c.query_limits))))})"
                                          if k == "Query" and getattr(c, "query_limits", None) else "")
                          for k, v in sorted(c.items())) or "-"
        flag = f"  VARIES: {r.unstable[name]}" if name in r.unstable else ""
        db = f"{r.db_ms[name]:>11.2f}" if name in r.db_ms else f"{'':>11}"
        lines.append(f"{name:<16} {op['median_ms']:>10.2f} {db} {op['app_ms']:>8.2f} {op['dynamodb_requests']:>13}  "
                     f"{calls}{flag}")
    lines += [
        f"{'argon2 verify':<16} {res['argon2_verify_ms']:>10.2f}",
        *_cold_lines(r),
        f"{'Scans (total)':<16} {res['scans']:>10}",
        "",
        *_list_lines(r),
        *_section_lines(r),
        *_cost_lines(r),
        "",
        f"{'target':<34} {'rule':<24} {'actual':>9} {'limit':>9}  result",
        f"{'-' * 34} {'-' * 24} {'-' * 9} {'-' * 9}  ------",
    ]
    for t, actual, limit, ok in r.checks:
        lines.append(f"{t.label:<34} {t.rule:<24} {_fmt(actual):>9} {_fmt(limit):>9}  "
                     f"{'PASS' if ok else 'FAIL'}{'' if t.timing else '  (exact)'}")
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
    return [f"list pages: audit_page is GET /api/clinics/{CLINIC_ID}/audit as an admin; User Management: "
            f"GET .../portal-accounts?status=all, first page of {LIST_PAGE}, as a front_desk "
            f"user (session reused across samples); {sizes}; 80% active, 10% invited, 10% disabled.",
            "in DynamoDB: median ms of a request spent inside its DynamoDB calls (botocore + moto's "
            "emulation; moto answers a Query by sorting the whole partition, real DynamoDB reads only Limit "
            "items); app ms: median ms outside them, what the request costs us wherever DynamoDB runs."]


def _sections_note(r: BenchRun) -> list[str]:
    from infra.bench import sections as S

    names = [n for n in S.SECTION_OPERATIONS if n in r.results["operations"]]
    if not names:
        return []
    sizes = ", ".join(f"{S.patients_count_of(size, r.quick):,} patients in clinic {S.sections_clinic_id(size)}"
                      + (f" (seeded in {r.prepare_s[f'home_{size}']:.1f} s)" if f"home_{size}" in r.prepare_s else "")
                      for size in S.SIZES)
    return [f"sections: home_* is GET /api/portal/patients/{S.HOME_PATIENT}/home as its Self login (all 7 "
            "sections, something new in each), home_poll_* the same with If-None-Match and "
            "X-Portal-Background: 1 (304); schedule_day_* is GET .../appointments?date=D&provider="
            f"{S.PROVIDER} as a front_desk user, my_schedule_* GET .../my-schedule?date=D as {S.PROVIDER} "
            f"({S.DAY_APPOINTMENTS} appointments on D, tomorrow, at every size; other clinicians and days full); "
            f"{sizes}; the home's patient written through the use cases, the others bulk-written "
            "(infra/bench/sections.py). Their median ms is in-process against moto, whose Query on an index "
            "walks the whole table (every bench clinic's appointments): judge items read, not that time."]


def _section_lines(r: BenchRun) -> list[str]:
    from infra.bench.sections import SECTION_OPERATIONS

    ops = r.results["operations"]
    names = [n for n in SECTION_OPERATIONS if n in ops]
    if not names:
        return []
    lines = [f"{'section operation':<18} {'items read':>10} {'keys read':>9} {'app ms':>8}   (items read: the "
             "Queries' ScannedCount; keys read: items read by key, the session's TransactGetItems included)"]
    lines += [f"{n:<18} {ops[n]['items_read']:>10} {ops[n]['keys_read']:>9} {ops[n]['app_ms']:>8.2f}"
              for n in names]
    return lines + [""]


def _spread(name: str) -> str:
    """The middle half of the last cold-start samples: how noisy the median is."""
    from infra.bench.coldstart import SAMPLES

    samples = sorted(SAMPLES.get(name, []))
    if len(samples) < 4:
        return ""
    q = statistics.quantiles(samples, n=4)
    return f", middle half {q[0]:.0f}-{q[2]:.0f}"


def _cold_lines(r: BenchRun) -> list[str]:
    cold, imp = r.results.get("cold_start_ms"), r.results.get("import_ms")
    if not cold:
        return []
    return [f"{'cold start app':<16} {cold['app']:>10.2f}   (fresh interpreter: import app ({imp['app']:.2f}) + first "
            f"request through app.app(event, context), moto server in another process; median of {r.cold_runs}"
            f"{_spread('app')})",
            f"{'cold start floor':<16} {cold['floor']:>10.2f}   (import chalice, pynamodb.models, argon2, boto3 "
            f"({imp['floor']:.2f}) + one GetItem{_spread('floor')})",
            f"{'cold start eager':<16} {cold['app_eager']:>10.2f}   (app after importing every chalicelib module "
            f"first ({imp['app_eager']:.2f}): what eager imports would cost without a snapshot{_spread('app_eager')})"]


def _list_lines(r: BenchRun) -> list[str]:
    ops = r.results["operations"]
    names = [n for n in LIST_OPERATIONS if n in ops]
    if not names:
        return []
    lines = [f"{'list operation':<16} {'items read':>10} {'app ms':>8}   (items read: the Queries' ScannedCount)"]
    lines += [f"{n:<16} {ops[n]['items_read']:>10} {ops[n]['app_ms']:>8.2f}" for n in names]
    return lines + [""]


def _cost_lines(r: BenchRun) -> list[str]:
    res = r.results
    lines = [f"price per operation (USD per million requests; {PRICE_REGION} list prices of {PRICE_DATE}, "
             f"Lambda at the prod stage's {res['lambda_memory_mb']} MB billed for app ms "
             f"+ {DYNAMODB_MS_PER_REQUEST} ms "
             "per DynamoDB request):",
             f"{'operation':<16} {'billed ms':>10} {'read units':>10} {'write units':>11} {'USD / million':>14}"]
    lines += [f"{n:<16} {op['billed_ms']:>10} {op['read_units']:>10.2f} {op['write_units']:>11.2f} "
              f"{op['cost_usd_per_million']:>14.2f}" for n, op in res["operations"].items()]
    for name, p in res.get("cost_usd_per_10k_mau", {}).items():
        mix = ", ".join(f"{v:g} {k}" for k, v in PROFILES[name].items())
        by = ", ".join(f"{k} {v:.2f} ({v / p['usd']:.0%})" for k, v in p["by"].items() if p["usd"])
        lines += ["", f"profile {name} (per user per month: {mix}): USD {p['usd']:.2f} per 10,000 monthly users, "
                      f"{p['share_of_cognito']:.1%} of Cognito's USD {p['cognito_usd']:.0f}",
                  f"  where it goes: {by}"]
    return lines


def write_json(results: dict, path: str = OUTPUT) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
        f.write("\n")

