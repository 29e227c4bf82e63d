"""The audit log page in real Chromium at 390x844 (phone, touch) and 1280x800:
filters (person, event, UTC dates) with plain-words events, Load more, the CSV
export of the current filters, the Sign-in activity links on the Staff and User
Management rows, and who may open the page. BAYVIEW clinic of tests/browser/seed.json
(its administrator GreenA); each test makes its own events under usernames of its
own, so the other tests' events never change what it sees."""
from __future__ import annotations

import csv
import datetime
import io
import json
import re
import time

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, seed_password
from tests.browser.test_account_pages import (
    assert_no_horizontal_scroll,
    assert_touch_targets,
    log_in,
    other_page,
    row,
    screenshot,
    staff_home,
)

CLINIC = "BAYVIEW"
ADMIN = "GreenA"


def admin_home(page, portal) -> None:
    assert log_in(page, ADMIN, seed_password(ADMIN), clinic=CLINIC).status == 200
    expect(page).to_have_url(portal + "/home")
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()


def failed_sign_in(page, username: str) -> None:
    r = page.request.post(f"/api/clinics/{CLINIC}/login", data=json.dumps(
        {"login_type": "staff", "username": username, "password": "not-the-password"}),
        headers={"Content-Type": "application/json"})
    assert r.status == 401, r.text()


def events(page):
    return page.locator("#events-body tr")


