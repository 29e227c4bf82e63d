"""The staff management pages and the invitation page in real Chromium, at
390x844 (phone, touch) and 1280x800 (desktop): Patient Portal Account setup,
User Management, staff, clinic settings, /invite, and the staff links on the
home page. Every test runs at both sizes against the one local stack, in the
LAKESIDE clinic of tests/browser/seed.json (the login-page tests use the other
clinics). The `page` fixture fails a test on any console error or uncaught
exception, CSP violations included; pages opened in extra contexts report to
the same watch."""
from __future__ import annotations

import contextlib
import json
import os
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    EXPECT_TIMEOUT_MS,
    SCREENSHOT_DIR,
    assert_accessible,
    audit_before_close,
    seed_password,
)

CLINIC = "LAKESIDE"
CLINIC_NAME = "Lakeside Family Practice"
ADMIN, DESK, CLINICIAN = "HaleJ", "PrattK", "IbarraL"
STRONG_PASSWORD = "violet-harbor-lantern-97"
ALL_SECTIONS = ["Appointments", "Visit summaries", "Test results", "Messages", "Prescription refills",
                "Billing", "Forms"]
STAFF_LINKS = ["Messages inbox", "Submitted forms", "Schedule", "Appointment requests", "Documents and results",
               "Refill requests", "Billing statements", "Patients", "Set up a patient portal account",
               "User Management", "Form templates", "Medications", "Staff",
               "Clinic settings", "Integrations (EHR keys)", "Audit log"]
MANAGEMENT_PAGES = ["/patients", "/portal-accounts/setup", "/portal-accounts", "/staff", "/settings", "/audit"]


# ---------------------------------------------------------------- helpers

@pytest.fixture(scope="session")
def outbox(portal, tmp_path_factory) -> Path:
    """The folder the browser stack writes its emails to (PORTAL_OUTBOX_DIR is
    `<the portal fixture's temp dir>/outbox`; it appears with the first email)."""
    dirs = sorted(p for p in tmp_path_factory.getbasetemp().glob("portal*") if p.is_dir())
    assert dirs, "the portal fixture's temp dir is missing"
    return dirs[-1] / "outbox"


def wait_for_emails(outbox: Path, to: str, count: int = 1, timeout_s: float = 10.0) -> list[dict]:
    """The emails sent to `to`, oldest first, once there are `count` of them."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = []
        if outbox.is_dir():
            for path in sorted(outbox.glob("*.json")):  # named by send time
                email = json.loads(path.read_text(encoding="utf-8"))
                if email["to"] == to:
                    found.append(email)
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(found)} emails to {to} in {outbox}, expected {count}")
        time.sleep(0.1)


def invite_link(email: dict) -> str:
    match = re.search(r"https?://\S+/invite\?token=[A-Za-z0-9_-]+", email["text"])
    assert match, email["text"]
    return match.group(0)


@contextlib.contextmanager
def other_page(chromium, portal, viewport, console):
    """A page in a fresh browser context (its own cookies): another person."""
    context = chromium.new_context(base_url=portal, **viewport.context_options())
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    pg = context.new_page()
    pg.on("console", console.on_console)
    pg.on("pageerror", console.on_page_error)
    try:
        yield pg
        audit_before_close(pg)
    finally:
        context.close()


def log_in(page, username: str, password: str, login_type: str = "Staff", clinic: str = CLINIC):
    page.goto(f"/?clinicID={clinic}&LoginType={login_type}")
    expect(page.get_by_role("tab", name=f"{login_type} Login")).to_have_attribute("aria-selected", "true")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    assert_accessible(page)
    with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as info:
        page.get_by_role("button", name="Log in").click()
    if info.value.status >= 400:
        # The answer has arrived, but the page may not have handled it yet (it clears the
        # password field then): wait for the form to be ready before the next attempt.
        expect(page.get_by_role("button", name="Log in", exact=True)).to_be_enabled()
    return info.value


def staff_home(page, portal, username: str) -> None:
    assert log_in(page, username, seed_password(username)).status == 200
    expect(page).to_have_url(portal + "/home")
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    assert_accessible(page)


def assert_no_horizontal_scroll(page, viewport) -> None:
    """The page fits the viewport, and (axe-core) has no WCAG 2.1 A/AA violation."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport.width, f"page is {width}px wide in a {viewport.width}px viewport"
    assert_accessible(page)


TOUCH_TARGETS = """() => {
  const selector = "button, a.button, nav a, input:not([type=checkbox]):not([type=radio]):not([type=hidden]), " +
                   "select, textarea, .choice, .segmented label";
  return [...document.querySelectorAll(selector)]
    .filter((e) => e.offsetParent !== null && !e.closest(".skip-link"))
    .map((e) => ({what: e.outerHTML.slice(0, 80), height: e.getBoundingClientRect().height}))
    .filter((t) => t.height < 44);
}"""


def assert_touch_targets(page) -> None:
    """Every visible control is at least 44px tall."""
    small = page.evaluate(TOUCH_TARGETS)
    assert not small, small


def screenshot(page, directory: str, name: str, viewport) -> None:
    assert_accessible(page)
    page.screenshot(path=os.path.join(directory, f"{name}-{viewport.name}.png"), full_page=True)


def row(page, text: str):
    """The list item (account or staff member) that shows `text` exactly."""
    return page.locator("li.record").filter(has=page.get_by_text(text, exact=True))


