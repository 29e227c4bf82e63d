"""The patients list and the patient page in real Chromium at 390x844 (phone,
touch) and 1280x800: front desk finds patients by the start of the last name,
adds a patient (a refused field said next to it), edits the demographics, sees
the patient's portal access and reaches the setup form pre-filled ("Patient
Demographics -> Patient Portal Account"); a stale edit gets the conflict message
and the current values. LAKESIDE clinic of tests/browser/seed.json; each run
adds patients with ids of its own."""
from __future__ import annotations

import json
import re
import time

from playwright.sync_api import expect

from tests.browser.test_account_pages import (
    CLINIC,
    DESK,
    assert_no_horizontal_scroll,
    assert_touch_targets,
    other_page,
    row,
    screenshot,
    staff_home,
)

CONFLICT_TEXT = "Someone else changed this record since you opened it."


def new_id(viewport) -> str:
    return f"T{viewport.name[0].upper()}{time.time_ns() % 10**9}"


def fact(page, label: str):
    return page.locator("#patient-facts div").filter(has=page.get_by_text(label, exact=True)).locator("dd")


def test_front_desk_adds_and_edits_a_patient(page, portal, viewport, screenshot_dir):
    staff_home(page, portal, DESK)
    nav = page.get_by_role("navigation", name="Staff tools")
    nav.get_by_role("link", name="Patients").click()
    expect(page).to_have_url(portal + "/patients")
    expect(page.get_by_role("heading", name="Patients", exact=True)).to_be_visible()
    expect(page.locator("#patients li").first).to_be_visible()

    # The last-name filter.
    page.get_by_label("Search by name or patient ID").fill("alv")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#patients li")).to_have_count(2)
    expect(page.get_by_role("link", name="Alvarez, Omar")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Showing 2 patients")).to_be_visible()
    expect(page).to_have_url(portal + "/patients?q=alv")
    assert_no_horizontal_scroll(page, viewport)
    assert_touch_targets(page)
    screenshot(page, screenshot_dir, "patients", viewport)

    # Add a patient: a refused phone number is said next to its field, nothing is added.
    pid = new_id(viewport)
    page.get_by_role("link", name="Add patient").click()
    expect(page.get_by_label("Patient ID (optional)")).to_be_focused()
    page.get_by_label("Patient ID (optional)").fill(pid)
    page.get_by_label("First name").fill("Nora")
    page.get_by_label("Last name", exact=True).fill("Quist-O'Hara")
    page.get_by_label("Date of birth").fill("2014-05-09")
    page.get_by_label("Email (optional)").fill("nora.parent@example.com")
    page.get_by_label("Phone (optional)").fill("call me")
    page.get_by_label("Address (optional)", exact=True).fill("4 Pier Lane")
    page.get_by_label("City or town (optional)").fill("Lakeside")
    page.get_by_label("State or region (optional)").fill("WA")
    page.get_by_label("Postal code (optional)").fill("98001")
    page.get_by_role("button", name="Add patient").click()
    expect(page.locator("#add-error")).to_contain_text("Phone must be a phone number")
    expect(page.get_by_label("Phone (optional)")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Phone (optional)")).to_be_focused()
    screenshot(page, screenshot_dir, "patient-add-error", viewport)
    page.get_by_label("Phone (optional)").fill("(555) 010-0177")
    page.get_by_role("button", name="Add patient").click()

    # The new patient's page.
    expect(page).to_have_url(f"{portal}/patients/{pid}")
    expect(page.get_by_role("heading", name="Nora Quist-O'Hara", level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Nora Quist-O'Hara was added")).to_be_visible()
    expect(fact(page, "Patient ID")).to_have_text(pid)
    expect(fact(page, "Phone")).to_have_text("(555) 010-0177")
    expect(fact(page, "Address")).to_have_text("4 Pier Lane, Lakeside, WA 98001")
    expect(page.get_by_text("No portal account yet.")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)
    assert_touch_targets(page)
    screenshot(page, screenshot_dir, "patient-page", viewport)

    # Edit the demographics.
    page.get_by_role("button", name="Edit details").click()
    expect(page.get_by_label("First name")).to_be_focused()
    expect(page.get_by_label("Last name", exact=True)).to_have_value("Quist-O'Hara")
    page.get_by_label("Date of birth").fill("2999-01-01")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator("#edit-error")).to_contain_text("Date of birth cannot be in the future")
    page.get_by_label("Date of birth").fill("2014-05-10")
    page.get_by_label("Phone (optional)").fill("")
    page.get_by_label("City or town (optional)").fill("Port Lakeside")
    assert_no_horizontal_scroll(page, viewport)
    screenshot(page, screenshot_dir, "patient-edit", viewport)
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("status").filter(has_text="Details saved.")).to_be_visible()
    expect(fact(page, "Phone")).to_have_text("None")
    expect(fact(page, "Address")).to_have_text("4 Pier Lane, Port Lakeside, WA 98001")
    expect(page.get_by_role("button", name="Edit details")).to_be_visible()
    # The list finds the patient by id (and by last name, as each run's patient).
    page.goto(f"/patients?q={pid.lower()}")
    expect(page.locator("#patients li")).to_have_count(1)
    page.get_by_role("link", name="Quist-O'Hara, Nora").click()
    expect(fact(page, "Address")).to_have_text("4 Pier Lane, Port Lakeside, WA 98001")

    # Patient Demographics -> Patient Portal Account: the setup form with this patient chosen.
    page.get_by_role("link", name=re.compile("^Set up portal account")).click()
    expect(page).to_have_url(f"{portal}/portal-accounts/setup?patient_id={pid}")
    expect(page.get_by_text(f"Nora Quist-O'Hara (patient ID {pid})")).to_be_visible()


def test_a_taken_patient_id_is_said_next_to_the_id(page, portal, viewport, console):
    console.allow(r"status of 409 ")
    staff_home(page, portal, DESK)
    page.goto("/patients")
    page.get_by_label("Patient ID (optional)").fill("l101")
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name", exact=True).fill("Alvarez")
    page.get_by_label("Date of birth").fill("1990-06-01")
    page.get_by_role("button", name="Add patient").click()
    expect(page.locator("#add-error")).to_contain_text("already on the clinic's records")
    expect(page.get_by_label("Patient ID (optional)")).to_have_attribute("aria-invalid", "true")
    # Without an id the portal makes one.
    page.get_by_label("Patient ID (optional)").fill("")
    page.get_by_label("Last name", exact=True).fill(f"Generated{viewport.name.capitalize()}")
    page.get_by_role("button", name="Add patient").click()
    expect(page).to_have_url(re.compile(r"/patients/P\d{7}$"))
    expect(page.get_by_role("heading", name=f"Rosa Generated{viewport.name.capitalize()}")).to_be_visible()


def test_the_patient_page_lists_portal_access(page, portal, viewport, screenshot_dir):
    staff_home(page, portal, DESK)
    page.goto("/patients?q=okafor")
    # two patients share the name (L302 is another Sam Okafor); the link goes by id
    page.locator('a[href="/patients/L301"]').click()
    expect(page).to_have_url(portal + "/patients/L301")
    # Every account that acts for the patient (other tests may add more for this patient).
    expect(page.get_by_role("status").filter(has_text=re.compile(r"\d+ portal accounts"))).to_be_visible()
    # (sam.desktop is Self for L302: a patient has at most one Self)
    for username in ("casey.mobile@example.com", "casey.desktop@example.com"):
        expect(row(page, username)).to_be_visible()
    mobile = row(page, "sam.mobile@example.com")
    expect(mobile.get_by_text("Self", exact=True)).to_be_visible()
    expect(mobile.locator(".badge")).to_have_text("Enabled")
    expect(mobile.get_by_text("Last login")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)
    assert_touch_targets(page)
    screenshot(page, screenshot_dir, "patient-portal-access", viewport)
    mobile.get_by_role("link", name="Open account").click()
    expect(page).to_have_url(re.compile(r"/portal-accounts/setup\?account_id=[0-9a-f]{32}$"))
    expect(page.locator("#username")).to_have_value("sam.mobile@example.com")


def test_a_stale_patient_edit_gets_the_conflict_message_and_the_fresh_values(page, portal, viewport, chromium,
                                                                           console):
    console.allow(r"status of 409 ")
    pid = new_id(viewport)
    staff_home(page, portal, DESK)
    r = page.request.post(f"/api/clinics/{CLINIC}/patients", data=json.dumps({
        "patient_id": pid, "first_name": "Cora", "last_name": "Stale", "date_of_birth": "1970-01-01"}),
        headers={"Content-Type": "application/json", "Origin": portal})
    assert r.status == 201, r.text()
    page.goto(f"/patients/{pid}")
    page.get_by_role("button", name="Edit details").click()
    with other_page(chromium, portal, viewport, console) as other:
        staff_home(other, portal, DESK)
        other.goto(f"/patients/{pid}")
        other.get_by_role("button", name="Edit details").click()
        other.get_by_label("City or town (optional)").fill("Elsewhere")
        other.get_by_role("button", name="Save details").click()
        expect(other.get_by_role("status").filter(has_text="Details saved.")).to_be_visible()
    page.get_by_label("Phone (optional)").fill("555 010 0100")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator("#edit-error")).to_contain_text(CONFLICT_TEXT)
    expect(page.get_by_label("City or town (optional)")).to_have_value("Elsewhere")
    expect(fact(page, "Address")).to_have_text("Elsewhere")
    page.get_by_label("Phone (optional)").fill("555 010 0100")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("status").filter(has_text="Details saved.")).to_be_visible()
    expect(fact(page, "Phone")).to_have_text("555 010 0100")
