"""Seed files gain medications and statements (the demo: a medication with refills
and a statement with a balance for Ann), written through the use cases so the
balance on the patient counter matches the statements; a bad entry loads nothing."""
import copy

import pytest

from chalicelib.sections import counters
from tests.conftest import SEED, table_items

LINES = [{"service_date": "2026-11-03", "description": "Office visit", "charge_cents": 15000},
         {"service_date": "2026-11-20", "description": "Insurance payment", "payment_cents": 2950}]


def seed_with(**extra) -> dict:
    data = copy.deepcopy(SEED)
    data.update(extra)
    return data


def test_medications_and_statements_load_with_the_balance(aws):
    from infra.seed import load

    load(seed_with(medications=[{"clinic_id": "SUNRISE", "patient_id": "P100", "name": "Lisinopril",
                                 "refills_left": 3},
                                {"clinic_id": "SUNRISE", "patient_id": "P100", "name": "Old", "active": False}],
                   statements=[{"clinic_id": "SUNRISE", "patient_id": "P100", "statement_date": "2026-11-30",
                                "due_date": "2027-01-15", "lines": LINES,
                                "payments": [{"amount_cents": 2050, "received_date": "2026-12-01"}]}]))
    meds = {i["name"]["S"]: i for i in table_items("medications")}
    assert meds["Lisinopril"]["refills_left"]["N"] == "3" and meds["Old"]["active"]["BOOL"] is False
    (statement,) = table_items("statements")
    assert statement["balance_cents"]["N"] == str(15000 - 2950 - 2050)
    items = counters.read("sunrise", [counters.patient("P100")])
    assert items[counters.patient("P100")].billing_balance_cents == 10000


@pytest.mark.parametrize("extra,words", [
    ({"medications": [{"clinic_id": "SUNRISE", "patient_id": "NOPE", "name": "X"}]}, "not among the seed's patients"),
    ({"medications": [{"clinic_id": "SUNRISE", "patient_id": "P100", "name": "X", "refills_left": 500}]},
     "refills_left"),
    ({"statements": [{"clinic_id": "SUNRISE", "patient_id": "P100", "statement_date": "2026-11-30",
                      "due_date": "2027-01-15", "lines": [{"service_date": "2026-11-03", "description": "X",
                                                           "charge_cents": 10.5}]}]}, "charge_cents"),
    ({"statements": [{"clinic_id": "SUNRISE", "patient_id": "P100", "statement_date": "2026-11-30",
                      "due_date": "2027-01-15", "lines": LINES,
                      "payments": [{"amount_cents": 99999, "received_date": "2026-12-01"}]}]}, "more than"),
])
def test_a_bad_entry_loads_nothing(aws, extra, words):
    from infra.seed import SeedError, load

    with pytest.raises(SeedError, match=words):
        load(seed_with(**extra))
    assert table_items("medications") == [] and table_items("patients") == []


def test_the_demo_has_a_refillable_medication_and_a_balance(aws):
    from infra.local import DEMO_SEED
    from infra.seed import load_file

    load_file(DEMO_SEED)
    meds = [i for i in table_items("medications") if i["active"]["BOOL"]]
    assert any(int(m["refills_left"]["N"]) > 0 for m in meds)
    items = counters.read("sunrise", [counters.patient("P100")])
    assert items[counters.patient("P100")].billing_balance_cents == 12050
