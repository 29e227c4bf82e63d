"""The staff views of the schedule, each one Query a page (200 appointments):

- a provider's day or week: `by_provider` between the first day's start and the last
  day's end (one partition per provider, sorted by start);
- the whole clinic's day: `by_clinic_day` ("<clinic>#<day>");
- a clinician's own day (the staff home's "Today's schedule"): their `by_provider`.

These lists show names and reasons across patients, like the inbox: they are not
access-log views (a patient's own appointment pages are).
"""
from __future__ import annotations

from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import InvalidRequest
from chalicelib.sections.appointments import PROVIDER_ROLE, times

PAGE_SIZE = 200
PROVIDER_KEYS = ("provider_key", "start_key", "clinic_key", "appointment_id")
DAY_KEYS = ("day_key", "start_key", "clinic_key", "appointment_id")


def provider_days(clinic_key: str, provider: str, day: str, days: int, cursor: str | None,
                  limit: int = PAGE_SIZE):
    from chalicelib.models import AppointmentModel as A

    key = f"{clinic_key}#{provider}"
    start = page_start(cursor, hash_name="provider_key", hash_value=key, key_names=PROVIDER_KEYS)
    last_day = times.add_days(day, days - 1)
    items, last = query_page(A, A.by_provider.query, key, limit=limit, start=start, key_names=PROVIDER_KEYS,
                             range_key_condition=A.start_key.between(day, last_day + "~"))
    return items, encode_cursor(last)


def clinic_day(clinic_key: str, day: str, cursor: str | None, limit: int = PAGE_SIZE):
    from chalicelib.models import AppointmentModel as A

    key = f"{clinic_key}#{day}"
    start = page_start(cursor, hash_name="day_key", hash_value=key, key_names=DAY_KEYS)
    items, last = query_page(A, A.by_clinic_day.query, key, limit=limit, start=start, key_names=DAY_KEYS)
    return items, encode_cursor(last)


def view(clinic, *, provider: str | None, day: str, days: int, cursor: str | None):
    """The schedule page's list: a provider's day or week, or the clinic's day."""
    from chalicelib.core.ids import normalize_key

    if days not in (1, 7):
        raise InvalidRequest("days must be 1 (a day) or 7 (a week).", code="invalid_days")
    if provider:
        return provider_days(clinic.clinic_key, normalize_key(provider), day, days, cursor)
    if days != 1:
        raise InvalidRequest("A week view is per provider: choose one.", code="provider_required")
    return clinic_day(clinic.clinic_key, day, cursor)


def providers(clinic) -> list:
    """The clinic's active clinicians, by username (one Query of the clinic's staff partition)."""
    from chalicelib.models import StaffModel as S

    items, _ = query_page(S, S.query, clinic.clinic_key, limit=500, start=None,
                          key_names=("clinic_key", "username_key"),
                          filter_condition=S.roles.contains(PROVIDER_ROLE) & (S.enabled == True))  # noqa: E712
    return items


def my_day(session, day: str, cursor: str | None):
    """A staff member's own appointments of one day (empty for a non-clinician)."""
    return provider_days(session.clinic_key, session.subject_id, day, 1, cursor)
