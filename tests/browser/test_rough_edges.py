"""The rough edges a new user hit (issue 10, part 6), in real Chromium at 390x844
and desktop, each page state checked with axe-core: the password rules stated
before the first attempt, the 404 page, the session warning and the return after
signing in again, Copy's confirmation, the used-invitation page, the settings
columns, Request forms, the Staff page's explanations and Basic Info editing.

Each test makes its own people through the API (as the LAKESIDE administrator of
tests/browser/seed.json), named per viewport, so the tests share the one stack."""
from __future__ import annotations

import json
import re
import time
from urllib.parse import quote

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, seed_password
from tests.browser.test_account_pages import outbox as _outbox
from tests.browser.test_account_pages import wait_for_emails

outbox = _outbox  # the stack's outbox folder (a session fixture), here under its own name

CLINIC = "LAKESIDE"
ADMIN = "HaleJ"
JSON_HEADERS = {"Content-Type": "application/json"}


def unique(prefix: str, viewport) -> str:
    return f"{prefix}{viewport.name.capitalize()}{time.time_ns() % 10**7}"


def api_sign_in(request, username: str, password: str, login_type: str = "staff"):
    r = request.post(f"/api/clinics/{CLINIC}/login", headers=JSON_HEADERS, data=json.dumps(
        {"login_type": login_type, "username": username, "password": password}))
    assert r.status == 200, r.text()
    return r


def new_staff(chromium, portal, *, username: str, roles=("clinician",), **fields) -> dict:
    """A staff member made by the administrator (in a context of its own): the reply."""
    context = chromium.new_context(base_url=portal, extra_http_headers={"Origin": portal})
    try:
        api_sign_in(context.request, ADMIN, seed_password(ADMIN))
        body = {"username": username, "first_name": "Test", "last_name": "Person", "roles": list(roles),
                **fields}
        r = context.request.post(f"/api/clinics/{CLINIC}/staff", headers=JSON_HEADERS, data=json.dumps(body))
        assert r.status == 201, r.text()
        return r.json()
    finally:
        context.close()


def as_admin(chromium, portal):
    """A request context signed in as the LAKESIDE administrator (close it after use)."""
    context = chromium.new_context(base_url=portal, extra_http_headers={"Origin": portal})
    api_sign_in(context.request, ADMIN, seed_password(ADMIN))
    return context


def new_representative(chromium, portal, *, username: str, patient_id: str = "L201", **fields) -> dict:
    context = as_admin(chromium, portal)
    try:
        body = {"patient_id": patient_id, "username": username, "first_name": "Test", "last_name": "Rep",
                "access_type": "authorized_rep", **fields}
        r = context.request.post(f"/api/clinics/{CLINIC}/portal-accounts", headers=JSON_HEADERS,
                                 data=json.dumps(body))
        assert r.status == 201, r.text()
        return r.json()
    finally:
        context.close()


def log_in(page, username: str, password: str, login_type: str = "Staff"):
    page.goto(f"/?clinicID={CLINIC}&LoginType={login_type}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as info:
        page.get_by_role("button", name="Log in").click()
    assert info.value.status == 200
    expect(page).to_have_url(re.compile(r"/home$"))
    return info.value


# ---------------------------------------------------------------- the forced password change

def test_forced_password_change_states_the_rules_before_any_attempt(page, portal, viewport, chromium):
    username = unique("Forced", viewport)
    made = new_staff(chromium, portal, username=username, force_password_change=True)
    log_in(page, username, made["credentials"]["temporary_password"])
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    help_text = page.locator("#new-password-help")
    # The clinic's rules (LAKESIDE keeps the default 12 characters), before anything was typed.
    expect(help_text).to_contain_text("Use at least 12 characters")
    expect(help_text).to_contain_text("the clinic's name or Clinic ID")
    expect(page.locator("#password-error")).to_be_hidden()
    assert page.get_by_label("New password", exact=True).get_attribute("aria-describedby") == "new-password-help"
    assert_accessible(page)


# ---------------------------------------------------------------- the used invitation

def test_a_used_invitation_leads_to_the_clinics_login(page, portal, viewport, chromium, outbox):
    email = f"used.{viewport.name}.{time.time_ns() % 10**7}@example.com"
    new_representative(chromium, portal, username=email)
    text = wait_for_emails(outbox, email)[0]["text"]
    link = re.search(r"https?://\S+/invite\?token=\S+", text).group(0)
    assert "clinicID=LAKESIDE&LoginType=Patient" in link
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("violet-harbor-lantern-97")
    page.get_by_label("Confirm new password").fill("violet-harbor-lantern-97")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="Your password is set")).to_be_visible()
    # The same link again, later, in another browser: no dead end.
    other = page.context.browser.new_context(base_url=portal)
    try:
        again = other.new_page()
        again.goto(link)
        expect(again.get_by_role("heading", name="This link no longer works")).to_be_visible()
        to_login = again.get_by_role("link", name="Go to Patient Login at LAKESIDE")
        expect(to_login).to_be_visible()
        assert_accessible(again)
        to_login.click()
        expect(again).to_have_url(f"{portal}/?clinicID=LAKESIDE&LoginType=Patient")
        expect(again.get_by_role("tab", name="Patient Login")).to_have_attribute("aria-selected", "true")
        # A link naming no clinic (an older email, a mangled address): the Clinic ID step.
        again.goto("/invite?token=not-a-real-token")
        expect(again.get_by_role("heading", name="This link no longer works")).to_be_visible()
        generic = again.get_by_role("link", name=re.compile("enter your Clinic ID"))
        expect(generic).to_have_attribute("href", "/")
        assert_accessible(again)
    finally:
        other.close()


