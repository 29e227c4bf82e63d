"""The sections' operations (issue 13): the patient home with every tile, and a
provider's day, each in a clinic of 100 and one of 10,000 patients.

    home_*          GET /api/portal/patients/H000000/home as the patient's Self login
                    (a grant holding all 7 sections, something to show in each)
    home_poll_*     the same with If-None-Match (the current ETag) and X-Portal-Background: 1:
                    the page's self-refresh while nothing changed (304)
    schedule_day_*  GET /api/clinics/{id}/appointments?date=D&provider=BenchDrA as a
                    front_desk user (appointments.manage)
    my_schedule_*   GET /api/clinics/{id}/my-schedule?date=D as BenchDrA

The clinics are the searches' (infra.bench.searches: 100 and 10,000 patients, each
with a Self login and its grant; seeded here if no search ran first), grown with the
sections (`seed_sections`): four clinicians, and the home's patient, H000000, written
through the use cases (infra.seed.load: an upcoming appointment, a released test
result and a released visit summary, a conversation with a clinic reply the patient
has not read, an open form request, a medication, a statement with a balance; then a
refill request through the API). Every other patient gets, bulk-written with
BatchWriteItem (the fastest honest way), the items the use cases would have written,
built with the same key functions: `APPOINTMENTS_PER_PATIENT` appointment(s) spread
over the four clinicians and many days, a released test result's record, a
medication, a statement, and the patient's counter item (upcoming list, new result,
balance). Left out of the bulk: the appointments' slot claims and day registry, the
audit events and the documents' files in S3, which no measured request reads.

D (`day_of`) is tomorrow (UTC) when the clinic is seeded. On D, BenchDrA has exactly
`DAY_APPOINTMENTS` appointments at both sizes; the other clinicians have a full day on
D too, and BenchDrA has full days before and after it, so the Query's partition
(`by_provider`: all of BenchDrA's appointments) grows with the clinic while its key
condition (that day) does not: items read must stay `DAY_APPOINTMENTS`.

Against moto a Query on an index walks the whole table (every bench clinic's
appointments), so the day's in-DynamoDB time is moto's and large at both sizes; one
appointment per patient keeps it under a second a request.
"""
from __future__ import annotations

from infra.bench.environment import CLINIC_SETTINGS, BenchError
from infra.bench.operations import Bench, Operation
from infra.bench.searches import SEARCH_PW as DESK_PW
from infra.bench.searches import SEARCH_USER as DESK_USER  # front_desk: appointments.manage
from infra.bench.searches import SIZES, person, search_clinic_id, seed_search_clinic

HOME_PATIENT = "H000000"
HOME_USER, HOME_PW = "home@bench.example", "bench-home-password"
PROVIDER, PROVIDER_PW = "BenchDrA", "bench-provider-password"      # the clinician whose day is read
OTHER_PROVIDERS = ("BenchDrB", "BenchDrC", "BenchDrD")
DAY_APPOINTMENTS = 12          # BenchDrA's appointments on D, at every size
APPOINTMENTS_PER_PATIENT = 1   # each patient's other appointments
DAY_SLOTS = 16                 # a clinician's full day: 08:00 to 15:30, every 30 minutes
ALL_TILES = ("appointments", "visit_summaries", "test_results", "messages", "refills", "billing", "forms")
_DAYS: dict[str, str] = {}     # clinic id -> D, set when the clinic is seeded


def sections_clinic_id(size: str) -> str:
    return search_clinic_id(size)


def patients_count(bench: Bench, size: str) -> int:
    return patients_count_of(size, bench.quick)


def patients_count_of(size: str, quick: bool) -> int:
    full, small = SIZES[size]
    return small if quick else full


def day_of(clinic_id: str) -> str:
    return _DAYS[clinic_id]


