"""Fuzzing the statements and medications bodies with a real key: any mix of valid
and hostile values is written whole (the patient's balance still the exact sum of
their statements) or refused with 400 `invalid_field` naming a field it sent (or a
required one it left out), writing nothing; never a 5xx."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import table_items
from tests.integrations.helpers import ehr
from tests.integrations.records_helpers import MEDICATION, STATEMENT, balance, statements_sum

SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(max_size=20))
AMOUNTS = st.one_of(SCALARS, st.sampled_from(["0", "0.00", "1", "9.99", "10.5", "120.50", "1000000.00",
                                              "1000000.01", "-1", "1e3", " 1.00", "1.001", "٣", "NaN"]))
DATES = st.one_of(SCALARS, st.sampled_from(["2026-11-02", "2026-02-30", "1999-12-31", "2101-01-01", ""]))
LINE = st.fixed_dictionaries({}, optional={"serviceDate": DATES, "description": st.one_of(SCALARS, st.just("Visit")),
                                           "charge": AMOUNTS, "payment": AMOUNTS, "adjustment": AMOUNTS,
                                           "quantity": SCALARS})
GOOD_LINE = st.fixed_dictionaries({"serviceDate": st.just("2026-11-02"), "description": st.just("Visit")},
                                  optional={"charge": AMOUNTS, "payment": AMOUNTS, "adjustment": AMOUNTS})
STATEMENTS = st.fixed_dictionaries({}, optional={
    "patient": st.one_of(SCALARS, st.sampled_from(["P100", "P101", "L200", "p100"])),
    "date": DATES, "dueDate": DATES,
    "currency": st.one_of(SCALARS, st.sampled_from(["USD", "usd", "EUR", "US"])),
    "lines": st.one_of(SCALARS, st.lists(st.one_of(LINE, GOOD_LINE), max_size=4)),
    "total": SCALARS})
MEDS = st.fixed_dictionaries({}, optional={
    "patient": st.one_of(SCALARS, st.sampled_from(["P100", "P101", "L200"])),
    "medication": st.one_of(SCALARS, st.just("Metformin 500 mg")),
    "status": st.one_of(SCALARS, st.sampled_from(["active", "stopped", "on-hold", "ACTIVE"])),
    "dose": SCALARS, "dosageInstruction": SCALARS, "requester": SCALARS,
    "numberOfRepeatsAllowed": st.one_of(SCALARS, st.integers(-2, 101))})
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def _named(err: dict, sent: dict, required: tuple) -> bool:
    top = err["field"].split("[")[0].split(".")[0]
    return top in sent or top in required


def test_any_statement_is_written_whole_or_refused_and_the_balance_stays_exact(admin, gateway):
    client = ehr(gateway, admin, scopes=("statements",))
    assert client.put("FUZZ-S", STATEMENT, resource="statements").status == 201
    seen = set()

    @FUZZ
    @given(STATEMENTS, st.booleans())
    def check(body, over_valid):
        sent = {**STATEMENT, **body} if over_valid else body
        before = table_items("statements"), table_items("section_counters")
        r = client.put("FUZZ-S", sent, resource="statements")
        seen.add(r.status)
        assert r.status in (200, 400), r.text
        if r.status == 400:
            err = r.json()
            assert err["error"] == "invalid_field" and _named(err, sent, ("patient", "date", "dueDate", "currency",
                                                                         "lines")), (err, sent)
            assert (table_items("statements"), table_items("section_counters")) == before
        for pid in ("P100", "P101"):
            assert balance(pid) == statements_sum(pid), (pid, sent)

    check()
    assert {200, 400} <= seen


def test_any_medication_is_written_whole_or_refused(admin, gateway):
    client = ehr(gateway, admin, scopes=("medications",))
    assert client.put("FUZZ-M", MEDICATION, resource="medications").status == 201
    seen = set()

    @FUZZ
    @given(MEDS, st.booleans())
    def check(body, over_valid):
        sent = {**MEDICATION, **body} if over_valid else body
        before = table_items("medications")
        r = client.put("FUZZ-M", sent, resource="medications")
        seen.add(r.status)
        assert r.status in (200, 400), r.text
        if r.status == 400:
            err = r.json()
            assert err["error"] == "invalid_field" and _named(err, sent, ("patient", "medication", "status")), err
            assert table_items("medications") == before

    check()
    assert {200, 400} <= seen