# ---------------------------------------------------------------- the settings columns

FIELD_ROW_INPUTS = """() => [...document.querySelectorAll('.field-row')].filter((r) => r.offsetParent !== null)
  .map((r) => [...r.querySelectorAll('input')].map((i) => {
    const b = i.getBoundingClientRect();
    return {id: i.id, top: Math.round(b.top), height: Math.round(b.height)};
  }))"""


def test_settings_inputs_side_by_side_are_the_same_height(page, portal, viewport):
    log_in(page, ADMIN, seed_password(ADMIN))
    page.goto("/settings")
    expect(page.get_by_label("Lockout length (minutes)")).to_have_value(re.compile(r"\d+"))
    rows = page.evaluate(FIELD_ROW_INPUTS)
    assert len(rows) >= 3
    heights = {i["height"] for row in rows for i in row}
    assert len(heights) == 1, rows  # every input alike, whatever its column's help text
    assert heights.pop() >= 44, rows
    if not viewport.mobile:  # two columns: side by side, top-aligned
        for row in rows:
            assert len({i["top"] for i in row}) == 1, row
    assert_accessible(page)


# ---------------------------------------------------------------- Staff: access off vs disable

def staff_row(page, username: str):
    return page.locator("li.record").filter(has=page.get_by_text(username))


def test_staff_page_explains_access_off_versus_disable(page, portal, viewport, chromium):
    username = unique("Explain", viewport)
    new_staff(chromium, portal, username=username)
    log_in(page, ADMIN, seed_password(ADMIN))
    page.goto("/staff")
    explain = page.get_by_role("group", name="Two ways to stop someone logging in")
    expect(explain).to_contain_text("left the clinic")
    expect(explain).to_contain_text("told their access is off")
    row = staff_row(page, username)
    off = row.get_by_role("button", name="Turn Staff Portal access off")
    disable = row.get_by_role("button", name="Disable")
    expect(off).to_have_accessible_description(re.compile("told their access is off"))
    expect(disable).to_have_accessible_description(re.compile("have left the clinic"))
    box, first = explain.bounding_box(), page.locator("li.record").first.bounding_box()
    assert box["y"] < first["y"], "the explanation comes before the rows it explains"
    assert_accessible(page)


# ---------------------------------------------------------------- Request forms without Forms

def test_request_forms_says_why_without_the_forms_section(page, portal, viewport, chromium):
    email = f"noforms.{viewport.name}.{time.time_ns() % 10**7}@example.com"
    account = new_representative(chromium, portal, username=email, permissions=["appointments"])["account"]
    log_in(page, ADMIN, seed_password(ADMIN))
    page.goto(f"/portal-accounts/setup?account_id={account['account_id']}")
    section = page.locator("#forms-section")
    expect(section.get_by_role("heading", name="Request forms")).to_be_visible()
    expect(section).to_contain_text("doesn't have the Forms section")
    expect(section.get_by_role("button", name="Request form")).to_be_hidden()
    assert_accessible(page)
    # The API refuses it too, with a clear 409.
    r = page.request.post(f"/api/clinics/{CLINIC}/portal-accounts/{account['account_id']}/form-requests",
                          headers={**JSON_HEADERS, "Origin": portal}, data=json.dumps({"template_id": "0" * 32}))
    assert r.status == 409 and r.json()["error"] == "forms_not_permitted"
    # Given the Forms section, the form appears.
    page.get_by_role("checkbox", name="Forms").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(section.get_by_role("button", name="Request form")).to_be_visible()
    expect(section.locator("#forms-not-permitted")).to_be_hidden()
    section.get_by_label("Form", exact=True).select_option(label="Consent to treat")
    section.get_by_role("button", name="Request form").click()
    expect(section.get_by_role("status")).to_contain_text("Requested")


# ---------------------------------------------------------------- Copy's confirmation