def test_audit_log_filters_pages_and_exports(page, portal, viewport, screenshot_dir):
    ghost = f"ghost-{viewport.name}-{time.time_ns() % 10**9}"
    failed_sign_in(page, ghost)
    failed_sign_in(page, ghost.upper())
    admin_home(page, portal)
    nav = page.get_by_role("navigation", name="Staff tools")
    nav.get_by_role("link", name="Audit log").click()
    expect(page).to_have_url(portal + "/audit")
    expect(page.get_by_role("heading", name="Audit log", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Audit log")).to_have_attribute("aria-current", "page")
    # Unfiltered: newest first, the administrator's own sign-in at the top.
    expect(events(page).first).to_contain_text("GreenA signed in")
    expect(page.get_by_role("status").filter(has_text=re.compile(r"^Showing \d+ events"))).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)
    assert_touch_targets(page)
    screenshot(page, screenshot_dir, "audit", viewport)

    # One person: both attempts, typed two ways, in plain words, newest first.
    page.get_by_label("Person").fill(ghost)
    page.get_by_role("button", name="Show events").click()
    expect(events(page)).to_have_count(2)
    expect(events(page).nth(0)).to_contain_text(f"Failed sign-in for {ghost.upper()} (unknown username)")
    expect(events(page).nth(1)).to_contain_text(f"Failed sign-in for {ghost} (unknown username)")
    expect(events(page).nth(0)).to_contain_text("Failed")
    expect(page.get_by_role("status")).to_have_text(f"Showing 2 events involving {ghost}, newest first.")
    assert f"person={ghost}" in page.url
    if viewport.mobile:  # cards: each value with its label
        cell = events(page).nth(0).locator("td").nth(2)
        assert cell.evaluate("(td) => getComputedStyle(td, '::before').content") == '"What"'
    assert_no_horizontal_scroll(page, viewport)
    screenshot(page, screenshot_dir, "audit-person", viewport)

    # And an event kind: none of this person's are sign-outs.
    page.get_by_label("Event", exact=True).select_option(label="Sign-out")
    page.get_by_role("button", name="Show events").click()
    expect(page.get_by_role("status")).to_have_text(f"No events “Sign-out” involving {ghost}.")
    expect(page.locator("#events")).to_be_hidden()
    assert_accessible(page)

    # Dates are UTC days: today holds them, tomorrow nothing; a reversed range is refused here.
    today = datetime.datetime.now(datetime.UTC).date()
    page.get_by_label("Event", exact=True).select_option(label="Sign-in")
    page.get_by_label("From (UTC)").fill(today.isoformat())
    page.get_by_label("To (UTC)").fill(today.isoformat())
    page.get_by_role("button", name="Show events").click()
    expect(events(page)).to_have_count(2)
    page.get_by_label("From (UTC)").fill((today + datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Show events").click()
    expect(page.get_by_role("alert").filter(has_text="before the “From” date")).to_be_visible()
    expect(page.get_by_label("To (UTC)")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_label("To (UTC)").fill((today + datetime.timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Show events").click()
    expect(page.get_by_role("status")).to_contain_text("No events")
    expect(page.get_by_role("alert").filter(has_text="before")).to_be_hidden()

    # The export link carries the current filters; the file is those events, formula-safe.
    page.get_by_label("From (UTC)").fill(today.isoformat())
    page.get_by_label("To (UTC)").fill(today.isoformat())
    page.get_by_role("button", name="Show events").click()
    expect(events(page)).to_have_count(2)
    with page.expect_download() as info:
        page.get_by_role("link", name="Export CSV").click()
    download = info.value
    assert download.suggested_filename == f"audit-{CLINIC}-from-{today}-to-{today}.csv"
    with open(download.path(), encoding="utf-8") as f:
        rows = list(csv.reader(io.StringIO(f.read())))
    assert rows[0][:4] == ["time_utc", "event", "outcome", "description"]
    assert [r[5] for r in rows[1:]] == [ghost.upper(), ghost]
    assert all(r[1] == "login" and r[2] == "Failed" for r in rows[1:])

    # The export is itself in the log.
    page.get_by_label("Person").fill(ADMIN)
    page.get_by_label("Event", exact=True).select_option(label="Audit log exported")
    page.get_by_role("button", name="Show events").click()
    expect(events(page).first).to_contain_text("Alice Green exported the audit log (2 events)")

    # Clear filters: everyone's events again.
    page.get_by_role("button", name="Clear filters").click()
    expect(page.get_by_label("Person")).to_have_value("")
    expect(events(page).first).to_contain_text("Alice Green exported the audit log")
    assert page.url == portal + "/audit"


def test_load_more_adds_the_next_page(page, portal, viewport):
    """A page with a cursor: Load more asks for the next one with the same filters."""
    seen = []

    def pages(route):
        seen.append(route.request.url)
        if "cursor=" not in route.request.url:
            reply = route.fetch()
            body = reply.json()
            body["next_cursor"] = "cursor-for-page-2"
            route.fulfill(response=reply, json=body)
        else:
            route.fulfill(json={"items": [{
                "event_id": "0000000000000001#000000000000", "clinic_id": CLINIC, "at": "2001-01-01T00:00:00.000Z",
                "kind": "login", "outcome": "succeeded", "actor": {"kind": "staff", "username": "OldestO"},
                "subject": None, "source_ip": "192.0.2.1", "user_agent": None, "details": None,
                "description": "OldestO signed in"}], "next_cursor": None})

    admin_home(page, portal)
    page.route(re.compile(rf"/api/clinics/{CLINIC}/audit\?"), pages)
    page.goto("/audit?kind=login")
    expect(page.get_by_label("Event", exact=True)).to_have_value("login")
    expect(page.get_by_role("status")).to_contain_text("There are more: select Load more")
    count = events(page).count()
    more = page.get_by_role("button", name="Load more")
    more.click()
    expect(events(page)).to_have_count(count + 1)
    expect(events(page).last).to_contain_text("OldestO signed in")
    expect(events(page).last.locator("td").first).to_be_focused()
    expect(more).to_be_hidden()
    assert "kind=login" in seen[-1] and "cursor=cursor-for-page-2" in seen[-1]
    assert_accessible(page)


def test_sign_in_activity_from_the_staff_and_account_rows(page, portal, viewport, chromium, console):
    with other_page(chromium, portal, viewport, console) as refused:
        r = log_in(refused, "OrtizB", seed_password("OrtizB"), clinic=CLINIC)
        assert r.status == 403
    with other_page(chromium, portal, viewport, console) as patient:
        assert log_in(patient, "dana@example.com", seed_password("dana@example.com"), login_type="Patient",
                      clinic=CLINIC).status == 200
    admin_home(page, portal)

    page.goto("/staff")
    member = row(page, "OrtizB")
    member.get_by_role("link", name="Sign-in activity").click()
    expect(page).to_have_url(re.compile(r"/audit\?person=OrtizB&kind=login$"))
    expect(page.get_by_label("Person")).to_have_value("OrtizB")
    expect(page.get_by_label("Event", exact=True)).to_have_value("login")
    expect(events(page).first).to_contain_text("Sign-in refused for OrtizB (Staff Portal access is off)")
    expect(page.locator("#events-body tr[data-kind]:not([data-kind=login])")).to_have_count(0)
    assert_no_horizontal_scroll(page, viewport)

    page.goto("/portal-accounts")
    account = row(page, "dana@example.com")
    account.get_by_role("link", name="Sign-in activity").click()
    expect(page).to_have_url(re.compile(r"/audit\?person=dana%40example\.com&kind=login$"))
    expect(events(page).first).to_contain_text("dana@example.com signed in to the patient portal")
    assert_no_horizontal_scroll(page, viewport)


def test_only_audit_viewers_see_the_page_and_the_links(page, portal, viewport):
    staff_home(page, portal, "PrattK")   # LAKESIDE front desk: User Management, no audit log
    nav = page.get_by_role("navigation", name="Staff tools")
    expect(nav.get_by_role("link", name="Audit log")).to_have_count(0)
    page.goto("/portal-accounts")
    expect(page.locator("li.record").first).to_be_visible()
    expect(page.get_by_role("link", name="Sign-in activity")).to_have_count(0)
    page.goto("/audit")
    expect(page.get_by_role("heading", name="You can't use this page")).to_be_visible()
    expect(page.locator("#content")).to_be_hidden()
    assert_no_horizontal_scroll(page, viewport)


def test_the_patient_filter_shows_everything_about_one_patients_records(page, portal, viewport):
    """The audit log filtered to one patient: the record's creation and change (each
    event about a patient's records is filed under it), nobody else's; a malformed id
    is refused on the page, with the field marked."""
    admin_home(page, portal)
    pid = f"AUD{viewport.name.upper()}{time.time_ns() % 10**8}"
    origin = {"Origin": portal, "Content-Type": "application/json"}
    made = page.request.post(f"/api/clinics/{CLINIC}/patients", headers=origin, data=json.dumps(
        {"patient_id": pid, "first_name": "Audra", "last_name": "Filter", "date_of_birth": "1990-04-05"}))
    assert made.status == 201, made.text()
    changed = page.request.patch(f"/api/clinics/{CLINIC}/patients/{pid}", headers=origin,
                                 data=json.dumps({"phone": "555-0100"}))
    assert changed.status == 200, changed.text()

    # From the patient's page: Record activity (audit viewers only) opens the filtered log,
    # in which that very view of the record is the newest event.
    page.goto(portal + f"/patients/{pid}")
    page.get_by_role("link", name="Record activity").click()
    expect(events(page)).to_have_count(3)
    expect(page.get_by_label("Patient ID")).to_have_value(pid)
    expect(events(page).nth(0)).to_contain_text("Alice Green viewed Audra Filter's details")
    expect(events(page).nth(1)).to_contain_text(f"changed the phone of patient {pid}")
    expect(events(page).nth(2)).to_contain_text(f"added patient {pid}")
    expect(page.get_by_role("status")).to_have_text(f"Showing 3 events about patient {pid}, newest first.")
    assert f"patient={pid}" in page.url
    assert_no_horizontal_scroll(page, viewport)

    # A link with the filter opens it filtered.
    page.goto(portal + f"/audit?patient={pid}&kind=patient_created")
    expect(events(page)).to_have_count(1)
    expect(page.get_by_label("Patient ID")).to_have_value(pid)

    page.get_by_label("Patient ID").fill("not a patient id!")
    page.get_by_role("button", name="Show events").click()
    expect(page.get_by_role("alert").filter(has_text="That is not a patient ID")).to_be_visible()
    expect(page.get_by_label("Patient ID")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Patient ID")).to_be_focused()
    assert_accessible(page)