def _home_seed(clinic_id: str, day: str) -> dict:
    """The clinicians and the home's patient with something in every section (the
    clinic exists: it is named for the seed's checks)."""
    staff = [{"clinic_id": clinic_id, "username": name, "password": PROVIDER_PW, "first_name": "Doctor",
              "last_name": name, "roles": ["clinician"]} for name in (PROVIDER, *OTHER_PROVIDERS)]
    c, p = {"clinic_id": clinic_id}, {"clinic_id": clinic_id, "patient_id": HOME_PATIENT}
    return {
        "clinics": [{**c, "name": f"Bench {clinic_id}", "settings": CLINIC_SETTINGS}],
        "staff": staff,
        "patients": [{**p, "first_name": "Hope", "last_name": "Home", "email": HOME_USER}],
        "portal_accounts": [{**p, "username": HOME_USER, "password": HOME_PW, "first_name": "Hope",
                             "last_name": "Home", "access_type": "self"}],
        "form_templates": [{**c, "name": "Intake", "fields": [
            {"key": "full_name", "label": "Your full name", "type": "short_text", "required": True}]}],
        "form_requests": [{**p, "username": HOME_USER, "template": "Intake"}],
        "conversations": [{**p, "topic": "Billing", "subject": "My bill", "assigned_to": OTHER_PROVIDERS[1],
                           "messages": [{"from": "patient", "text": "Could you check my bill?"},
                                        {"from": OTHER_PROVIDERS[1], "text": "Checked: it is right."}]}],
        # 16:30, after every bulk appointment's time: never over one of them
        "appointments": [{**p, "provider": OTHER_PROVIDERS[0], "start": f"{day}T16:30:00Z", "minutes": 30,
                          "reason": "Follow-up"}],
        "documents": [{**p, "kind": "test_result", "title": "Blood count", "date": "2026-11-20",
                       "released": True, "values": [{"test": "Hemoglobin", "value": "13.9", "unit": "g/dL"}]},
                      {**p, "kind": "visit_summary", "title": "Visit", "date": "2026-11-20", "released": True}],
        "medications": [{**p, "name": "Lisinopril", "dose": "10 mg", "refills_left": 3}],
        "statements": [{**p, "statement_date": "2026-11-30", "due_date": "2027-01-15",
                        "lines": [{"service_date": "2026-11-03", "description": "Office visit",
                                   "charge_cents": 12050}]}],
    }


def _refill_request(bench: Bench, clinic_id: str) -> None:
    """The home's patient asks for a refill, through the API."""
    b = bench.signed_in(clinic_id, HOME_USER, HOME_PW, login_type="patient")
    base = f"/api/portal/patients/{HOME_PATIENT}"
    meds = b.get(f"{base}/medications").json()["items"]
    reply = b.post(f"{base}/refill-requests", json={"medication_id": meds[0]["medication_id"],
                                                    "pharmacy": "Main Street Pharmacy"})
    if reply.status != 201:
        raise BenchError(f"refill request: {reply.status} {reply.text[:300]}")


def _times(day: str, offset: int, slot: int) -> str:
    from chalicelib.sections.appointments.times import add_days

    minutes = 8 * 60 + 30 * slot
    return f"{add_days(day, offset)}T{minutes // 60:02d}:{minutes % 60:02d}"


def _offsets():
    """Day offsets from D, nearest first: 0, 1, -1, 2, -2, ..."""
    n = 0
    while True:
        yield n
        if n > 0:
            yield -n
        n += 1


def bulk_appointments(n: int, day: str) -> dict[int, list[tuple[str, str]]]:
    """{patient index: [(provider, start)]} for patients 0..n-1: DAY_APPOINTMENTS with
    BenchDrA on D (patients 0, 1, ...), then APPOINTMENTS_PER_PATIENT each, filling
    each clinician's days nearest D first, BenchDrA's D excepted."""
    out: dict[int, list] = {i: [] for i in range(n)}
    for k in range(DAY_APPOINTMENTS):
        out[k % n].append((PROVIDER, _times(day, 0, k)))
    providers = (PROVIDER, *OTHER_PROVIDERS)
    days = {p: _offsets() for p in providers}
    current = {p: [None, DAY_SLOTS] for p in providers}   # [offset, next slot]
    g = 0
    for i in range(n):
        for _ in range(APPOINTMENTS_PER_PATIENT):
            p = providers[g % len(providers)]
            g += 1
            state = current[p]
            if state[1] == DAY_SLOTS:
                state[0] = next(days[p])
                if p == PROVIDER and state[0] == 0:
                    state[0] = next(days[p])
                state[1] = 0
            out[i].append((p, _times(day, state[0], state[1])))
            state[1] += 1
    return out