IN_VIEW = """(el) => { const b = el.getBoundingClientRect();
  return b.height > 0 && b.top >= -1 && b.bottom <= window.innerHeight + 1; }"""


def test_copy_confirmation_shows_where_the_eye_is(page, portal, viewport):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=portal)
    log_in(page, ADMIN, seed_password(ADMIN))
    page.goto("/staff")
    form = page.locator("#add-form")
    form.get_by_label("Username").fill(unique("Copy", viewport))
    form.get_by_label("First name").fill("Cora")
    form.get_by_label("Last name").fill("Pike")
    form.get_by_role("checkbox", name="Clinician").check()
    form.get_by_role("button", name="Add staff member").click()
    panel = page.locator("[data-credentials]")
    copy = panel.get_by_role("button", name="Copy")
    expect(copy).to_be_visible()
    status = panel.get_by_role("status")
    expect(status).to_have_attribute("aria-live", "polite")  # announced, and there before it speaks
    # Scroll so Copy sits at the very bottom of the screen, as a thumb reaches it on a phone.
    page.evaluate("(el) => window.scrollBy(0, el.getBoundingClientRect().bottom - window.innerHeight + 2)",
                  copy.element_handle())
    assert page.evaluate(IN_VIEW, copy.element_handle())
    copy.click()
    expect(status).to_contain_text("Copied")
    page.wait_for_function(IN_VIEW, arg=status.element_handle(), timeout=2000)  # on the screen
    assert page.evaluate(IN_VIEW, copy.element_handle())
    gap = copy.bounding_box()["y"] - (status.bounding_box()["y"] + status.bounding_box()["height"])
    assert -1 <= gap <= 48, f"the confirmation is {gap}px from the button"
    assert_accessible(page)


# ---------------------------------------------------------------- unknown addresses

def test_an_unknown_page_shows_a_404_page(page, portal, viewport):
    reply = page.goto("/no-such-page")
    assert reply.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_text("Missing Authentication Token")).to_have_count(0)
    expect(page.get_by_role("link", name="Go to the login page")).to_have_attribute("href", "/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport.width
    assert_accessible(page)
    # Having signed in to a clinic in this tab, the way back is its login page.
    log_in(page, ADMIN, seed_password(ADMIN))
    page.goto("/portal-accounts/typo")
    link = page.get_by_role("link", name=f"Go to the {CLINIC} login page")
    expect(link).to_have_attribute("href", f"/?clinicID={CLINIC}&LoginType=Staff")
    link.click()
    expect(page).to_have_url(f"{portal}/?clinicID={CLINIC}&LoginType=Staff")
    # The API keeps its JSON error.
    api = page.request.get("/api/no-such-thing")
    assert api.status == 404 and api.json() == {"error": "not_found", "message": "There is nothing at this address."}


# ---------------------------------------------------------------- the session's idle timeout

def set_idle_timeout(chromium, portal, minutes: int) -> int:
    """Set LAKESIDE's idle timeout; returns the one it had. Only sessions that start
    while it is set get it (a session keeps the timeout it began with)."""
    context = as_admin(chromium, portal)
    try:
        path = f"/api/clinics/{CLINIC}/settings"
        before = context.request.get(path).json()["settings"]["idle_timeout_minutes"]
        r = context.request.patch(path, headers=JSON_HEADERS, data=json.dumps({"idle_timeout_minutes": minutes}))
        assert r.status == 200, r.text()
        return before
    finally:
        context.close()


def test_idle_warning_stay_signed_in_and_back_after_the_session_ends(page, portal, viewport, chromium):
    before = set_idle_timeout(chromium, portal, 1)
    try:
        log_in(page, ADMIN, seed_password(ADMIN))   # this session: 1 minute without activity
    finally:
        set_idle_timeout(chromium, portal, before)
    page.goto("/staff")
    form = page.locator("#add-form")
    form.get_by_label("Username").fill("HalfTyped")
    # A warning before the end (half a minute before, for a 1-minute timeout), over the page.
    stay = page.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_visible(timeout=50_000)
    warning = page.locator(".session-warning")
    expect(warning.get_by_role("alert")).to_contain_text("signed out in less than a minute")
    assert page.evaluate(IN_VIEW, stay.element_handle())
    assert page.evaluate("document.activeElement.id") == "new-username"  # typing is not interrupted
    expect(form.get_by_label("Username")).to_have_value("HalfTyped")
    assert_accessible(page)
    with page.expect_response(lambda r: r.url.endswith("/api/me")) as info:
        stay.click()
    assert info.value.status == 200
    left = info.value.json()["session_expires_in"]
    assert 58 <= left <= 60   # the count started over
    expect(warning).to_be_hidden()
    # Then nothing for longer than the timeout: the next request meets the ended session.
    page.wait_for_timeout((left + 2) * 1000)
    form.get_by_label("First name").fill("Half")
    form.get_by_label("Last name").fill("Typed")
    form.get_by_role("checkbox", name="Clinician").check()
    with page.expect_navigation(url=re.compile(r"/\?clinicID=LAKESIDE&LoginType=Staff&next=%2Fstaff$")):
        form.get_by_label("Last name").press("Enter")   # submit (the warning is back over the foot of the page)
    expect(page).to_have_url(f"{portal}/?clinicID=LAKESIDE&LoginType=Staff")  # tidied; the way back is kept
    expect(page.locator("#login-notice")).to_have_text(
        "You were signed out after 1 minute without activity. Please log in again.")
    assert_accessible(page)
    page.get_by_label("Username").fill(ADMIN)
    page.get_by_label("Password").fill(seed_password(ADMIN))
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{portal}/staff")   # back where they were
    expect(page.get_by_role("heading", name="Staff", exact=True)).to_be_visible()


def test_after_login_only_a_path_of_the_portal_is_followed(page, portal, viewport):
    for evil in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]:
        # Leave the home first: it checks what is waiting in the background, and with its
        # cookie gone that check sends it to the login page, racing this test's own goto.
        page.goto("about:blank")
        page.context.clear_cookies()
        page.goto(f"/?clinicID={CLINIC}&LoginType=Staff&next={quote(evil, safe='')}")
        page.get_by_label("Username").fill(ADMIN)
        page.get_by_label("Password").fill(seed_password(ADMIN))
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(f"{portal}/home")
    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(f"/?clinicID={CLINIC}&LoginType=Staff&next=%2Fsettings%3Fx%3D1")
    expect(page.locator("#login-notice")).to_be_hidden()   # nothing to explain: not signed out by the timeout
    page.get_by_label("Username").fill(ADMIN)
    page.get_by_label("Password").fill(seed_password(ADMIN))
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{portal}/settings?x=1")


