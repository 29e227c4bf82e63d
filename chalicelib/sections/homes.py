"""The two homes (issue 12, points 2 and 5): what each person sees first, built from
the section counters (`sections/counters.py`) only, so each is one DynamoDB request
(the session's own TransactGetItems, `auth.sessions.load_with`) and a page that polls
it is answered 304 while nothing changed (`api/http.fresh_or_json`).

- The patient home: a tile per section the grant permits *and* that is built
  (`sections.Section.built`), each with what needs attention ("2 unread messages",
  "1 form to fill in", "Nothing new"); sections permitted but not built yet are named
  in `not_yet` (the page shows "Not available in the portal yet: ..."), never as a tile
  that leads nowhere.
- The staff workspace: per staff permission, what is waiting for *them*, with a count
  and a link to the page that shows it.

Adding a section's attention (part 2: the next appointment, new results, ...) is one
entry in ATTENTION; adding a workspace queue is one entry in WORKSPACE.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.sections import SECTIONS, counters


@dataclass(frozen=True)
class Attention:
    owner: str      # "patient": shared by everyone acting for the patient; "grant": this login's row
    count: str      # the SectionCounterModel count
    one: str        # "unread message"
    many: str       # "unread messages"
    # (count, text) from the owner's counter item (or None), for a tile that says more
    # than one count ("1 request answered", "$120.50 due by 15 Jan")
    describe: Callable | None = None


def _next_appointment(item) -> tuple[int, str]:
    """"Next: Tue 3 Dec 09:30 UTC" from the patient counter's upcoming list."""
    from chalicelib.core.ids import now
    from chalicelib.sections.appointments import times, upcoming

    n, start = upcoming.next_start(item, times.stored(now()))
    return n, (f"Next: {times.words(start)}" if start else "No upcoming appointments")


def _refills(item) -> tuple[int, str]:
    waiting = item.count("refills_open") if item is not None else 0
    answered = item.count("refills_answered") if item is not None else 0
    if waiting:
        return waiting, _counted(waiting, "request in progress", "requests in progress")
    return answered, _counted(answered, "request answered", "requests answered")


def _billing(item) -> tuple[int, str]:
    from datetime import date

    from chalicelib.sections.billing.settings import money

    cents = int(item.billing_balance_cents or 0) if item is not None else 0
    if cents <= 0:
        return 0, "Nothing due"
    text = f"{money(cents, item.billing_currency or 'USD')} due"
    if item.billing_due_date:
        day = date.fromisoformat(item.billing_due_date)
        text += f" by {day.day} {day:%b}"
    return 1, text


ATTENTION: dict[str, Attention] = {
    "messages": Attention("patient", "messages_unread", "unread message", "unread messages"),
    "forms": Attention("grant", "forms_open", "form to fill in", "forms to fill in"),
    "appointments": Attention("patient", "appointments_upcoming", "upcoming appointment", "upcoming appointments",
                              describe=_next_appointment),
    "test_results": Attention("patient", "results_new", "new result", "new results"),
    "visit_summaries": Attention("patient", "summaries_new", "new document", "new documents"),
    "refills": Attention("patient", "refills_open", "request in progress", "requests in progress",
                         describe=_refills),
    "billing": Attention("patient", "billing_balance_cents", "", "", describe=_billing),
}
NOTHING_NEW = "Nothing new"


@dataclass(frozen=True)
class Queue:
    key: str
    permission: str   # the staff permission that shows it
    owner: str        # "clinic" or "staff" (the staff member's own counter)
    count: str
    label: str
    href: str
    one: str
    many: str


WORKSPACE: tuple[Queue, ...] = (
    Queue("messages_unassigned", "messages.manage", "clinic", "messages_unassigned_unread",
          "Unassigned conversations waiting", "/inbox?box=unassigned",
          "conversation", "conversations"),
    Queue("messages_mine", "messages.manage", "staff", "messages_assigned_unread",
          "Assigned to you, unread", "/inbox?box=mine",
          "conversation", "conversations"),
    Queue("forms_submitted", "forms.review", "clinic", "forms_submitted",
          "Forms awaiting review", "/forms-review",
          "form", "forms"),
    Queue("appointment_requests", "appointments.manage", "clinic", "appointment_requests_waiting",
          "Appointment requests waiting", "/appointment-requests",
          "request", "requests"),
    Queue("refills_requested", "refills.manage", "clinic", "refills_requested",
          "Refill requests waiting", "/refill-requests",
          "request", "requests"),
)


def _counted(n: int, one: str, many: str, *, none: str = NOTHING_NEW) -> str:
    return none if n <= 0 else f"{n} {one if n == 1 else many}"


# ---------------------------------------------------------------- the patient home

def patient_counter_keys(patient_id: str, grant_id: str) -> dict[str, str]:
    """{owner: counter key} a patient home reads."""
    return {"patient": counters.patient(patient_id), "grant": counters.grant(grant_id)}