def seed_sections(bench: Bench, clinic_id: str, n: int) -> None:
    """The sections in the search clinic `clinic_id` of n patients (seeded first if no
    search operation did)."""
    from chalicelib.core.ids import now
    from chalicelib.sections.appointments.times import add_days, today
    from infra.seed import load

    if clinic_id not in bench.seeded:
        seed_search_clinic(bench, clinic_id, n)
        bench.seeded.add(clinic_id)
    day = add_days(today(now()), 1)
    _DAYS[clinic_id] = day
    _documents_bucket()
    load(_home_seed(clinic_id, day), into=(clinic_id,))
    _refill_request(bench, clinic_id)
    _bulk(clinic_id, n, day)


def _documents_bucket() -> None:
    import boto3

    from chalicelib.core.settings import get_settings
    from infra.buckets import create_documents_bucket

    s3, name = boto3.client("s3"), get_settings().documents_bucket
    if name not in {b["Name"] for b in s3.list_buckets().get("Buckets", [])}:
        create_documents_bucket(s3, name)


def _bulk(clinic_id: str, n: int, day: str) -> None:
    """The search clinic's patients' records, as the use cases would have written them."""
    import json

    from chalicelib.api.billing_bodies import CreateStatementBody
    from chalicelib.clinics.records import clinic_key
    from chalicelib.core.ids import new_id, normalize_key, now
    from chalicelib.models import AppointmentModel, DocumentModel, MedicationModel, StatementModel
    from chalicelib.models.section_counter import SectionCounterModel
    from chalicelib.sections import billing, counters, refills
    from chalicelib.sections.appointments import booking, times, upcoming
    from chalicelib.sections.billing import lines as L
    from chalicelib.sections.documents import records as documents
    from chalicelib.sections.documents import section_of

    ck, at = clinic_key(clinic_id), now()
    now_start = times.stored(at)
    body = CreateStatementBody.from_json({"statement_date": "2026-11-30", "due_date": "2027-01-15", "lines": [
        {"service_date": "2026-11-03", "description": "Office visit", "charge_cents": 9000}]})
    statement_lines, balance = L.dump(body.lines), L.balance(body.lines)
    plan = bulk_appointments(n, day)
    models = (AppointmentModel, DocumentModel, MedicationModel, StatementModel, SectionCounterModel)
    writers = [m.batch_write() for m in models]
    appointments, docs, meds, statements, counter_items = [w.__enter__() for w in writers]
    try:
        for i in range(n):
            pid, first, last, _username = person(i)
            booked = []
            for provider, start in plan[i]:
                future = start >= now_start
                item = AppointmentModel(
                    ck, new_id(), patient_id=pid, patient_name=f"{first} {last}", provider=normalize_key(provider),
                    provider_name=f"Doctor {provider}", start=start, minutes=30, reason="Check-up",
                    status="booked" if future else "fulfilled", booked_by=DESK_USER, created_at=at, updated_at=at)
                booking._keys(item)
                appointments.save(item)
                if item.status == "booked":
                    booked.append(item)
            entries = []
            for item in booked:
                entries = upcoming.changed(entries, item.appointment_id, item.start, now_start)
            document_id = new_id()
            section = section_of("test_result")
            docs.save(DocumentModel(
                ck, document_id, patient_id=pid, patient_key=documents.patient_key(ck, pid, section),
                created_key=f"{at:010d}#{document_id}", kind="test_result", title="Blood count",
                document_date="2026-11-20", author="Doctor BenchDrA", uploaded_by=PROVIDER, created_at=at,
                object_key=f"{ck}/{pid}/{document_id}", content_type="application/pdf", size=1024,
                released_at=at, released_by=PROVIDER, released_ref=documents.patient_key(ck, pid, section),
                released_key=f"{at:010d}#{document_id}", revision=2))
            meds.save(MedicationModel(refills.patient_key(ck, pid), new_id(), clinic_key=ck, patient_id=pid,
                                      name="Atorvastatin", dose="20 mg", refills_left=2, active=True,
                                      created_at=at, created_by=PROVIDER, updated_at=at))
            statements.save(StatementModel(
                billing.patient_key(ck, pid), f"20261130-{new_id()}", clinic_key=ck, patient_id=pid,
                statement_date="2026-11-30", due_date="2027-01-15", currency="USD", lines_json=statement_lines,
                balance_cents=balance, created_at=at, created_by=DESK_USER, updated_at=at))
            counter_items.save(SectionCounterModel(
                ck, counters.patient(pid), revision=len(booked) + 2, updated_at=at,
                appointments_upcoming=json.dumps(entries), results_new=1, billing_balance_cents=balance,
                billing_due_date="2027-01-15", billing_currency="USD"))
    finally:
        for w in reversed(writers):
            w.__exit__(None, None, None)


