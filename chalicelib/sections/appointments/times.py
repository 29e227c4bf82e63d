"""Times of appointments. Every time is UTC; the portal has no clinic time zone
setting yet, so the pages say "UTC" next to each time (docs/architecture.md,
"Sections: Appointments").

- A start is stored as "YYYY-MM-DDTHH:MM" (on a 5-minute boundary) and sent on the
  wire as "YYYY-MM-DDTHH:MM:00Z".
- A length is 5 to 180 minutes, a multiple of 5: an appointment covers whole
  5-minute slots, so slot claims say exactly whether two appointments overlap (no
  false conflicts), and the longest move (36 slots released + 36 claimed + the
  rest) stays under DynamoDB's 100 items per transaction.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chalicelib.core.errors import InvalidRequest

SLOT_MINUTES = 5
MIN_MINUTES = 5
MAX_MINUTES = 180
FORMAT = "%Y-%m-%dT%H:%M"


def parse_start(name: str, value) -> str:
    """An ISO 8601 time with a UTC offset ("2026-12-03T09:30:00Z"), on a 5-minute
    boundary; returns the stored form. Else 400 naming the field."""
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidRequest(f"{name} must be a time like 2026-12-03T09:30:00Z.", code="invalid_start")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(f"{name} must be a time like 2026-12-03T09:30:00Z.", code="invalid_start") from None
    if when.tzinfo is None:
        raise InvalidRequest(f"{name} must say its time zone (end it with Z for UTC).", code="invalid_start")
    when = when.astimezone(UTC)
    if when.second or when.microsecond or when.minute % SLOT_MINUTES:
        raise InvalidRequest(f"{name} must be on a {SLOT_MINUTES}-minute boundary (09:30, 09:35...).",
                             code="invalid_start")
    if not 2000 <= when.year <= 2099:
        raise InvalidRequest(f"{name} must be a year from 2000 to 2099.", code="invalid_start")
    return when.strftime(FORMAT)


def parse_day(name: str, value) -> str:
    """A date "YYYY-MM-DD"; else 400."""
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2099:
        raise InvalidRequest(f"{name} must be a date like 2026-12-03.", code="invalid_date")
    return day.isoformat()


def moment(start: str) -> datetime:
    return datetime.strptime(start, FORMAT).replace(tzinfo=UTC)


def epoch(start: str) -> int:
    return int(moment(start).timestamp())


def stored(ts: int) -> str:
    """Epoch seconds as a stored start (rounded down to the minute)."""
    return datetime.fromtimestamp(int(ts), UTC).strftime(FORMAT)


def wire(start: str | None) -> str | None:
    return None if start is None else f"{start}:00Z"


def end_of(start: str, minutes: int) -> str:
    return (moment(start) + timedelta(minutes=int(minutes))).strftime(FORMAT)


def day_of(start: str) -> str:
    return start[:10]


def add_days(day: str, n: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=n)).isoformat()


def today(ts: int) -> str:
    return datetime.fromtimestamp(int(ts), UTC).date().isoformat()


def slots(start: str, minutes: int) -> list[str]:
    """The 5-minute slots an appointment covers ("YYYY-MM-DDTHH:MM" each)."""
    first = moment(start)
    return [(first + timedelta(minutes=m)).strftime(FORMAT) for m in range(0, int(minutes), SLOT_MINUTES)]


def start_key(start: str, appointment_id: str) -> str:
    return f"{start}#{appointment_id}"


def words(start: str) -> str:
    """"Tue 3 Dec 09:30 UTC"."""
    when = moment(start)
    return f"{when:%a} {when.day} {when:%b %H:%M} UTC"


def long_words(start: str) -> str:
    """"Tuesday 3 December 2026 at 09:30 UTC" (the reminder email)."""
    when = moment(start)
    return f"{when:%A} {when.day} {when:%B %Y} at {when:%H:%M} UTC"
