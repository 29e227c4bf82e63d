"""The statements resource: PUT/DELETE /api/integration/v1/statements/{external_id}
writes billing statements through the Billing use cases; the patient's balance (the
counter behind the home tile) moves in the same transaction and never drifts."""
from __future__ import annotations

import pytest

from tests.conftest import LAKE_PW, login, table_items
from tests.integrations.helpers import KEYS, Ehr, audit_kinds, ehr, new_key
from tests.integrations.records_helpers import STATEMENT, STATEMENT_CENTS, balance, statements, statements_sum
from tests.sections.section_world import PP, ann

R = "statements"
BILL = "/api/clinics/SUNRISE/billing/P100/statements"


def bill_ehr(gateway, admin, **kw) -> Ehr:
    return ehr(gateway, admin, scopes=kw.pop("scopes", ("statements",)), **kw)


def exact(pid="P100") -> int:
    """The counter equals the sum of the statements' balances; returns it."""
    assert balance(pid) == statements_sum(pid)
    return balance(pid)


def line(description, **amounts) -> dict:
    return {"serviceDate": "2026-11-20", "description": description, **amounts}


def tile(person) -> str | None:
    r = person.get(f"{PP}/home")
    assert r.status == 200, r.text
    attention = {t["section"]: t for t in r.json()["tiles"]}["billing"]["attention"]
    return attention["text"] if attention else None


def test_a_new_statement_is_seen_by_staff_and_on_the_home_tile(admin, gateway):
    person = ann(gateway, admin, "billing")
    r = bill_ehr(gateway, admin).put("INV-1", STATEMENT, resource=R)
    assert r.status == 201, r.text
    assert (r.json()["result"], r.json()["version"]) == ("created", 1)
    (st,) = statements(admin)
    assert st["statement_id"] == r.json()["id"]
    assert (st["statement_date"], st["due_date"], st["currency"], st["balance_cents"]) == (
        "2026-12-01", "2027-01-15", "USD", STATEMENT_CENTS)
    assert [(x["description"], x["charge_cents"], x["payment_cents"], x["adjustment_cents"]) for x in st["lines"]] == [
        ("Office visit", 15000, 0, 0), ("Lab work", 4550, 0, 0), ("Insurance paid", 0, 6000, 0),
        ("Contractual adjustment", 0, 0, 1500)]
    assert exact() == 12050
    assert tile(person) == "$120.50 due by 15 Jan"
    (event,) = [i for i in table_items("audit_events") if i["kind"]["S"] == "statement_created"]
    details = event["details"]["M"]
    assert details["patient_id"]["S"] == "P100" and details["external_id"]["S"] == "INV-1"
    assert event["actor"]["M"]["kind"]["S"] == "integration_key"


def test_repeats_write_nothing_and_changes_apply_the_difference(admin, gateway):
    person = ann(gateway, admin, "billing")
    client = bill_ehr(gateway, admin)
    assert client.put("INV-2", STATEMENT, resource=R).status == 201
    before = table_items("statements"), table_items("section_counters"), audit_kinds()
    for _ in range(3):   # "60" and "60.00" are the same amount; currency case too
        lines = [dict(x) for x in STATEMENT["lines"]]
        lines[2]["payment"] = "60.00"
        r = client.put("INV-2", {**STATEMENT, "currency": "usd", "lines": lines}, resource=R)
        assert (r.status, r.json()["result"], r.json()["version"]) == (200, "unchanged", 1)
    assert (table_items("statements"), table_items("section_counters"), audit_kinds()) == before
    # The insurer paid more: 120.50 -> 20.50.
    changed = {**STATEMENT, "lines": [*STATEMENT["lines"], line("Insurance paid (second)", payment="100")]}
    r = client.put("INV-2", changed, resource=R)
    assert (r.json()["result"], r.json()["version"]) == ("updated", 2)
    assert exact() == 2050 and tile(person) == "$20.50 due by 15 Jan"
    assert client.put("INV-2", changed, resource=R).json()["result"] == "unchanged"
    assert exact() == 2050
    (event,) = [i for i in table_items("audit_events") if i["kind"]["S"] == "statement_updated"]
    assert event["details"]["M"]["balance_change_cents"]["N"] == "-10000"
    assert event["details"]["M"]["patient_id"]["S"] == "P100"