def patient_extra_keys(patient_id: str):
    """`extra_keys(clinic_key, grant_id)` for `api.access.authenticate_patient_with`."""
    from chalicelib.models.section_counter import SectionCounterModel as M

    def keys(clinic_key: str, grant_id: str):
        return [(M, clinic_key, k) for k in patient_counter_keys(patient_id, grant_id).values()]
    return keys


def _by_key(patient_id: str, grant, extras) -> dict:
    keys = list(patient_counter_keys(patient_id, grant.grant_id).values())
    return dict(zip(keys, extras, strict=True))


def patient_etag(grant, extras) -> str:
    """Changes with the counters and with anything else the home shows: the patient,
    their name, the grant's sections."""
    from chalicelib.sections.access import patient_name

    items = _by_key(grant.patient_id, grant, extras)
    extra = []
    if "appointments" in (grant.permissions or []):
        # the next appointment changes as time passes, not only when the counter does
        extra.append("next=" + _next_appointment(items[counters.patient(grant.patient_id)])[1])
    return counters.etag(items, f"patient={grant.patient_id}", f"name={patient_name(grant) or ''}",
                         "sections=" + ",".join(sorted(grant.permissions or [])), *extra)


def patient_home(grant, extras) -> dict:
    """The home of `grant`'s patient: {patient, tiles, not_yet}."""
    from chalicelib.sections.access import patient_name

    items = _by_key(grant.patient_id, grant, extras)
    keys = patient_counter_keys(grant.patient_id, grant.grant_id)
    permitted = set(grant.permissions or [])
    tiles, not_yet = [], []
    for s in SECTIONS:
        if s.id not in permitted:
            continue
        if not s.built:
            not_yet.append(s.label)
            continue
        attention = ATTENTION.get(s.id)
        if attention is not None and attention.describe is not None:
            n, text = attention.describe(items.get(keys[attention.owner]))
        else:
            n = counters.count(items, keys[attention.owner], attention.count) if attention else 0
            text = _counted(n, attention.one, attention.many) if attention else NOTHING_NEW
        tiles.append({"section": s.id, "label": s.label, "href": s.href,
                      "attention": {"count": n, "text": text}})
    return {"patient": {"id": grant.patient_id, "name": patient_name(grant)},
            "tiles": tiles, "not_yet": not_yet}


# ---------------------------------------------------------------- the staff workspace

def staff_counter_keys(staff_id: str) -> dict[str, str]:
    return {"clinic": counters.CLINIC, "staff": counters.staff(staff_id)}


def staff_extra_keys(clinic_key: str, staff_id: str):
    """For `api.access.authenticate_staff_with`: the clinic's and the staff member's counters."""
    from chalicelib.models.section_counter import SectionCounterModel as M

    return [(M, clinic_key, k) for k in staff_counter_keys(staff_id).values()]


def _queues(session) -> list[Queue]:
    held = set(session.permissions or [])
    return [q for q in WORKSPACE if q.permission in held]


def is_provider(session) -> bool:
    """A clinician: their home shows today's schedule (`/api/clinics/{id}/my-schedule`)."""
    from chalicelib.sections.appointments import PROVIDER_ROLE

    return PROVIDER_ROLE in (session.roles or [])


def _schedule_extra(session) -> list[str]:
    """A clinician's workspace ETag changes with their schedule (every change of one of
    their appointments bumps their `staff#` counter) and with the day."""
    from chalicelib.core.ids import now
    from chalicelib.sections.appointments.times import today

    return [f"today={today(now())}"] if is_provider(session) else []


def workspace_etag(session, extras) -> str:
    keys = staff_counter_keys(session.subject_id)
    items = dict(zip(keys.values(), extras, strict=True))
    owners = {q.owner for q in _queues(session)} | ({"staff"} if is_provider(session) else set())
    shown = {keys[o]: items[keys[o]] for o in sorted(owners)}   # only what this person is shown
    return counters.etag(shown, f"staff={session.subject_id}",
                         "queues=" + ",".join(q.key for q in _queues(session)), *_schedule_extra(session))


def workspace(session, extras) -> dict:
    """What is waiting for this staff member: {items: [{key, label, href, count, text}]}."""
    keys = staff_counter_keys(session.subject_id)
    items = dict(zip(keys.values(), extras, strict=True))
    out = []
    for q in _queues(session):
        n = counters.count(items, keys[q.owner], q.count)
        out.append({"key": q.key, "label": q.label, "href": q.href, "count": n,
                    "text": _counted(n, q.one, q.many, none="Nothing waiting")})
    body = {"items": out}
    if is_provider(session):
        # the page reads the day itself (one Query) when this answer changes
        body["schedule"] = {"date": _schedule_extra(session)[0][len("today="):]}
    return body