# ---------------------------------------------------------------- the operations

def _prepare(size: str):
    clinic_id = sections_clinic_id(size)

    def prepare(bench: Bench) -> None:
        if ("sections", clinic_id) not in bench.seeded:   # the operations of one size share it
            seed_sections(bench, clinic_id, patients_count(bench, size))
            bench.seeded.add(("sections", clinic_id))
    return prepare


def _patient(clinic_id: str):
    return lambda b: b.session_for(clinic_id, HOME_USER, HOME_PW, login_type="patient")


HOME_PATH = f"/api/portal/patients/{HOME_PATIENT}/home"
POLL = {"X-Portal-Background": "1"}


def check_home(bench: Bench, reply) -> None:
    """Every tile, each with something to say."""
    tiles = {t["section"]: t["attention"] for t in reply.json()["tiles"]}
    if tuple(tiles) != ALL_TILES or any(a["count"] < 1 for a in tiles.values()):
        raise BenchError(f"home: expected the 7 tiles each with a count, got {tiles}")


def _poll_setup(clinic_id: str):
    def setup(bench: Bench):
        browser = _patient(clinic_id)(bench)
        first = browser.get(HOME_PATH, headers=POLL)
        if first.status != 200 or not first.header("ETag"):
            raise BenchError(f"home_poll setup: {first.status} {first.text[:200]}")
        return browser, first.header("ETag")
    return setup


def _check_day(clinic_id: str):
    def check(bench: Bench, reply) -> None:
        items = reply.json()["items"]
        if len(items) != DAY_APPOINTMENTS or {i["start"][:10] for i in items} != {day_of(clinic_id)}:
            raise BenchError(f"{clinic_id}: expected {DAY_APPOINTMENTS} appointments on {day_of(clinic_id)}, "
                             f"got {[(i['provider'], i['start']) for i in items]}")
    return check


def section_operations() -> list[Operation]:
    from chalicelib.sections.appointments.schedule import PAGE_SIZE

    out = []
    for size in SIZES:
        cid, prepare = sections_clinic_id(size), _prepare(size)
        out += [
            Operation(f"home_{size}", prepare=prepare, check=check_home, queries=0, reads_by_key=True,
                      setup=_patient(cid), measure=lambda b, browser: browser.get(HOME_PATH)),
            Operation(f"home_poll_{size}", expect_status=304, prepare=prepare, queries=0, reads_by_key=True,
                      setup=_poll_setup(cid),
                      measure=lambda b, s: s[0].get(HOME_PATH, headers={**POLL, "If-None-Match": s[1]})),
            Operation(f"schedule_day_{size}", prepare=prepare, check=_check_day(cid), queries=1,
                      query_limit=PAGE_SIZE + 1, reads_by_key=True,
                      setup=lambda b, c=cid: b.session_for(c, DESK_USER, DESK_PW),
                      measure=lambda b, browser, c=cid: browser.get(
                          f"/api/clinics/{c}/appointments?date={day_of(c)}&provider={PROVIDER}")),
            Operation(f"my_schedule_{size}", prepare=prepare, check=_check_day(cid), queries=1,
                      query_limit=PAGE_SIZE + 1, reads_by_key=True,
                      setup=lambda b, c=cid: b.session_for(c, PROVIDER, PROVIDER_PW),
                      measure=lambda b, browser, c=cid: browser.get(
                          f"/api/clinics/{c}/my-schedule?date={day_of(c)}")),
        ]
    return out


STEMS = ("home", "home_poll", "schedule_day", "my_schedule")
SECTION_OPERATIONS = tuple(f"{stem}_{size}" for size in SIZES for stem in STEMS)