def test_the_balance_stays_exact_over_a_sequence(admin, gateway):
    """Two statements of the EHR and one of staff's: PUT, repeats, changes, a new date,
    DELETE, restore; after each step the counter is the sum of the statements."""
    client = bill_ehr(gateway, admin)
    staff = admin.post(BILL, json={"statement_date": "2026-10-01", "due_date": "2026-10-31", "lines": [
        {"service_date": "2026-09-20", "description": "Flu shot", "charge_cents": 2599}]})
    assert staff.status == 201
    steps = [
        ("INV-A", STATEMENT, 2599 + 12050),
        ("INV-A", STATEMENT, 2599 + 12050),
        ("INV-B", {**STATEMENT, "lines": [line("X-ray", charge="80.01")]}, 2599 + 12050 + 8001),
        ("INV-A", {**STATEMENT, "lines": [line("Office visit", charge="150.00")]}, 2599 + 15000 + 8001),
        ("INV-B", {**STATEMENT, "date": "2026-12-03", "lines": [line("X-ray", charge="80.00")]},
         2599 + 15000 + 8000),
        ("INV-B", None, 2599 + 15000),
        ("INV-B", None, 2599 + 15000),
        ("INV-A", {**STATEMENT, "lines": [line("Visit", charge="10", payment="25")]}, 2599 - 1500),
        ("INV-B", {**STATEMENT, "lines": [line("X-ray", charge="80.00")]}, 2599 - 1500 + 8000),
        ("INV-A", None, 2599 + 8000),
    ]
    for i, (eid, body, want) in enumerate(steps):
        r = client.delete(eid, resource=R) if body is None else client.put(eid, body, resource=R)
        assert r.status in (200, 201), (i, r.text)
        assert exact() == want, i
    assert len(statements(admin)) == 2   # staff's and INV-B (INV-A withdrawn)


def test_a_new_date_refiles_the_statement_keeping_the_order(admin, gateway):
    client = bill_ehr(gateway, admin)
    first = client.put("INV-3", STATEMENT, resource=R).json()["id"]
    client.put("INV-4", {**STATEMENT, "date": "2026-12-02"}, resource=R)
    r = client.put("INV-3", {**STATEMENT, "date": "2026-12-05"}, resource=R)
    assert r.json()["result"] == "updated" and r.json()["id"] != first
    assert [s["statement_date"] for s in statements(admin)] == ["2026-12-05", "2026-12-02"]
    assert admin.get(f"{BILL}/{first}").status == 404
    assert exact() == 2 * 12050


def test_staff_payments_are_kept_when_the_ehr_changes_the_statement(admin, gateway):
    person = ann(gateway, admin, "billing")
    client = bill_ehr(gateway, admin)
    sid = client.put("INV-5", STATEMENT, resource=R).json()["id"]
    paid = admin.post(f"{BILL}/{sid}/payments", json={"amount_cents": 5050, "received_date": "2026-12-05",
                                                      "description": "Card by phone"})
    assert paid.status == 201, paid.text
    assert exact() == 7000
    # The EHR's repeat writes nothing; its change replaces its own lines, not the payment.
    assert client.put("INV-5", STATEMENT, resource=R).json()["result"] == "unchanged"
    changed = {**STATEMENT, "lines": [line("Office visit", charge="150.00")]}
    assert client.put("INV-5", changed, resource=R).json()["result"] == "updated"
    (st,) = statements(admin)
    assert [x["description"] for x in st["lines"]] == ["Office visit", "Card by phone"]
    assert st["balance_cents"] == 15000 - 5050 == exact()
    assert tile(person) == "$99.50 due by 15 Jan"
    # The EHR may lower the charges under what was paid: the patient is in credit, exactly.
    assert client.put("INV-5", {**STATEMENT, "lines": [line("Visit", charge="10.00")]}, resource=R).status == 200
    assert exact() == 1000 - 5050
    # DELETE removes the statement, staff's payment with it; the balance goes down by what it held.
    r = client.delete("INV-5", resource=R)
    assert r.json()["result"] == "withdrawn"
    assert statements(admin) == [] and exact() == 0
    (event,) = [i for i in table_items("audit_events") if i["kind"]["S"] == "statement_withdrawn"]
    assert event["details"]["M"]["staff_lines_removed"]["N"] == "1"
    assert event["details"]["M"]["balance_change_cents"]["N"] == "4050"


