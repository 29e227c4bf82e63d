"""Seed files' `appointments` and `appointment_requests`, and the demo's week of schedule."""
from __future__ import annotations

import copy
import os

import pytest

from tests.conftest import SEED


def _seed(**extra):
    data = copy.deepcopy(SEED)
    data.update(extra)
    return data


def test_the_demo_seed_has_a_week_of_schedule(aws):
    from types import SimpleNamespace

    from chalicelib.core.ids import now
    from chalicelib.sections.appointments.requests import list_queue
    from chalicelib.sections.appointments.schedule import provider_days
    from chalicelib.sections.appointments.times import add_days, today
    from infra.seed import load_file

    load_file(os.path.join(os.path.dirname(__file__), "..", "..", "..", "infra", "demo_seed.json"))
    day = today(now())
    week, _ = provider_days("sunrise", "patelr", day, 7, None)
    assert {a.start[:10] for a in week} == {add_days(day, n) for n in range(7)}
    waiting, _ = list_queue(SimpleNamespace(clinic_key="sunrise"), "waiting", None)
    assert [r.reason for r in waiting] == ["Yearly check-up"]


@pytest.mark.parametrize("entry,words", [
    ({"provider": "SmithF"}, "not a clinician"),
    ({"start": "2030-01-01T09:03:00Z"}, "5-minute"),
    ({"minutes": 7}, "steps of 5"),
    ({"video_link": "http://x.example"}, "https://"),
    ({"status": "completed"}, "status must be"),
    ({"patient_id": "NOPE"}, "not among"),
])
def test_bad_appointments_are_refused_before_anything_is_written(aws, entry, words):
    from infra.seed import SeedError, load

    appointment = {"clinic_id": "SUNRISE", "patient_id": "P100", "provider": "PatelR",
                   "start": "2030-01-01T09:00:00Z", "minutes": 30, **entry}
    with pytest.raises(SeedError, match=words):
        load(_seed(appointments=[appointment]))


def test_overlapping_seed_appointments_are_refused(aws):
    from infra.seed import SeedError, load

    a = {"clinic_id": "SUNRISE", "patient_id": "P100", "provider": "PatelR", "start": "2030-01-01T09:00:00Z",
         "minutes": 30}
    with pytest.raises(SeedError, match="overlaps appointments\\[0\\]"):
        load(_seed(appointments=[a, {**a, "patient_id": "P101", "start": "2030-01-01T09:25:00Z"}]))


def test_seeded_appointments_count_like_the_portal(aws, gateway):
    from infra.seed import load
    from tests.portal_helpers import patient

    load(_seed(appointments=[
        {"clinic_id": "SUNRISE", "patient_id": "P100", "provider": "PatelR", "start": "2030-01-01T14:05:00Z",
         "minutes": 30},
        {"clinic_id": "SUNRISE", "patient_id": "P100", "provider": "PatelR", "start": "2029-12-01T14:05:00Z",
         "minutes": 30, "status": "cancelled"}],
        appointment_requests=[{"clinic_id": "SUNRISE", "patient_id": "P100", "username": "ann@example.com",
                               "reason": "Check-up"}]))
    tiles = patient(gateway).get("/api/portal/patients/P100/home").json()["tiles"]
    assert next(t for t in tiles if t["section"] == "appointments")["attention"]["text"] == \
        "Next: Tue 1 Jan 14:05 UTC"
