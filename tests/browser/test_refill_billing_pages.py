"""Refills and Billing in real Chromium, at 390x844 and 1280x800 (issue 13, points 3
and 4): a patient sees the balance due on the home tile, asks for a refill (the
page asks for the pharmacy first), sees it waiting; on Billing sees the statement
and a Pay now link to the clinic's payment page (rel=noopener, a new tab); a front
desk approves the refill in the queue and the patient sees it approved. The data come
from tests/browser/seed.json (Rita Vega on the phone, Ruth Vega on the desktop)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import seed_password
from tests.browser.test_account_pages import DESK, assert_no_horizontal_scroll, log_in, other_page, staff_home


def test_a_patient_asks_for_a_refill_and_sees_the_balance_with_pay_now(page, portal, viewport, chromium, console):
    person, name = ("rita@example.com", "Rita Vega") if viewport.mobile else ("ruth@example.com", "Ruth Vega")
    assert log_in(page, person, seed_password(person), login_type="Patient").status == 200
    expect(page).to_have_url(portal + "/home")
    billing_tile = page.locator("#tiles a.tile[data-section='billing']")
    expect(billing_tile).to_contain_text("$120.50 due by 15 Jan")
    refills_tile = page.locator("#tiles a.tile[data-section='refills']")
    expect(refills_tile).to_contain_text("Nothing new")
    refills_tile.click()

    expect(page).to_have_url(portal + "/refills")
    expect(page.get_by_text(f"Medications and refill requests for {name}.")).to_be_visible()
    meds = page.get_by_role("list", name="Medications").get_by_role("listitem")
    expect(meds).to_have_count(1)
    expect(meds).to_contain_text("2 refills left")
    assert_no_horizontal_scroll(page, viewport)
    meds.get_by_role("button", name="Ask for a refill of Lisinopril").click()
    # Without a pharmacy the page says so, and sends nothing.
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="Ask for the refill").click()
    expect(page.get_by_role("alert").filter(has_text="Enter the pharmacy")).to_be_visible()
    expect(page.get_by_label("Pharmacy")).to_have_attribute("aria-invalid", "true")
    assert sent == []
    page.get_by_label("Pharmacy").fill("Main St Pharmacy, Lakeside")
    page.get_by_label("Note for the clinic (optional)").fill("Running low")
    page.get_by_role("button", name="Ask for the refill").click()
    expect(page.locator("#status")).to_contain_text("Your refill request for Lisinopril was sent to the clinic.")
    expect(meds).to_contain_text("A refill is waiting for the clinic.")
    requests = page.get_by_role("list", name="Your requests").get_by_role("listitem")
    expect(requests).to_have_count(1)
    expect(requests).to_contain_text("Lisinopril \u2014 Waiting for the clinic")
    assert_no_horizontal_scroll(page, viewport)

    # Billing: the balance, the statement's lines and Pay now (the clinic's page, a new tab).
    page.goto("/billing")
    expect(page.locator("#balance-amount")).to_have_text("$120.50")
    expect(page.get_by_text("Due by")).to_be_visible()
    pay = page.get_by_role("link", name="Pay now")
    expect(pay).to_have_attribute("href", "https://pay.example.com/lakeside")
    expect(pay).to_have_attribute("target", "_blank")
    expect(pay).to_have_attribute("rel", "noopener noreferrer")
    statements = page.get_by_role("list", name="Statements").get_by_role("listitem")
    expect(statements).to_have_count(1)
    expect(statements.get_by_role("table")).to_contain_text("Office visit")
    expect(statements.get_by_role("table")).to_contain_text("$150.00")
    expect(statements.get_by_role("table")).to_contain_text("$29.50")
    assert_no_horizontal_scroll(page, viewport)

    # The front desk approves it; the patient sees it approved.
    with other_page(chromium, portal, viewport, console) as desk:
        staff_home(desk, portal, DESK)
        desk.goto("/refill-requests")
        waiting = desk.get_by_role("list", name="Refill requests").get_by_role("listitem").filter(has_text=name)
        expect(waiting).to_have_count(1)
        expect(waiting).to_contain_text("Pharmacy: Main St Pharmacy, Lakeside")
        waiting.get_by_label("Note for the patient").fill("Sent to your pharmacy")
        waiting.get_by_role("button", name="Approve").click()
        expect(desk.locator("#list-status")).to_contain_text("Approved Lisinopril for " + name)
    page.goto("/refills")
    expect(requests).to_contain_text("Lisinopril \u2014 Approved")
    expect(requests).to_contain_text("Note from the clinic: Sent to your pharmacy")
    expect(meds).to_contain_text("1 refill left")