def stored_text(page) -> str:
    return page.evaluate("JSON.stringify(window.localStorage) + JSON.stringify(window.sessionStorage)")


# ---------------------------------------------------------------- the setup form: Self

def test_self_account_setup_shows_credentials_once(page, portal, viewport, chromium, console, screenshot_dir):
    patient_id, first, email = ("L101", "Rosa", "rosa.alvarez@example.com") if viewport.mobile else \
        ("L102", "Omar", "omar.alvarez@example.com")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=portal)
    staff_home(page, portal, DESK)
    nav = page.get_by_role("navigation", name="Staff tools")
    # The front desk: no Documents and results, no Medications, no Staff, no Settings.
    expect(nav.get_by_role("link")).to_have_text(STAFF_LINKS[:4] + STAFF_LINKS[5:11])
    nav.get_by_role("link", name="Set up a patient portal account").click()
    expect(page).to_have_url(portal + "/portal-accounts/setup")
    expect(page.get_by_role("heading", name="Set up a patient portal account")).to_be_visible()
    load = page.get_by_role("button", name="Load patient details")
    expect(load).to_be_disabled()  # nothing to load before a patient is chosen
    assert_no_horizontal_scroll(page, viewport)
    assert_touch_targets(page)
    screenshot(page, screenshot_dir, "account-setup", viewport)

    # Find the patient, then the "wand" fills names and username from the record.
    search = page.get_by_label("Search patients by name or ID")
    search.fill("alvarez")
    search.press("Enter")
    results = page.get_by_role("list", name="Matching patients").get_by_role("button")
    expect(results).to_have_count(2)
    results.filter(has_text=patient_id).click()
    expect(page.get_by_text(f"{first} Alvarez (patient ID {patient_id})")).to_be_visible()
    expect(load).to_be_focused()
    with page.expect_response(f"**/api/clinics/{CLINIC}/patients/{patient_id}"):
        load.click()
    expect(page.get_by_label("Username (email)")).to_have_value(email)
    expect(page.get_by_label("First name")).to_have_value(first)
    expect(page.get_by_label("Last name")).to_have_value("Alvarez")
    expect(page.get_by_label("Self", exact=True)).to_be_checked()
    expect(page.get_by_label("Force password change at next login")).to_be_checked()
    for section in ALL_SECTIONS:  # Self starts with every section
        expect(page.get_by_role("checkbox", name=section, exact=True)).to_be_checked()

    with page.expect_response(lambda r: r.url.endswith("/portal-accounts") and r.request.method == "POST") as info:
        page.get_by_role("button", name="Save", exact=True).click()
    assert info.value.status == 201
    sent = info.value.request.post_data_json
    assert sent["patient_id"] == patient_id and sent["access_type"] == "self"
    assert sent["force_password_change"] is True and len(sent["permissions"]) == 7
    credentials = info.value.json()["credentials"]
    password = credentials["temporary_password"]

    panel = page.locator("[data-credentials]")
    expect(panel.get_by_role("heading", name=f"Sign-in details for {first} Alvarez")).to_be_visible()
    expect(panel).to_contain_text("Shown only this once")
    expect(panel.locator(".credentials__password")).to_have_text(password)
    expect(panel.locator("pre")).to_have_text(credentials["message"])
    panel.get_by_role("button", name="Copy").click()
    expect(panel.get_by_role("status")).to_contain_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == credentials["message"]
    assert_no_horizontal_scroll(page, viewport)
    assert_touch_targets(page)
    screenshot(page, screenshot_dir, "account-created", viewport)

    # The page now shows the saved account; the secret is nowhere but the panel.
    account_id = info.value.json()["account"]["account_id"]
    expect(page).to_have_url(f"{portal}/portal-accounts/setup?account_id={account_id}")
    expect(page.get_by_role("heading", name=f"Portal account: {first} Alvarez")).to_be_visible()
    assert password not in page.url and password not in stored_text(page)
    page.reload()
    expect(page.get_by_role("heading", name=f"Portal account: {first} Alvarez")).to_be_visible()
    expect(page.locator("[data-credentials]")).to_have_count(0)
    assert password not in page.content()
    expect(page.get_by_label("Username (email)")).to_have_value(email)
    expect(page.get_by_label("Username (email)")).to_have_attribute("readonly", "")

    # Request a form from the account.
    forms = page.get_by_role("region", name="Request forms")
    expect(forms.get_by_text("No forms requested yet.")).to_be_visible()
    forms.get_by_label("Form", exact=True).select_option(label="Consent to treat")
    forms.get_by_label("Note for the account holder (optional)").fill("Please sign before your visit.")
    forms.get_by_label("Due date (optional)").fill("2031-05-01")
    with page.expect_response(lambda r: r.url.endswith("/form-requests") and r.request.method == "POST") as made:
        forms.get_by_role("button", name="Request form").click()
    assert made.value.status == 201
    sent = made.value.request.post_data_json
    assert made.value.json()["form_request"]["form_name"] == "Consent to treat"
    assert sent == {"template_id": sent["template_id"],
                                                 "note": "Please sign before your visit.",
                                                 "due_date": "2031-05-01"}
    requested = forms.get_by_role("list", name="Requested forms").get_by_role("listitem")
    expect(requested).to_have_count(1)
    expect(requested).to_contain_text("Consent to treat")
    expect(requested).to_contain_text("Open")

    # New: an empty form for the next account.
    page.get_by_role("button", name="New", exact=True).click()
    expect(page).to_have_url(portal + "/portal-accounts/setup")
    expect(page.get_by_role("heading", name="Set up a patient portal account")).to_be_visible()
    expect(page.get_by_label("Username (email)")).to_have_value("")
    expect(page.get_by_label("Username (email)")).not_to_have_attribute("readonly", "")
    expect(page.get_by_label("First name")).to_have_value("")
    expect(page.get_by_role("region", name="Request forms")).to_be_hidden()
    expect(page.get_by_label("Search patients by name or ID")).to_be_focused()

    # The new account logs in on the Patient Login tab and must choose a password.
    with other_page(chromium, portal, viewport, console) as patient:
        assert log_in(patient, email, password, login_type="Patient").status == 200
        expect(patient.get_by_role("heading", name="Change your password")).to_be_visible()


