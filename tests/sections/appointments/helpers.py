"""Shared helpers of the appointments tests."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

SCHEDULE = "/api/clinics/SUNRISE/appointments"
QUEUE = "/api/clinics/SUNRISE/appointment-requests"
MINE = "/api/portal/patients/P100/appointments"
MY_REQUESTS = "/api/portal/patients/P100/appointment-requests"


def at(days: int = 3, hour: int = 9, minute: int = 0, *, now: int | None = None) -> str:
    """A start `days` from now (UTC), at hour:minute, in the wire form."""
    base = datetime.fromtimestamp(now, UTC) if now is not None else datetime.now(UTC)
    day = (base + timedelta(days=days)).date()
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00Z"


def body(**overrides) -> dict:
    out = {"patient_id": "P100", "provider": "PatelR", "start": at(), "minutes": 30, "reason": "Knee pain",
           "location": "Room 2"}
    out.update(overrides)
    return out


def book(browser, **overrides):
    return browser.post(SCHEDULE, json=body(**overrides))