def test_delete_withdraws_and_a_later_put_restores(admin, gateway):
    person = ann(gateway, admin, "billing")
    client = bill_ehr(gateway, admin)
    client.put("INV-6", STATEMENT, resource=R)
    r = client.delete("INV-6", resource=R)
    assert (r.status, r.json()["result"], r.json()["version"]) == (200, "withdrawn", 2)
    assert statements(admin) == [] and exact() == 0 and tile(person) == "Nothing due"
    again = client.delete("INV-6", resource=R)
    assert (again.json()["result"], again.json()["version"]) == ("unchanged", 2)
    assert audit_kinds().count("statement_withdrawn") == 1
    back = client.put("INV-6", STATEMENT, resource=R)
    assert (back.status, back.json()["result"], back.json()["version"]) == (200, "updated", 3)
    assert exact() == 12050
    # After a DELETE it may be sent for another patient.
    client.delete("INV-6", resource=R)
    assert client.put("INV-6", {**STATEMENT, "patient": "P101"}, resource=R).status == 200
    assert exact("P100") == 0 and exact("P101") == 12050


def test_scopes_are_enforced_and_a_revoked_key_is_refused(admin, gateway):
    meds_only = ehr(gateway, admin, scopes=("medications", "patients"))
    r = meds_only.put("INV-7", STATEMENT, resource=R)
    assert (r.status, r.json()["error"]) == (403, "scope_not_granted")
    assert statements(admin) == [] and exact() == 0
    out = new_key(admin, scopes=("statements",))
    client = Ehr(gateway, out["key"])
    assert client.put("INV-7", STATEMENT, resource=R).status == 201
    assert meds_only.delete("INV-7", resource=R).status == 403
    assert admin.post(f"{KEYS}/{out['integration_key']['key_id']}/revoke").status == 200
    for r in (client.put("INV-7", {**STATEMENT, "dueDate": "2027-02-01"}, resource=R),
              client.delete("INV-7", resource=R)):
        assert (r.status, r.json()["error"]) == (401, "not_authenticated")
    assert exact() == 12050 and statements(admin)[0]["due_date"] == "2027-01-15"


def test_another_clinics_key_cannot_touch_sunrise_patients(admin, gateway):
    lake = gateway.browser()
    assert login(lake, "KimS", LAKE_PW, clinic="Lakeside").status == 200
    theirs = Ehr(gateway, new_key(lake, clinic="Lakeside", scopes=("statements",))["key"])
    assert bill_ehr(gateway, admin).put("INV-8", STATEMENT, resource=R).status == 201
    r = theirs.put("INV-9", STATEMENT, resource=R)
    assert (r.status, r.json()["field"]) == (400, "patient")
    assert theirs.delete("INV-8", resource=R).status == 404
    assert theirs.put("INV-8", {**STATEMENT, "patient": "L200"}, resource=R).status == 201
    assert exact() == 12050 and len(statements(admin)) == 1
    assert balance("L200", clinic_key="lakeside") == statements_sum("L200", clinic_key="lakeside") == 12050


def test_the_currency_must_be_the_clinics(admin, gateway):
    client = bill_ehr(gateway, admin)
    r = client.put("INV-10", {**STATEMENT, "currency": "EUR"}, resource=R)
    assert (r.status, r.json()["field"]) == (400, "currency")
    assert "USD" in r.json()["message"]
    assert statements(admin) == [] and exact() == 0


def test_yen_have_no_decimals(admin, gateway):
    settings = admin.patch("/api/clinics/SUNRISE/settings", json={"currency": "JPY"})
    assert settings.status == 200, settings.text
    client = bill_ehr(gateway, admin)
    body = {**STATEMENT, "currency": "JPY", "lines": [line("Visit", charge="1200")]}
    assert client.put("INV-11", body, resource=R).status == 201
    assert exact() == 1200
    r = client.put("INV-12", {**body, "lines": [line("Visit", charge="12.50")]}, resource=R)
    assert (r.status, r.json()["field"]) == (400, "lines[0].charge")


