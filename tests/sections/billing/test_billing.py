"""Billing: staff enter statements and record payments (integer cents); the patient
side sees the statements, the balance due on the home tile and how to pay."""
import pytest

from tests.portal_helpers import clinician, desk
from tests.sections.section_world import BILL, PP, ann, audit_of

LINES = [
    {"service_date": "2026-11-02", "description": "Office visit", "charge_cents": 15000},
    {"service_date": "2026-11-02", "description": "Lab work", "charge_cents": 4550},
    {"service_date": "2026-11-03", "description": "Insurance paid", "payment_cents": 6000},
    {"service_date": "2026-11-03", "description": "Contractual adjustment", "adjustment_cents": 1500},
]


@pytest.fixture
def world(gateway, admin):
    person = ann(gateway, admin, "billing")
    return desk(gateway), person


def enter(staff, lines=LINES, statement_date="2026-12-01", due_date="2027-01-15"):
    r = staff.post(BILL, json={"statement_date": statement_date, "due_date": due_date, "lines": lines})
    assert r.status == 201, r.text
    return r.json()["statement"]


def tile(person) -> dict:
    r = person.get(f"{PP}/home")
    assert r.status == 200, r.text
    return {t["section"]: t for t in r.json()["tiles"]}["billing"]["attention"]


def test_statement_balance_in_cents_and_on_the_home(world):
    staff, person = world
    st = enter(staff)
    assert st["balance_cents"] == 15000 + 4550 - 6000 - 1500 == 12050
    assert st["balance_text"] == "$120.50"
    assert st["totals"] == {"charge_cents": 19550, "payment_cents": 6000, "adjustment_cents": 1500}
    assert st["currency"] == "USD"
    assert tile(person)["text"] == "$120.50 due by 15 Jan"
    r = person.get(f"{PP}/statements")
    assert r.status == 200, r.text
    body = r.json()
    assert body["summary"]["balance_cents"] == 12050 and body["summary"]["due_date"] == "2027-01-15"
    assert body["summary"]["payment_url"] is None   # the page says "Call the clinic to pay"
    assert [s["statement_id"] for s in body["items"]] == [st["statement_id"]]
    assert "created_by" not in body["items"][0]
    (event,) = audit_of("statement_created")
    assert event["details"]["M"]["patient_id"]["S"] == "P100"


def test_a_second_statement_adds_to_the_balance_and_lists_newest_first(world):
    staff, person = world
    first = enter(staff, statement_date="2026-10-01", due_date="2026-10-31")
    second = enter(staff, [{"service_date": "2026-11-20", "description": "Flu shot", "charge_cents": 2599}])
    assert tile(person)["text"] == "$146.49 due by 15 Jan"
    items = person.get(f"{PP}/statements").json()["items"]
    assert [s["statement_id"] for s in items] == [second["statement_id"], first["statement_id"]]


def test_recording_a_payment_lowers_both_balances_and_is_audited(world):
    staff, person = world
    st = enter(staff)
    url = f"{BILL}/{st['statement_id']}/payments"
    r = staff.post(url, json={"amount_cents": 5050, "received_date": "2026-12-05", "description": "Card by phone"},
                   headers={"If-Match": '"0"'})
    assert r.status == 201, r.text
    after = r.json()["statement"]
    assert after["balance_cents"] == 7000 and after["lines"][-1]["payment_cents"] == 5050
    assert after["lines"][-1]["description"] == "Card by phone"
    assert tile(person)["text"] == "$70.00 due by 15 Jan"
    (event,) = audit_of("payment_recorded")
    details = event["details"]["M"]
    assert details["patient_id"]["S"] == "P100" and details["amount_cents"]["N"] == "5050"
    # a stale revision, or more than is due, is refused and changes nothing
    r = staff.post(url, json={"amount_cents": 100, "received_date": "2026-12-05"}, headers={"If-Match": '"0"'})
    assert (r.status, r.json()["error"]) == (409, "conflict")
    r = staff.post(url, json={"amount_cents": 7001, "received_date": "2026-12-05"})
    assert (r.status, r.json()["error"]) == (409, "payment_over_balance")
    assert "$70.00" in r.json()["message"]
    r = staff.post(url, json={"amount_cents": 7000, "received_date": "2026-12-06"})
    assert r.status == 201 and r.json()["statement"]["balance_cents"] == 0
    assert tile(person)["text"] == "Nothing due"
    assert len(audit_of("payment_recorded")) == 2