# ---------------------------------------------------------------- the setup form: Authorized Representative

def test_authorized_representative_gets_an_invitation(page, portal, viewport, chromium, console, outbox,
                                                      screenshot_dir):
    rep = f"mei.{viewport.name}@example.com"
    staff_home(page, portal, DESK)
    page.goto("/portal-accounts/setup")
    search = page.get_by_label("Search patients by name or ID")
    search.fill("Chen")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("button", name=re.compile(r"^Chen, Lily")).click()

    # Loaded while Self was chosen, the patient's own details fill the form ...
    load = page.get_by_role("button", name="Load patient details")
    load.click()
    expect(page.get_by_label("First name")).to_have_value("Lily")
    # ... and choosing "Authorized representative" takes them away again: the representative
    # is someone else, with their own name and email.
    page.get_by_label("Authorized representative").check()
    for field in ("Username (email)", "First name", "Last name"):
        expect(page.get_by_label(field)).to_have_value("")
    expect(page.locator("#form-status")).to_contain_text("type the representative's name and email")
    # Loading for a representative loads only the patient and asks for the representative's details.
    with page.expect_response(re.compile(r".*/api/clinics/LAKESIDE/patients/[^/?]+$")):
        load.click()
    expect(page.locator("#form-status")).to_contain_text(
        "Loaded Lily Chen's record. This account is for an authorized representative")
    for field in ("Username (email)", "First name", "Last name"):
        expect(page.get_by_label(field)).to_have_value("")
    expect(page.get_by_label("Username (email)")).to_be_focused()
    for section in ALL_SECTIONS:  # a representative starts with none
        expect(page.get_by_role("checkbox", name=section, exact=True)).not_to_be_checked()
    expect(page.get_by_label("Force password change at next login")).to_be_disabled()
    page.get_by_label("Username (email)").fill(rep)
    page.get_by_label("First name").fill("Mei")
    page.get_by_label("Last name").fill("Chen")
    page.get_by_role("checkbox", name="Appointments", exact=True).check()
    page.get_by_role("checkbox", name="Forms", exact=True).check()
    with page.expect_response(lambda r: r.url.endswith("/portal-accounts") and r.request.method == "POST") as info:
        page.get_by_role("button", name="Save", exact=True).click()
    assert info.value.status == 201
    sent = info.value.request.post_data_json
    assert sent["access_type"] == "authorized_rep" and sent["permissions"] == ["appointments", "forms"]
    assert "credentials" not in info.value.json()
    expect(page.locator("#form-status")).to_contain_text(f"An invitation email was sent to {rep}")
    expect(page.locator("[data-credentials]")).to_have_count(0)
    expect(page.get_by_role("button", name="Resend invitation")).to_be_visible()
    expect(page.get_by_role("button", name="Reset password")).to_be_hidden()
    assert_accessible(page)
    expect(page.locator(".badge")).to_have_text("Invited")
    assert_no_horizontal_scroll(page, viewport)
    screenshot(page, screenshot_dir, "account-invited", viewport)

    # The email: one, to the representative, with the set-password link.
    first_email, = wait_for_emails(outbox, rep)
    assert CLINIC_NAME in first_email["subject"]
    old_link = invite_link(first_email)

    # Resend: a second email with a new link; the first link stops working.
    page.get_by_role("button", name="Resend invitation").click()
    expect(page.locator("#form-status")).to_contain_text(f"A new invitation email was sent to {rep}")
    email = wait_for_emails(outbox, rep, count=2)[-1]
    link = invite_link(email)
    assert link != old_link
    token = parse_qs(urlsplit(link).query)["token"][0]

    with other_page(chromium, portal, viewport, console) as person:
        person.goto(old_link)
        expect(person.get_by_role("heading", name="This link no longer works")).to_be_visible()
        person.goto(link)
        expect(person.get_by_role("heading", name=CLINIC_NAME)).to_be_visible()
        expect(person).to_have_url(portal + "/invite")  # the token left the address bar
        expect(person.get_by_text(rep, exact=True)).to_be_visible()
        assert token not in person.url
        expect(person.get_by_label("New password", exact=True)).to_be_focused()
        assert_no_horizontal_scroll(person, viewport)
        assert_touch_targets(person)
        screenshot(person, screenshot_dir, "invite", viewport)

        def submit(new, confirm):
            person.get_by_label("New password", exact=True).fill(new)
            person.get_by_label("Confirm new password").fill(confirm)
            person.get_by_role("button", name="Save password").click()

        submit(STRONG_PASSWORD, STRONG_PASSWORD + "x")
        expect(person.get_by_role("alert")).to_contain_text("don't match")
        with person.expect_response("**/api/invitations/accept") as weak:
            submit("passwordpassword", "passwordpassword")
        assert weak.value.status == 400 and weak.value.json()["error"] == "password_policy"
        expect(person.get_by_role("alert")).to_have_text(weak.value.json()["message"])  # verbatim
        with person.expect_response("**/api/invitations/accept") as strong:
            submit(STRONG_PASSWORD, STRONG_PASSWORD)  # the same link still works
        assert strong.value.status == 204
        expect(person.get_by_role("heading", name="Your password is set")).to_be_visible()
        go = person.get_by_role("link", name="Go to Patient Login")
        expect(go).to_have_attribute("href", f"/?clinicID={CLINIC}&LoginType=Patient")
        go.click()
        expect(person.get_by_role("tab", name="Patient Login")).to_have_attribute("aria-selected", "true")
        assert log_in(person, rep, STRONG_PASSWORD, login_type="Patient").status == 200
        expect(person.get_by_role("heading", name="Welcome, Mei")).to_be_visible()

        # The link works once.
        person.goto(link)
        expect(person.get_by_role("heading", name="This link no longer works")).to_be_visible()
        expect(person.get_by_role("alert")).to_contain_text("Ask your clinic to send you a new invitation")
        expect(person).to_have_url(portal + "/invite")

        # Staff delete the account (after a confirm step): no more logins.
        page.reload()
        expect(page.locator(".badge")).to_have_text("Enabled")
        delete = page.get_by_role("button", name="Delete", exact=True)
        delete.click()
        confirm = page.get_by_role("group").filter(has_text=f"Delete the portal account {rep}?")
        expect(confirm).to_be_visible()
        assert_accessible(page)
        confirm.get_by_role("button", name="Cancel").click()
        expect(confirm).to_have_count(0)
        expect(delete).to_be_focused()
        delete.click()
        with page.expect_response(lambda r: r.request.method == "DELETE") as gone:
            page.get_by_role("button", name="Yes, delete the account").click()
        assert gone.value.status == 204
        expect(page.locator("#form-status")).to_have_text(f"The portal account {rep} was deleted.")
        expect(page).to_have_url(portal + "/portal-accounts/setup")
        expect(page.get_by_role("heading", name="Set up a patient portal account")).to_be_visible()
        response = log_in(person, rep, STRONG_PASSWORD, login_type="Patient")
        assert response.status == 401
        expect(person.get_by_role("alert")).to_contain_text("Incorrect username or password")


