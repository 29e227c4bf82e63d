"""The audit page's filters: a person, a patient, an event kind and a date range (UTC days),
newest first, a page at a time. Every filter is a Query on a key, never a Scan:

- no filter, or only dates: the table (`clinic_key`, `event_key` between the dates);
- a kind: the `by_kind` index ("<clinic>#<kind>"), dates as the sort-key range;
- a person: the `by_actor` and `by_subject` indexes ("<clinic>#<username>"), merged by
  time (an event a person did to themself is shown once); with a kind as well, the kind
  is a FilterExpression on those two Queries, bounded: one page reads at most
  MAX_ROUNDS x 2 x (PAGE_SIZE + 1) items, and may come back short with a cursor
  ("Load more" goes on from where the reading stopped);
- a patient: the `by_patient` index ("<clinic>#<patient_id>": every event whose details
  name the patient, e.g. the access log of who viewed which section); a kind is a
  FilterExpression on it, bounded as above. With a person as well, the patient is a
  FilterExpression on the person's two Queries.

`event_key` begins with the 16-digit epoch microseconds, so a date range is a
sort-key range and the cursor is the last event key shown: the next page is
every stream's events strictly older than it. The cursor is opaque to clients
(the table's key, encoded as before) and must point into the caller's clinic.
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from chalicelib.core.db import encode_cursor, page_start
from chalicelib.core.errors import InvalidRequest
from chalicelib.core.limits import DATE_RE, LOGIN_USERNAME_MAX, PATIENT_ID_RE, RECORD_ID_RE

PAGE_SIZE = 50
MAX_ROUNDS = 3            # with a person and a kind: the bound on one page's reading (see above)
KEY_NAMES = ("clinic_key", "event_key")
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Filters:
    person: str | None = None      # a username (staff or portal) or a portal account id, as given
    patient: str | None = None     # a patient id
    kind: str | None = None
    date_from: str | None = None   # YYYY-MM-DD, UTC, inclusive
    date_to: str | None = None     # YYYY-MM-DD, UTC, inclusive

    def as_dict(self) -> dict:
        return {name: value for name, value in (("person", self.person), ("patient", self.patient),
                                                ("kind", self.kind),
                                                ("from", self.date_from), ("to", self.date_to)) if value}


def _bad(message: str, code: str = "invalid_request") -> InvalidRequest:
    return InvalidRequest(message, code=code)


def _day(value, name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise _bad(f"`{name}` must be a date like 2026-11-30.", "invalid_date")
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise _bad(f"`{name}` is not a real date.", "invalid_date") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise _bad(f"`{name}` must be between {FIRST_YEAR} and {LAST_YEAR}.", "invalid_date")
    return day


def parse_filters(params: dict) -> Filters:
    """The filters of a request's query string; anything wrong is a 400 that names it."""
    from chalicelib.core.audit_words import KINDS

    params = params or {}
    person = params.get("person")
    if person is not None:
        person = person.strip()
        if len(person) > LOGIN_USERNAME_MAX:
            raise _bad(f"`person` is longer than {LOGIN_USERNAME_MAX} characters.", "invalid_person")
        if any(ord(c) < 32 for c in person):
            raise _bad("`person` holds a control character.", "invalid_person")
    patient = (params.get("patient") or "").strip() or None
    if patient is not None and not PATIENT_ID_RE.fullmatch(patient):
        raise _bad("`patient` is not a patient id.", "invalid_patient")
    kind = params.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise _bad("`kind` is not an event kind of the audit log.", "invalid_kind")
    date_from, date_to = _day(params.get("from"), "from"), _day(params.get("to"), "to")
    if date_from and date_to and date_from > date_to:
        raise _bad("`from` is after `to`.", "invalid_date_range")
    return Filters(person=person or None, patient=patient, kind=kind,
                   date_from=date_from.isoformat() if date_from else None,
                   date_to=date_to.isoformat() if date_to else None)


def _bounds(filters: Filters) -> tuple[str, str]:
    """The sort-key range of the dates: [first microsecond of `from`, first of the day after `to`)."""
    def micros(day: str) -> int:
        return calendar.timegm(datetime.date.fromisoformat(day).timetuple()) * 1_000_000

    low = f"{micros(filters.date_from):016d}" if filters.date_from else "0"
    # "<micros>" sorts before "<micros>#...": the day after `to` is left out.
    high = f"{micros(filters.date_to) + 86_400 * 1_000_000:016d}" if filters.date_to else "9" * 17
    return low, high