# ---------------------------------------------------------------- Staff: Basic Info

def test_staff_basic_info_is_editable_and_an_email_change_cancels_the_invitation(page, portal, viewport, chromium,
                                                                                  outbox, console):
    console.allow(r"status of 409 \(Conflict\)")  # the stale save at the end, on purpose
    username = unique("Info", viewport)
    old_email, new_email = f"{username.lower()}@old.example", f"{username.lower()}@new.example"
    new_staff(chromium, portal, username=username, email=old_email, send_invitation=True)
    wait_for_emails(outbox, old_email)
    log_in(page, ADMIN, seed_password(ADMIN))
    page.goto("/staff")
    row = staff_row(page, username)
    row.get_by_role("button", name="Edit basic info").click()
    edit = row.get_by_role("form", name=re.compile("^Basic info for"))
    expect(edit.get_by_label("First name")).to_have_value("Test")
    expect(edit.get_by_label("Email (optional)")).to_have_value(old_email)
    edit.get_by_label("First name").fill("Tessa")
    warning = edit.get_by_text("cancels the invitation already sent")
    expect(warning).to_be_hidden()
    edit.get_by_label("Email (optional)").fill(new_email)
    expect(warning).to_be_visible()   # said before saving
    expect(edit.get_by_label("Email (optional)")).to_have_accessible_description(re.compile("stops working"))
    assert_accessible(page)
    with page.expect_request(lambda r: r.method == "PATCH") as sent:
        edit.get_by_role("button", name="Save").click()
    assert re.fullmatch(r'"\d+"', sent.value.headers["if-match"])   # based on the revision shown
    assert sent.value.post_data_json == {"first_name": "Tessa", "email": new_email}
    row = staff_row(page, username)
    expect(row.get_by_role("status")).to_contain_text("invitation sent to the old address was cancelled")
    expect(row.get_by_role("heading", name="Tessa Person")).to_be_visible()
    expect(row).to_contain_text(new_email)
    assert_accessible(page)
    row.get_by_role("button", name="Resend invitation").click()
    expect(staff_row(page, username).get_by_role("status")).to_contain_text(f"A new invitation was sent to {new_email}")
    wait_for_emails(outbox, new_email)
    # A stale revision (someone else saved meanwhile): the row says so and shows the current values.
    context = as_admin(chromium, portal)
    try:
        r = context.request.patch(f"/api/clinics/{CLINIC}/staff/{username}", headers=JSON_HEADERS,
                                  data=json.dumps({"last_name": "Elsewhere"}))
        assert r.status == 200
    finally:
        context.close()
    row = staff_row(page, username)
    row.get_by_role("button", name="Edit basic info").click()
    row.get_by_label("Last name").fill("Mine")
    row.get_by_role("button", name="Save").click()
    row = staff_row(page, username)
    expect(row.get_by_role("alert")).to_contain_text("Someone else changed this record")
    expect(row.get_by_role("heading", name="Tessa Elsewhere")).to_be_visible()