def test_failed_invitation_email_offers_resend(page, portal, viewport, outbox):
    """SES refusing the email is simulated in the reply the page gets; the
    account itself is real, and Resend goes to the server."""
    rep = f"grandpa.{viewport.name}@example.com"
    staff_home(page, portal, DESK)

    def email_failed(route):
        response = route.fetch()
        body = response.json()
        body["account"]["invitation_status"] = "failed"
        route.fulfill(response=response, json=body)

    page.route(lambda url: url.endswith(f"/api/clinics/{CLINIC}/portal-accounts"), email_failed)
    page.goto("/portal-accounts/setup?patient_id=L201")
    expect(page.get_by_text("Lily Chen (patient ID L201)")).to_be_visible()
    page.get_by_label("Authorized representative").check()
    page.get_by_label("Username (email)").fill(rep)
    page.get_by_label("First name").fill("Wei")
    page.get_by_label("Last name").fill("Chen")
    page.get_by_role("checkbox", name="Messages", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    failed = page.get_by_role("alert")
    expect(failed).to_contain_text(f"The invitation email to {rep} could not be sent")
    expect(failed).to_contain_text("Resend invitation")
    assert_accessible(page)
    resend = page.get_by_role("button", name="Resend invitation")
    expect(resend).to_be_focused()
    wait_for_emails(outbox, rep)  # (the real server did send the first one)

    resend.click()
    expect(page.locator("#form-status")).to_contain_text(f"A new invitation email was sent to {rep}")
    expect(failed).to_have_count(0)
    wait_for_emails(outbox, rep, count=2)


def test_a_change_that_ends_an_invitation_says_to_resend(page, portal, viewport, chromium, console, outbox):
    """Disabling an invited representative's login (even if enabled again) ends their
    link: the setup page and User Management say so, the old link shows "no longer
    works", and Resend sends one that works. (Changing the sections of their access
    does not: sessions and invitations are the login's, sections the grant's.)"""
    rep = f"june.{viewport.name}@example.com"
    staff_home(page, portal, DESK)
    page.goto("/portal-accounts/setup?patient_id=L201")
    expect(page.get_by_text("Lily Chen (patient ID L201)")).to_be_visible()
    page.get_by_label("Authorized representative").check()
    page.get_by_label("Username (email)").fill(rep)
    page.get_by_label("First name").fill("June")
    page.get_by_label("Last name").fill("Chen")
    page.get_by_role("checkbox", name="Messages", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#form-status")).to_contain_text(f"An invitation email was sent to {rep}")
    old_link = invite_link(wait_for_emails(outbox, rep)[0])
    setup_url = page.url

    page.get_by_role("checkbox", name="Forms", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#form-status")).to_have_text("Changes saved.")
    ended = page.get_by_role("alert").filter(has_text="no longer works")
    expect(ended).to_have_count(0)  # a grant change leaves the invitation alone

    page.goto("/portal-accounts?status=invited")
    account = row(page, rep)
    account.get_by_role("button", name="Disable login").click()
    expect(account.locator(".badge")).to_have_text("Disabled")
    account.get_by_role("button", name="Enable login").click()
    expect(account.locator(".badge")).to_have_text("Invited")
    expect(account).to_contain_text("Link cancelled by a change; resend it")
    page.goto(setup_url)
    expect(ended).to_contain_text(f"The invitation link sent to {rep} no longer works")
    expect(ended).to_contain_text("Resend invitation")
    assert_accessible(page)

    with other_page(chromium, portal, viewport, console) as person:
        person.goto(old_link)
        expect(person.get_by_role("heading", name="This link no longer works")).to_be_visible()
        page.goto(setup_url)
        expect(ended).to_be_visible()
        page.get_by_role("button", name="Resend invitation").click()
        expect(page.locator("#form-status")).to_contain_text(f"A new invitation email was sent to {rep}")
        expect(ended).to_have_count(0)
        person.goto(invite_link(wait_for_emails(outbox, rep, count=2)[-1]))
        expect(person.get_by_label("New password", exact=True)).to_be_visible()


def test_invitation_page_without_a_usable_token(page, portal, viewport):
    page.goto("/invite?token=not-a-real-token")
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("new invitation")
    expect(page).to_have_url(portal + "/invite")
    expect(page.get_by_label("New password", exact=True)).to_be_hidden()
    page.goto("/invite")
    expect(page.get_by_role("heading", name="This link is incomplete")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)


# ---------------------------------------------------------------- User Management

def test_user_management_filters_disables_and_enables(page, portal, viewport, chromium, console, screenshot_dir):
    username = f"sam.{viewport.name}@example.com"
    password = seed_password(username)
    staff_home(page, portal, DESK)
    page.get_by_role("navigation", name="Staff tools").get_by_role("link", name="User Management").click()
    expect(page).to_have_url(portal + "/portal-accounts")
    expect(page.get_by_role("heading", name="User Management")).to_be_visible()
    account = row(page, username)
    expect(account).to_have_count(1)  # "All" by default
    # (One Self account per patient: the two viewports' Sams are seeded for L301 and L302.)
    expect(account).to_contain_text("Sam Okafor (L301)" if viewport.name == "mobile" else "Sam Okafor (L302)")
    expect(account).to_contain_text("Self")
    assert_no_horizontal_scroll(page, viewport)
    assert_touch_targets(page)
    screenshot(page, screenshot_dir, "user-management", viewport)

    page.get_by_label("Search by name, patient ID or username").fill(f"sam.{viewport.name}")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=sam\."))
    expect(page.locator("li.record")).to_have_count(1)

    def show(status: str) -> None:
        with page.expect_response(lambda r: f"status={status.lower()}" in r.url):
            page.get_by_label(status, exact=True).check()

    show("Enabled")
    expect(account).to_have_count(1)
    show("Disabled")
    expect(account).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="No disabled accounts")).to_be_visible()
    show("Invited")
    expect(account).to_have_count(0)

    show("Enabled")
    account.get_by_role("button", name="Disable login").click()  # the login as a whole
    expect(account.locator(".badge")).to_have_text("Disabled")
    expect(account.get_by_role("status")).to_contain_text("can't log in")
    with other_page(chromium, portal, viewport, console) as patient:
        response = log_in(patient, username, password, login_type="Patient")
        assert response.status == 401
        expect(patient.get_by_role("alert")).to_have_text(response.json()["message"])
        expect(patient.get_by_role("alert")).to_contain_text("Incorrect username or password")

        show("Disabled")
        expect(account).to_have_count(1)
        account.get_by_role("button", name="Enable login").click()
        expect(account.locator(".badge")).to_have_text("Enabled")
        show("Enabled")
        expect(account).to_have_count(1)
        assert log_in(patient, username, password, login_type="Patient").status == 200
        expect(patient.get_by_role("heading", name="Welcome, Sam")).to_be_visible()

        # Force a password change: the next login asks for one.
        account.get_by_role("button", name="Force password change").click()
        expect(account.get_by_role("status")).to_contain_text("choose a new password")
        expect(account).to_contain_text("Required at next login")
        assert log_in(patient, username, password, login_type="Patient").status == 200
        expect(patient.get_by_role("heading", name="Change your password")).to_be_visible()

    # Reset: confirm first, then the new details once, in the row.
    account.get_by_role("button", name="Reset password").click()
    with page.expect_response(lambda r: r.url.endswith("/reset-password")) as info:
        account.get_by_role("button", name="Yes, reset the password").click()
    new_password = info.value.json()["credentials"]["temporary_password"]
    expect(account.locator("[data-credentials] .credentials__password")).to_have_text(new_password)
    expect(account.get_by_role("button", name="Copy")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)
    account.get_by_role("button", name="Close").click()
    expect(page.locator("[data-credentials]")).to_have_count(0)

    # Edit opens the setup form for this account.
    account.get_by_role("link", name="Edit").click()
    expect(page).to_have_url(re.compile(r"/portal-accounts/setup\?account_id=[0-9a-f]+$"))
    expect(page.get_by_label("Username (email)")).to_have_value(username)


def test_user_management_pages_with_more(page, portal, viewport):
    """Paging follows `next_cursor` with the same filter. The stack's clinic has
    fewer than a page of accounts, so the first reply is given a cursor and the
    second page is a stand-in."""
    staff_home(page, portal, DESK)
    seen = []

    def first_page(route):
        seen.append(route.request.url)
        if "cursor=" in route.request.url:
            route.fulfill(json={"items": [{
                "account_id": "0" * 32, "clinic_id": CLINIC, "username": "zoe.zimmer@example.com",
                "first_name": "Zoe", "last_name": "Zimmer",
                "patient": {"patient_id": "L999", "first_name": "Zoe", "last_name": "Zimmer"},
                "access_type": "self", "permissions": ["appointments"], "status": "active",
                "force_password_change": False, "invitation_status": None, "invitation_expires_at": None,
                "last_login_at": None, "created_at": "2026-11-22T03:25:40Z", "updated_at": "2026-11-22T03:25:40Z",
            }], "next_cursor": None})
            return
        response = route.fetch()
        route.fulfill(response=response, json={**response.json(), "next_cursor": "cursor-for-page-2"})

    page.route(re.compile(r"/api/clinics/LAKESIDE/portal-accounts\?"), first_page)
    page.goto("/portal-accounts?status=enabled")
    expect(page.get_by_label("Enabled", exact=True)).to_be_checked()
    expect(page.get_by_role("status").filter(has_text="There are more")).to_be_visible()
    count = page.locator("li.record").count()
    more = page.get_by_role("button", name="More", exact=True)
    more.click()
    expect(row(page, "zoe.zimmer@example.com")).to_have_count(1)
    expect(page.locator("li.record")).to_have_count(count + 1)
    expect(more).to_be_hidden()
    assert "status=enabled" in seen[-1] and "cursor=cursor-for-page-2" in seen[-1]


# ---------------------------------------------------------------- staff management

def test_staff_page_adds_a_front_desk_user(page, portal, viewport, chromium, console, screenshot_dir):
    new_username = f"Desk{viewport.name.title()}"
    staff_home(page, portal, ADMIN)
    nav = page.get_by_role("navigation", name="Staff tools")
    expect(nav.get_by_role("link")).to_have_text(STAFF_LINKS)  # an administrator sees every tool
    nav.get_by_role("link", name="Staff").click()
    expect(page).to_have_url(portal + "/staff")
    expect(row(page, DESK)).to_have_count(1)
    expect(row(page, "HaleJ · jordan@lakeside.example · This is you")).to_have_count(1)

    form = page.get_by_role("region", name="Add a staff member")
    form.get_by_role("button", name="Add staff member").click()
    expect(form.get_by_role("alert")).to_have_text("Enter a username.")
    assert_accessible(page)
    form.get_by_label("Username").fill(new_username)
    form.get_by_label("First name").fill("Nina")
    form.get_by_label("Last name").fill("Lopez")
    form.get_by_label("Email (optional)").fill(f"nina.{viewport.name}@lakeside.example")
    form.get_by_role("checkbox", name=re.compile("^Front desk")).check()
    expect(form.get_by_label("Staff Portal access")).to_be_checked()
    with page.expect_response(lambda r: r.url.endswith("/staff") and r.request.method == "POST") as info:
        form.get_by_role("button", name="Add staff member").click()
    assert info.value.status == 201
    assert info.value.request.post_data_json["roles"] == ["front_desk"]
    password = info.value.json()["credentials"]["temporary_password"]
    expect(form.locator("[data-credentials] .credentials__password")).to_have_text(password)
    expect(form.get_by_role("button", name="Copy")).to_be_visible()
    member = row(page, f"{new_username} · nina.{viewport.name}@lakeside.example")
    expect(member).to_have_count(1)
    expect(member).to_contain_text("Front desk")
    assert_no_horizontal_scroll(page, viewport)
    assert_touch_targets(page)
    screenshot(page, screenshot_dir, "staff", viewport)

    with other_page(chromium, portal, viewport, console) as newcomer:
        assert log_in(newcomer, new_username, password).status == 200
        expect(newcomer.get_by_role("heading", name="Change your password")).to_be_visible()

        # Roles change in place.
        member.get_by_role("button", name="Change roles").click()
        member.get_by_role("checkbox", name=re.compile("^Clinician")).check()
        member.get_by_role("button", name="Save roles").click()
        expect(member.get_by_role("status")).to_have_text("Roles saved.")
        expect(member).to_contain_text("Clinician, Front desk")

        # Staff Portal access off: the right password gets its own message.
        member.get_by_role("button", name="Turn Staff Portal access off").click()
        expect(member.get_by_role("status")).to_contain_text("Staff Portal access is off")
        response = log_in(newcomer, new_username, password)
        assert response.status == 403
        expect(newcomer.get_by_role("alert")).to_have_text(response.json()["message"])
        member.get_by_role("button", name="Turn Staff Portal access on").click()
        expect(member.get_by_role("button", name="Turn Staff Portal access off")).to_be_visible()

        # Disable / enable.
        member.get_by_role("button", name="Disable").click()
        expect(member.locator(".badge")).to_have_text("Disabled")
        assert log_in(newcomer, new_username, password).status == 401
        member.get_by_role("button", name="Enable").click()
        expect(member.locator(".badge")).to_have_text("Enabled")
        assert log_in(newcomer, new_username, password).status == 200

        # Reset: a new temporary password, shown once; the old one stops working.
        member.get_by_role("button", name="Reset password").click()
        with page.expect_response(lambda r: r.url.endswith("/reset-password")) as info:
            member.get_by_role("button", name="Yes, reset the password").click()
        new_password = info.value.json()["credentials"]["temporary_password"]
        expect(member.locator("[data-credentials] .credentials__password")).to_have_text(new_password)
        assert log_in(newcomer, new_username, password).status == 401
        assert log_in(newcomer, new_username, new_password).status == 200


# ---------------------------------------------------------------- clinic settings

def test_settings_page_saves_and_shows_validation_errors(page, portal, viewport, screenshot_dir):
    hours = "48" if viewport.mobile else "96"
    staff_home(page, portal, ADMIN)
    page.get_by_role("navigation", name="Staff tools").get_by_role("link", name="Clinic settings").click()
    expect(page).to_have_url(portal + "/settings")
    current = page.request.get(f"{portal}/api/clinics/{CLINIC}/settings").json()["settings"]
    threshold = page.get_by_label("Failed attempts before lockout")
    expect(threshold).to_have_value(str(current["lockout_threshold"]))
    expect(page.get_by_label("Shortest password (characters)")).to_have_value(str(current["password_min_length"]))
    assert_no_horizontal_scroll(page, viewport)
    assert_touch_targets(page)
    screenshot(page, screenshot_dir, "settings", viewport)

    page.get_by_label("Invitation links work for (hours)").fill(hours)
    with page.expect_response(lambda r: r.url.endswith("/settings") and r.request.method == "PATCH") as info:
        page.get_by_role("button", name="Save settings").click()
    assert info.value.request.post_data_json == {"invitation_hours": int(hours)}  # only what changed
    expect(page.get_by_role("status").filter(has_text="saved")).to_have_text("Setting saved.")
    page.reload()
    expect(page.get_by_label("Invitation links work for (hours)")).to_have_value(hours)

    threshold.fill("0")
    with page.expect_response(lambda r: r.url.endswith("/settings") and r.request.method == "PATCH") as info:
        page.get_by_role("button", name="Save settings").click()
    assert info.value.status == 400
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Failed attempts before lockout must be a whole number from 1 to 100")
    expect(alert).to_contain_text("Nothing was changed")
    expect(threshold).to_have_attribute("aria-invalid", "true")
    expect(threshold).to_be_focused()
    assert_no_horizontal_scroll(page, viewport)
    screenshot(page, screenshot_dir, "settings-error", viewport)
    after = page.request.get(f"{portal}/api/clinics/{CLINIC}/settings").json()["settings"]
    assert after["lockout_threshold"] == current["lockout_threshold"]
    page.get_by_role("button", name="Undo changes").click()
    expect(threshold).to_have_value(str(current["lockout_threshold"]))


# ---------------------------------------------------------------- who may open what

def test_pages_need_a_session_and_the_permission(page, portal, viewport, chromium, console, screenshot_dir):
    # Not signed in: back to the login page.
    page.goto("/portal-accounts")
    expect(page.get_by_label("Clinic ID")).to_be_visible()
    expect(page).to_have_url(portal + "/")

    # A clinician has only the section work (messages, submitted forms, documents, refill
    # requests, medications), no management links, and gets a plain message on each
    # management page (and on billing, which is the front desk's).
    staff_home(page, portal, CLINICIAN)
    expect(page.locator("#staff-nav a")).to_have_text(["Messages inbox", "Submitted forms", "Documents and results",
                                                       "Refill requests", "Medications"])
    for path in [*MANAGEMENT_PAGES, "/statements"]:
        page.goto(path)
        expect(page.get_by_role("heading", name="You can't use this page")).to_be_visible()
        expect(page.get_by_role("link", name="Back to home")).to_be_visible()
        expect(page.locator("#content")).to_be_hidden()
    assert_no_horizontal_scroll(page, viewport)
    screenshot(page, screenshot_dir, "no-permission", viewport)

    # Front desk: portal accounts yes, staff and settings no.
    with other_page(chromium, portal, viewport, console) as desk:
        staff_home(desk, portal, DESK)
        for path in ["/staff", "/settings", "/audit", "/medications"]:
            desk.goto(path)
            expect(desk.get_by_role("heading", name="You can't use this page")).to_be_visible()
        desk.goto("/portal-accounts")
        expect(desk.get_by_role("heading", name="User Management")).to_be_visible()

    # A patient-portal account: "for clinic staff".
    with other_page(chromium, portal, viewport, console) as patient:
        assert log_in(patient, "dana@example.com", seed_password("dana@example.com"), login_type="Patient",
                      clinic="BAYVIEW").status == 200
        expect(patient.get_by_role("heading", name="Welcome, Dana")).to_be_visible()
        patient.goto("/portal-accounts/setup")
        expect(patient.get_by_text("This page is for clinic staff")).to_be_visible()


# ---------------------------------------------------------------- two people, one record (revisions)

CONFLICT_TEXT = "Someone else changed this record since you opened it."


def patch_of(page, path_end: str):
    return page.expect_response(lambda r: r.url.endswith(path_end) and r.request.method == "PATCH")


def test_a_stale_account_save_gets_the_conflict_message_and_the_fresh_values(page, portal, viewport, chromium,
                                                                              console):
    """Two sessions open the same account's edit form; the first save wins, the
    second (made from the stale form) is refused and shows what is there now."""
    console.allow(r"status of 409 ")
    username = f"casey.{viewport.name}@example.com"
    staff_home(page, portal, DESK)
    page.goto(f"/portal-accounts?q=casey.{viewport.name}")
    row(page, username).get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Username (email)")).to_have_value(username)
    edit_url = page.url
    account_api = f"/api/clinics/{CLINIC}/portal-accounts/{parse_qs(urlsplit(edit_url).query)['account_id'][0]}"
    revision = page.request.get(portal + account_api).json()["account"]["revision"]

    with other_page(chromium, portal, viewport, console) as stale:
        staff_home(stale, portal, ADMIN)
        stale.goto(edit_url)
        expect(stale.get_by_label("First name")).to_have_value("Casey")

        # A saves first: the change carries the revision the form was read at.
        page.get_by_label("First name").fill("Cassidy")
        with patch_of(page, account_api) as first:
            page.get_by_role("button", name="Save", exact=True).click()
        assert first.value.status == 200
        assert first.value.request.headers["if-match"] == f'"{revision}"'
        expect(page.locator("#form-status")).to_have_text("Changes saved.")

        # B, still showing the old values, saves a different change: refused.
        stale.get_by_label("Last name").fill("Stale")
        with patch_of(stale, account_api) as second:
            stale.get_by_role("button", name="Save", exact=True).click()
        assert second.value.status == 409 and second.value.json()["error"] == "conflict"
        alert = stale.get_by_role("alert").filter(has_text=CONFLICT_TEXT)
        expect(alert).to_be_visible()
        expect(stale.get_by_label("First name")).to_have_value("Cassidy")  # A's change, fetched again
        expect(stale.get_by_label("Last name")).to_have_value("Quinn")     # B's edit is not kept
        expect(stale.get_by_role("heading", name="Portal account: Cassidy Quinn")).to_be_visible()
        assert_no_horizontal_scroll(stale, viewport)
        screenshot(stale, SCREENSHOT_DIR, "account-conflict", viewport)
        saved = page.request.get(portal + account_api).json()["account"]
        assert (saved["first_name"], saved["last_name"]) == ("Cassidy", "Quinn")  # nothing of B's was saved

        # Saving again, now on the fresh values, works.
        stale.get_by_label("Last name").fill("Quincy")
        with patch_of(stale, account_api) as third:
            stale.get_by_role("button", name="Save", exact=True).click()
        assert third.value.status == 200
        expect(stale.locator("#form-status")).to_have_text("Changes saved.")
        expect(alert).to_have_count(0)


def test_a_stale_staff_change_gets_the_conflict_message_and_the_fresh_values(page, portal, viewport, chromium,
                                                                            console):
    console.allow(r"status of 409 ")
    username = f"Quinn{viewport.name.title()}"
    staff_home(page, portal, ADMIN)
    page.goto("/staff")
    member = row(page, username)
    expect(member).to_contain_text("Clinician")

    with other_page(chromium, portal, viewport, console) as stale:
        staff_home(stale, portal, ADMIN)
        stale.goto("/staff")
        stale_member = row(stale, username)
        expect(stale_member).to_contain_text("Clinician")

        member.get_by_role("button", name="Change roles").click()
        member.get_by_role("checkbox", name=re.compile("^Front desk")).check()
        with patch_of(page, f"/staff/{username}") as first:
            member.get_by_role("button", name="Save roles").click()
        assert first.value.status == 200 and "if-match" in first.value.request.headers
        expect(member.get_by_role("status")).to_have_text("Roles saved.")

        with patch_of(stale, f"/staff/{username}") as second:
            stale_member.get_by_role("button", name="Turn Staff Portal access off").click()
        assert second.value.status == 409 and second.value.json()["error"] == "conflict"
        expect(stale_member.get_by_role("alert")).to_contain_text(CONFLICT_TEXT)
        expect(stale_member).to_contain_text("Clinician, Front desk")  # the fresh roles
        expect(stale_member.get_by_role("button", name="Turn Staff Portal access off")).to_be_visible()
        assert_no_horizontal_scroll(stale, viewport)
        fresh = page.request.get(f"{portal}/api/clinics/{CLINIC}/staff/{username}").json()["staff"]
        assert fresh["portal_access"] is True  # B's change did not happen


def test_a_stale_settings_save_gets_the_conflict_message_and_the_fresh_values(page, portal, viewport, chromium,
                                                                               console):
    console.allow(r"status of 409 ")
    minutes = "45" if viewport.mobile else "50"
    staff_home(page, portal, ADMIN)
    page.goto("/settings")
    idle = page.get_by_label("Log out after inactivity (minutes)")
    expect(idle).not_to_have_value("")
    with other_page(chromium, portal, viewport, console) as stale:
        staff_home(stale, portal, ADMIN)
        stale.goto("/settings")
        longest = stale.get_by_label("Longest session (hours)")
        expect(longest).not_to_have_value("")
        before = longest.input_value()

        idle.fill(minutes)
        with patch_of(page, "/settings") as first:
            page.get_by_role("button", name="Save settings").click()
        assert first.value.status == 200 and "if-match" in first.value.request.headers
        expect(page.get_by_role("status").filter(has_text="saved")).to_have_text("Setting saved.")

        longest.fill("13")
        with patch_of(stale, "/settings") as second:
            stale.get_by_role("button", name="Save settings").click()
        assert second.value.status == 409 and second.value.json()["error"] == "conflict"
        expect(stale.get_by_role("alert")).to_contain_text(CONFLICT_TEXT)
        expect(stale.get_by_label("Log out after inactivity (minutes)")).to_have_value(minutes)
        expect(longest).to_have_value(before)
        assert_no_horizontal_scroll(stale, viewport)
