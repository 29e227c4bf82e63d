"""The bench's machinery in quick mode: JSON shape and DynamoDB request counts.
Timings are never asserted here (they mean nothing with cheap argon2)."""
from __future__ import annotations

import json
import os

import pytest

from infra import bench

OPERATIONS = {"clinic_lookup", "staff_login", "login_failure", "me", "logout"}


@pytest.fixture(scope="module")
def quick_run():
    before = dict(os.environ)
    r = bench.run(quick=True)
    assert dict(os.environ) == before  # the bench restores the test env
    return r


def test_json_shape(quick_run, tmp_path):
    res = quick_run.results
    assert set(res) == {"argon2_verify_ms", "import_ms", "scans", "operations"}
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