@pytest.mark.parametrize("change,field", [
    ({"patient": "NOPE-1"}, "patient"), ({"patient": None}, "patient"), ({"date": "2026-02-30"}, "date"),
    ({"date": 20261201}, "date"), ({"dueDate": "2026-11-30"}, "dueDate"), ({"dueDate": None}, "dueDate"),
    ({"currency": "DOLLARS"}, "currency"), ({"currency": "XXX"}, "currency"), ({"lines": []}, "lines"),
    ({"lines": "150.00"}, "lines"), ({"lines": [line("Visit", charge="1")] * 101}, "lines"),
    ({"lines": ["Visit"]}, "lines[0]"), ({"lines": [line("Visit")]}, "lines[0].charge"),
    ({"lines": [line("Visit", charge=150.0)]}, "lines[0].charge"),
    ({"lines": [line("Visit", charge=15000)]}, "lines[0].charge"),
    ({"lines": [line("Visit", charge="-5.00")]}, "lines[0].charge"),
    ({"lines": [line("Visit", charge="1.005")]}, "lines[0].charge"),
    ({"lines": [line("Visit", charge="1,000.00")]}, "lines[0].charge"),
    ({"lines": [line("Visit", charge="\u0663")]}, "lines[0].charge"),   # an Arabic-Indic 3: digits are ASCII
    ({"lines": [line("Visit", charge="1000000.01")]}, "lines[0].charge"),
    ({"lines": [line("Visit", charge="0.00")]}, "lines[0].charge"),
    ({"lines": [line("Visit", charge="1"), line("Paid", payment="NaN")]}, "lines[1].payment"),
    ({"lines": [line("Visit", adjustment=True)]}, "lines[0].adjustment"),
    ({"lines": [{**line("Visit", charge="1"), "serviceDate": "yesterday"}]}, "lines[0].serviceDate"),
    ({"lines": [{"description": "Visit", "charge": "1"}]}, "lines[0].serviceDate"),
    ({"lines": [line("", charge="1")]}, "lines[0].description"),
    ({"lines": [line("x" * 201, charge="1")]}, "lines[0].description"),
    ({"lines": [line("Visit\nLab", charge="1")]}, "lines[0].description"),
    ({"lines": [{**line("Visit", charge="1"), "quantity": 2}]}, "lines[0].quantity"),
    ({"total": "120.50"}, "total")])
def test_bad_fields_are_400_naming_the_field(admin, gateway, change, field):
    client = bill_ehr(gateway, admin)
    before = table_items("statements"), table_items("section_counters"), audit_kinds()
    r = client.put("INV-13", {**STATEMENT, **change}, resource=R)
    assert r.status == 400, r.text
    assert (r.json()["error"], r.json()["field"]) == ("invalid_field", field), r.json()
    assert (table_items("statements"), table_items("section_counters"), audit_kinds()) == before


@pytest.mark.parametrize("missing", ["patient", "date", "dueDate", "currency", "lines"])
def test_missing_required_fields_are_named(admin, gateway, missing):
    body = {k: v for k, v in STATEMENT.items() if k != missing}
    r = bill_ehr(gateway, admin).put("INV-14", body, resource=R)
    assert (r.status, r.json()["field"]) == (400, missing)


def test_a_staff_payment_and_an_ehr_change_at_once_never_drift(admin, gateway, atomic_dynamodb):
    """Each pair races on one statement's revision: both succeed one after the other, or
    one gets 409 `conflict`; either way the balance is the sum of the statements."""
    import threading

    from tests.conftest import DESK_PW

    desk = gateway.browser()
    assert login(desk, "SmithF", DESK_PW).status == 200
    client = bill_ehr(gateway, admin)
    sid = client.put("INV-RACE", STATEMENT, resource=R).json()["id"]
    statuses = []
    for i in range(4):
        body = {**STATEMENT, "lines": [*STATEMENT["lines"], line(f"Lab {i}", charge=f"{i + 1}.00")]}
        barrier, out = threading.Barrier(2), {}

        def pay(i=i, barrier=barrier, out=out):
            barrier.wait()
            out["pay"] = desk.post(f"{BILL}/{sid}/payments", json={"amount_cents": 100 + i,
                                                                   "received_date": "2026-12-05"}).status

        def put(body=body, barrier=barrier, out=out):
            barrier.wait()
            out["put"] = client.put("INV-RACE", body, resource=R).status

        threads = [threading.Thread(target=f) for f in (pay, put)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses.append((out["pay"], out["put"]))
        assert out["pay"] in (201, 409) and out["put"] in (200, 409), out
        assert exact() == statements(admin)[0]["balance_cents"]
    assert all(s != (409, 409) for s in statuses), statuses
