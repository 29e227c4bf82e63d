"""The sections' bench operations (issue 13: the patient home with every tile and a
provider's day), run at the quick sizes (20 and 200 patients): what they read is
exact, so it is asserted; their times are not (quick mode's mean nothing)."""
from __future__ import annotations

import json

import pytest

from infra import bench
from infra.bench import sections


@pytest.fixture(scope="module")
def sections_run():
    return bench.run(quick=True, operations=sections.section_operations(), cold_start=False)


def test_the_home_is_one_request_with_every_tile_at_any_size(sections_run):
    ops = sections_run.results["operations"]
    for size in ("100", "10000"):
        for name in (f"home_{size}", f"home_poll_{size}"):   # the load (200, all 7 tiles: checked) and the 304
            assert dict(sections_run.calls[name]) == {"TransactGetItems": 1}, name
            # session, login, grant, the patient's counter and the grant's: nothing grows with the clinic
            assert (ops[name]["dynamodb_requests"], ops[name]["items_read"], ops[name]["keys_read"]) == (1, 0, 5)
    assert sections_run.unstable == {}


def test_a_providers_day_reads_that_day_only_at_any_size(sections_run):
    ops = sections_run.results["operations"]
    for size in ("100", "10000"):
        for name in (f"schedule_day_{size}", f"my_schedule_{size}"):
            calls = sections_run.calls[name]
            # the session with its staff record, the clinic, and one Query for a page of 200 (+1)
            assert dict(calls) == {"TransactGetItems": 1, "GetItem": 1, "Query": 1}, name
            assert calls.query_limits == [201]
            assert ops[name]["items_read"] == sections.DAY_APPOINTMENTS  # the 12 of that day, not the partition
            assert ops[name]["keys_read"] == 3


def test_every_exact_section_target_holds(sections_run):
    checks = {t.label: (actual, limit, ok) for t, actual, limit, ok in sections_run.checks if not t.timing}
    assert [label for label, (*_, ok) in checks.items() if not ok] == []
    for stem in sections.STEMS:
        assert checks[f"{stem}_10000 vs 100 requests"][:2] == (checks[f"{stem}_100 DynamoDB requests"][0],) * 2
        assert checks[f"{stem}_10000 vs 100 reads"][0] == checks[f"{stem}_10000 vs 100 reads"][1]
    assert sections_run.prepare_s.keys() == set(sections.SECTION_OPERATIONS)
    text = bench.table(sections_run)
    assert "section operation" in text and "home_poll_10000" in text and "bulk-written" in text


def test_the_bulk_clinic_is_full_around_the_day():
    """BenchDrA: exactly the day's appointments on D, full days around it; the other
    clinicians full on D too."""
    plan = sections.bulk_appointments(200, "2026-12-02")
    starts = [(p, s) for items in plan.values() for p, s in items]
    assert len(starts) == 200 * sections.APPOINTMENTS_PER_PATIENT + sections.DAY_APPOINTMENTS
    on_day = [p for p, s in starts if s.startswith("2026-12-02")]
    assert on_day.count(sections.PROVIDER) == sections.DAY_APPOINTMENTS
    assert all(on_day.count(p) == sections.DAY_SLOTS for p in sections.OTHER_PROVIDERS)
    assert any(p == sections.PROVIDER and s.startswith("2026-12-01") for p, s in starts)
    assert len(set(starts)) == len(starts)   # no clinician is booked twice at one time


def test_a_day_view_that_reads_the_providers_whole_partition_fails(monkeypatch):
    """Filtering the provider's appointments to the day after reading them all returns
    the same page with the same requests: only items read (and the flat target) see it."""
    from chalicelib.sections.appointments import schedule

    real = schedule.query_page

    def whole_partition(model, query, key, *, range_key_condition=None, **kwargs):
        return real(model, query, key, filter_condition=range_key_condition, **kwargs)

    monkeypatch.setattr(schedule, "query_page", whole_partition)
    ops = [op for op in sections.section_operations() if op.name.startswith("schedule_day")]
    r = bench.run(quick=True, operations=ops, cold_start=False)
    res = r.results["operations"]
    assert res["schedule_day_10000"]["dynamodb_requests"] == 3   # counts alone miss it
    assert res["schedule_day_10000"]["items_read"] > res["schedule_day_100"]["items_read"] > 12
    failed = {t.label for t, _, _, ok in r.checks if not ok}
    assert {"schedule_day_10000 items read", "schedule_day_10000 vs 100 reads"} <= failed
    assert not r.passed


def test_section_targets_judge_a_second_request(sections_run):
    worse = json.loads(json.dumps(sections_run.results))
    worse["operations"]["home_10000"]["dynamodb_requests"] = 2      # e.g. the counters read on their own
    worse["operations"]["my_schedule_10000"]["keys_read"] = 4
    failed = {t.label for t, _, _, ok in bench.evaluate(worse, partial=True) if not ok}
    assert {"home_10000 DynamoDB requests", "home_10000 vs 100 requests", "my_schedule_10000 keys read",
            "my_schedule_10000 vs 100 reads"} <= failed