def person_refs(clinic_key: str, person: str) -> str | None:
    """The index key of a person: their username, or a portal account id's username
    (one GetItem). None when the text cannot be anyone's."""
    from chalicelib.core.audit import person_ref

    if RECORD_ID_RE.match(person):
        from chalicelib.models import PortalAccountModel

        try:
            return person_ref(clinic_key, PortalAccountModel.get(clinic_key, person).username)
        except PortalAccountModel.DoesNotExist:
            pass
    return person_ref(clinic_key, person)


@dataclass
class _Stream:
    query: object          # bound Query method (table or index)
    hash_key: str
    filter: object = None  # a FilterExpression, or None

    def read(self, low: str, upper: str, limit: int):
        """One Query: events with low <= event_key <= upper, newest first, at most `limit`
        evaluated. Returns (raw items, the last evaluated event key or None when done)."""
        from chalicelib.models import AuditEventModel as A

        kwargs = {"range_key_condition": A.event_key.between(low, upper), "scan_index_forward": False,
                  "limit": limit, "page_size": limit}
        if self.filter is not None:
            kwargs["filter_condition"] = self.filter
        page = next(self.query(self.hash_key, **kwargs).page_iter)
        last = (page.get("LastEvaluatedKey") or {}).get("event_key", {}).get("S")
        return page.get("Items") or [], last, int(page.get("ScannedCount") or 0)


def _streams(clinic_key: str, filters: Filters) -> list[_Stream]:
    from chalicelib.core.audit import patient_ref
    from chalicelib.models import AuditEventModel as A

    about = patient_ref(clinic_key, filters.patient) if filters.patient else None
    kind = (A.kind == filters.kind) if filters.kind else None
    if filters.person:
        ref = person_refs(clinic_key, filters.person)
        if ref is None:
            return []   # no one can have that username
        condition = kind
        if about is not None:
            condition = (A.patient_ref == about) if condition is None else (condition & (A.patient_ref == about))
        return [_Stream(A.by_actor.query, ref, condition), _Stream(A.by_subject.query, ref, condition)]
    if about is not None:
        return [_Stream(A.by_patient.query, about, kind)]
    if filters.kind:
        return [_Stream(A.by_kind.query, f"{clinic_key}#{filters.kind}")]
    return [_Stream(A.query, clinic_key)]


@dataclass
class Page:
    events: list
    cursor: str | None
    items_read: int        # what DynamoDB evaluated for this page (the bound above)
    queries: int


def search(clinic_key: str, filters: Filters, cursor: str | None, limit: int = PAGE_SIZE) -> Page:
    """One page of events, newest first. Sound for any number of streams: after each
    round, every stream has read all its events at or above its last evaluated key,
    so events at or above the highest of those are complete and may be shown."""
    from chalicelib.models import AuditEventModel

    start = page_start(cursor, hash_name="clinic_key", hash_value=clinic_key, key_names=KEY_NAMES)
    low, upper = _bounds(filters)
    if start is not None:
        upper = min(upper, start["event_key"]["S"])
    streams = _streams(clinic_key, filters)
    shown: list = []
    reads = queries = 0
    more = bool(streams)
    for _ in range(MAX_ROUNDS if streams else 0):
        if upper <= low:
            more = False
            break
        need = limit - len(shown)
        found: dict[str, dict] = {}
        frontier = None   # the highest last-evaluated key of a stream that has more
        for stream in streams:
            items, last, scanned = stream.read(low, upper, need + 1)
            queries += 1
            reads += scanned
            for raw in items:
                key = raw["event_key"]["S"]
                if key < upper:   # `between` includes the upper bound: the event shown last
                    found[key] = raw
            if last is not None:
                frontier = last if frontier is None else max(frontier, last)
        ready = sorted((k for k in found if frontier is None or k >= frontier), reverse=True)
        if len(ready) > need:
            ready = ready[:need]
            shown += [found[k] for k in ready]
            upper = ready[-1]
            break
        shown += [found[k] for k in ready]
        if frontier is None:
            more = False
            break
        upper = frontier   # every stream has read everything at or above it
        if len(shown) >= limit:
            break
    events = [AuditEventModel.from_raw_data(raw) for raw in shown]
    next_cursor = encode_cursor({"clinic_key": {"S": clinic_key}, "event_key": {"S": upper}}) if more else None
    return Page(events, next_cursor, reads, queries)
