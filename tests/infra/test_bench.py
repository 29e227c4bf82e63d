"""The bench's machinery in quick mode: JSON shape and DynamoDB request counts.
Timings are never asserted here (they mean nothing with cheap argon2)."""
from __future__ import annotations

import json
import os

import pytest

from infra import bench

OPERATIONS = {"clinic_lookup", "staff_login", "login_failure", "me", "logout",
              "list_page_100", "list_page_10000"}
LIST_OPS = ("list_page_100", "list_page_10000")


@pytest.fixture(scope="module")
def quick_run():
    before = dict(os.environ)
    r = bench.run(quick=True)
    assert dict(os.environ) == before  # the bench restores the test env
    return r


def test_json_shape(quick_run, tmp_path):
    res = quick_run.results
    assert set(res) == {"argon2_verify_ms", "import_ms", "scans", "operations", "list_page_ratio"}
    assert isinstance(res["list_page_ratio"], float) and res["list_page_ratio"] > 0
    assert isinstance(res["argon2_verify_ms"], float)
    assert set(res["import_ms"]) == {"app", "floor"}
    assert all(isinstance(v, float) for v in res["import_ms"].values())
    assert isinstance(res["scans"], int)
    assert set(res["operations"]) == OPERATIONS
    for op in res["operations"].values():
        assert set(op) == {"dynamodb_requests", "median_ms"}
        assert isinstance(op["dynamodb_requests"], int) and op["dynamodb_requests"] >= 1
        assert isinstance(op["median_ms"], float)
    path = tmp_path / "bench.json"
    bench.write_json(res, str(path))
    assert json.loads(path.read_text()) == res


def test_request_counts(quick_run):
    ops = quick_run.results["operations"]
    assert quick_run.results["scans"] == 0
    assert ops["staff_login"]["dynamodb_requests"] <= 3
    assert ops["me"]["dynamodb_requests"] <= 1
    assert quick_run.unstable == {}  # the same count on every run
    assert quick_run.argon2_params == {"time_cost": 1, "memory_kib": 256, "parallelism": 1}


def test_count_targets_judge_counts(quick_run):
    checks = {t.label: ok for t, _, _, ok in quick_run.checks}
    assert checks["staff_login DynamoDB requests"]
    assert checks["me DynamoDB requests"]
    assert checks["Scans over the whole run"]
    worse = json.loads(json.dumps(quick_run.results))
    worse["operations"]["me"]["dynamodb_requests"] = 2
    worse["scans"] = 1
    failed = {t.label for t, _, _, ok in bench.evaluate(worse) if not ok}
    assert {"me DynamoDB requests", "Scans over the whole run"} <= failed
    text = bench.table(quick_run)
    assert all(name in text for name in OPERATIONS) and "verdict:" in text


def test_prod_argon2_parameters_come_from_chalice_config(tmp_path, monkeypatch):
    from infra import stage_env

    config = tmp_path / "config.json"
    config.write_text(json.dumps({"stages": {"prod": {"environment_variables": {
        "PORTAL_ARGON2_TIME_COST": "4", "PORTAL_ARGON2_MEMORY_KIB": "131072",
        "PORTAL_ARGON2_PARALLELISM": "2"}}}}))
    monkeypatch.setattr(stage_env, "CONFIG_PATH", str(config))
    env, source = bench.prod_argon2_env()
    assert env == {"PORTAL_ARGON2_TIME_COST": "4", "PORTAL_ARGON2_MEMORY_KIB": "131072",
                   "PORTAL_ARGON2_PARALLELISM": "2"}
    assert "prod" in source

    monkeypatch.setattr(stage_env, "CONFIG_PATH", str(tmp_path / "missing.json"))
    env, source = bench.prod_argon2_env()
    assert env == {} and "defaults" in source


# ---------------------------------------------------------------- User Management list pages

def test_list_page_is_user_managements_page():
    from chalicelib.portal_accounts.listing import PAGE_SIZE

    assert bench.LIST_PAGE == PAGE_SIZE


def test_quick_list_pages_use_small_clinics():
    assert {name: quick for name, (_, quick) in bench.LIST_CLINICS.items()} == {
        "list_page_100": 20, "list_page_10000": 200}
    assert {name: full for name, (full, _) in bench.LIST_CLINICS.items()} == {
        "list_page_100": 100, "list_page_10000": 10_000}


def test_list_page_is_one_query(quick_run):
    ops = quick_run.results["operations"]
    for name in LIST_OPS:
        calls = quick_run.calls[name]
        assert calls["Query"] == 1, (name, calls)  # each page: exactly one Query...
        assert set(calls.query_limits) == {bench.LIST_PAGE + 1}  # ...asking for one page (+1 for the cursor)
        # the rest: the clinic (GetItem), the session with its person (TransactGetItems)
        assert calls.keys() <= {"Query", "GetItem", "TransactGetItems"}
        assert ops[name]["dynamodb_requests"] == 3
    assert quick_run.results["list_page_ratio"] == round(
        ops["list_page_10000"]["median_ms"] / ops["list_page_100"]["median_ms"], 3)
    assert quick_run.prepare_s.keys() == set(LIST_OPS)  # each clinic seeded once


def test_list_targets_judge_counts(quick_run):
    checks = {t.label: ok for t, _, _, ok in quick_run.checks}
    for name in LIST_OPS:
        assert checks[f"{name} DynamoDB requests"]
        assert checks[f"{name} Queries"]
    assert "list_page_10000 / list_page_100" in checks  # timing: judged, never asserted here
    worse = json.loads(json.dumps(quick_run.results))
    worse["operations"]["list_page_10000"]["dynamodb_requests"] = 4
    worse["list_page_ratio"] = 1.6
    failed = {t.label for t, _, _, ok in bench.evaluate(worse) if not ok}
    assert {"list_page_10000 DynamoDB requests", "list_page_10000 / list_page_100"} <= failed
    text = bench.table(quick_run)
    assert "list page ratio" in text and "Query×1 (Limit 51)" in text


def test_query_checks_fail_on_two_queries_or_a_big_limit():
    op = bench.list_page_operation("list_page_100")

    def samples(*per_sample):
        smp = bench.Samples()
        for queries, limit in per_sample:
            calls = bench.Calls()
            calls["GetItem"] = 2
            calls["Query"] = queries
            calls.query_limits.extend([limit] * queries)
            smp.calls.append(calls)
        return {op.name: smp}

    def ok(*per_sample):
        [(target, _, _, passed)] = bench.query_checks([op], samples(*per_sample))
        assert target.label == "list_page_100 Queries"
        return passed

    assert ok((1, 51), (1, 51))
    assert not ok((1, 51), (2, 51))  # a second Query on one page
    assert not ok((1, 1000))  # a Query that reads more than a page
    assert not ok((0, None))  # no Query at all (e.g. a BatchGet or Scan instead)


def test_list_page_check_rejects_a_wrong_page():
    op = bench.list_page_operation("list_page_10000")
    b = bench.Bench(gateway=None, quick=True)  # 200 accounts: a full page and a cursor

    class Reply:
        def __init__(self, items, cursor):
            self.body = {"items": [{}] * items, "next_cursor": cursor}

        def json(self):
            return self.body

    op.check(b, Reply(50, "abc"))
    with pytest.raises(bench.BenchError):
        op.check(b, Reply(50, None))
    with pytest.raises(bench.BenchError):
        op.check(b, Reply(49, "abc"))