@pytest.mark.parametrize("body,field", [
    ({"amount_cents": 12.5, "received_date": "2026-12-05"}, "amount_cents"),
    ({"amount_cents": "1250", "received_date": "2026-12-05"}, "amount_cents"),
    ({"amount_cents": 0, "received_date": "2026-12-05"}, "amount_cents"),
    ({"amount_cents": 100, "received_date": "5/12/2026"}, "received_date"),
])
def test_payment_amounts_are_whole_cents(world, body, field):
    staff, _ = world
    st = enter(staff)
    r = staff.post(f"{BILL}/{st['statement_id']}/payments", json=body)
    assert r.status == 400 and field in r.json()["message"], r.text
    assert staff.get(f"{BILL}/{st['statement_id']}").json()["statement"]["balance_cents"] == 12050


@pytest.mark.parametrize("lines,words", [
    ([{"service_date": "2026-11-02", "description": "Visit", "charge_cents": 150.5}], "lines[0].charge_cents"),
    ([{"service_date": "2026-11-02", "description": "Visit"}], "lines[0] needs a charge"),
    ([{"service_date": "2026-11-02", "description": "", "charge_cents": 100}], "lines[0].description"),
    ([], "lines must be a list"),
    ([{"service_date": "2026-11-02", "description": "Visit", "charge_cents": -100}], "lines[0].charge_cents"),
])
def test_bad_statements_are_refused_naming_the_field(world, lines, words):
    staff, person = world
    r = staff.post(BILL, json={"statement_date": "2026-12-01", "due_date": "2027-01-15", "lines": lines})
    assert r.status == 400 and words in r.json()["message"], r.text
    assert tile(person)["text"] == "Nothing due"


def test_due_date_before_the_statement_is_refused(world):
    staff, _ = world
    r = staff.post(BILL, json={"statement_date": "2026-12-01", "due_date": "2026-11-01", "lines": LINES})
    assert r.status == 400 and "due_date" in r.json()["message"]


def test_clinicians_may_not_bill(world, gateway):
    r = clinician(gateway).get(BILL)
    assert (r.status, r.json()["error"]) == (403, "forbidden")


@pytest.mark.parametrize("url", [
    "http://pay.example.com/sunrise", "javascript:alert(1)", "https://", "https://user:pw@pay.example.com/",
    "https://pay example.com/", "ftp://pay.example.com/", "https://localhost/pay", "x" * 600,
])
def test_payment_url_must_be_https(admin, url):
    r = admin.patch("/api/clinics/SUNRISE/settings", json={"payment_url": url})
    assert r.status == 400 and "payment_url" in r.json()["message"], r.text
    assert admin.get("/api/clinics/SUNRISE/settings").json()["settings"]["payment_url"] is None


def test_payment_url_and_currency_reach_the_patient(world, admin):
    staff, person = world
    r = admin.patch("/api/clinics/SUNRISE/settings",
                    json={"payment_url": "https://pay.example.com/sunrise?ref=portal", "currency": "eur"})
    assert r.status == 200, r.text
    assert r.json()["settings"]["currency"] == "EUR"
    st = enter(staff)
    assert st["balance_text"] == "€120.50"
    summary = person.get(f"{PP}/statements").json()["summary"]
    assert summary["payment_url"] == "https://pay.example.com/sunrise?ref=portal"
    assert summary["currency"] == "EUR"
    assert tile(person)["text"] == "€120.50 due by 15 Jan"
    r = admin.patch("/api/clinics/SUNRISE/settings", json={"currency": "XYZ"})
    assert r.status == 400 and "currency" in r.json()["message"]
    r = admin.patch("/api/clinics/SUNRISE/settings", json={"payment_url": None})
    assert r.status == 200 and r.json()["settings"]["payment_url"] is None


def test_lists_are_one_query_a_page_and_the_home_one_request(world, aws_calls):
    staff, person = world
    enter(staff)
    for browser, url in ((staff, BILL), (person, f"{PP}/statements")):
        aws_calls.reset()
        assert browser.get(url).status == 200
        assert aws_calls.count("dynamodb", "Query") == 1, url
        assert aws_calls.count("dynamodb", "Scan") == 0
    aws_calls.reset()
    assert person.get(f"{PP}/home").status == 200
    assert len([c for c in aws_calls.calls if c[0] == "dynamodb"]) == 1, aws_calls.calls


def test_views_are_access_logged(world):
    staff, person = world
    st = enter(staff)
    person.get(f"{PP}/statements")
    staff.get(BILL)
    staff.get(f"{BILL}/{st['statement_id']}")
    events = audit_of("section_viewed")
    assert len(events) == 3
    assert {e["details"]["M"]["patient_id"]["S"] for e in events} == {"P100"}
    assert {e["details"]["M"]["section"]["S"] for e in events} == {"billing"}
