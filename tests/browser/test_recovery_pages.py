"""Forgot password and unlock in real Chromium, at 390x844 (phone, touch) and
1280x800 (desktop): from the login page's "Forgot password?" to the emailed
link, a new password and a login with it; and an administrator unlocking a
locked staff member from the Staff page. Each size has its own people (created
through the API as the LAKESIDE administrator): the stack is shared."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, seed_password
from tests.browser.test_account_pages import (
    CLINIC,
    assert_no_horizontal_scroll,
    log_in,
    other_page,
    outbox,  # noqa: F401 - the fixture
    staff_home,
    wait_for_emails,
)

ADMIN = "HaleJ"
NEW_PASSWORD = "amber-quarry-nimbus-4821"


def _as_admin(chromium, portal):
    """An API client signed in as the clinic's administrator (state-changing calls carry our Origin)."""
    context = chromium.new_context(base_url=portal)
    r = context.request.post(f"/api/clinics/{CLINIC}/login", headers={"Origin": portal},
                             data={"login_type": "staff", "username": ADMIN, "password": seed_password(ADMIN)})
    assert r.status == 200, r.text()
    return context


def _new_staff(chromium, portal, username: str, email: str | None = None) -> str:
    """A staff member with a password of their own (no forced change); returns the password."""
    admin = _as_admin(chromium, portal)
    try:
        body = {"username": username, "first_name": "Robin", "last_name": "Vale", "roles": ["clinician"],
                "force_password_change": False}
        if email:
            body["email"] = email
        r = admin.request.post(f"/api/clinics/{CLINIC}/staff", headers={"Origin": portal}, data=body)
        assert r.status == 201, r.text()
        return r.json()["credentials"]["temporary_password"]
    finally:
        admin.close()


def test_forgot_password_from_the_login_page_to_a_new_password(page, portal, viewport, outbox):  # noqa: F811

    username = f"Forgot{viewport.name.title()}"
    email = f"forgot.{viewport.name}@lakeside.example"
    old = _new_staff(page.context.browser, portal, username, email)

    page.goto(f"/?clinicID={CLINIC}&LoginType=Staff")
    page.get_by_role("link", name="Forgot password?").click()
    expect(page).to_have_url(re.compile(r"/forgot\?clinicID=LAKESIDE&LoginType=Staff$"))
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    expect(page.get_by_role("heading", name="Forgot your username?")).to_be_visible()   # staff only
    assert_no_horizontal_scroll(page, viewport)
    page.get_by_label("Staff username").fill(username)
    with page.expect_response(lambda r: r.url.endswith("/password/forgot")) as info:
        page.get_by_role("button", name="Email me a link").click()
    assert info.value.status == 202
    expect(page.get_by_role("status").filter(has_text="a link to choose a new password is on its way")) \
        .to_be_visible()
    assert_accessible(page)

    (mail,) = wait_for_emails(outbox, email)
    link = re.search(r"https?://\S+/reset\?token=\S+", mail["text"]).group(0)
    page.goto(link)
    expect(page).to_have_url(portal + "/reset")                      # the token left the address bar
    expect(page.get_by_text(username, exact=True)).to_be_visible()
    expect(page.locator("#new-password-help")).to_contain_text("at least 12 characters")   # the rules, up front
    assert_no_horizontal_scroll(page, viewport)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Confirm new password").fill("short")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("alert")).to_contain_text("12")          # the policy; the link still works
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="Your password has been changed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Go to Staff Login").click()

    assert log_in(page, username, old).status == 401
    assert log_in(page, username, NEW_PASSWORD).status == 200
    expect(page).to_have_url(portal + "/home")


def test_patients_find_forgot_password_on_their_tab_too(page, portal, viewport):
    page.goto(f"/?clinicID={CLINIC}&LoginType=Patient")
    page.get_by_role("link", name="Forgot password?").click()
    expect(page).to_have_url(re.compile(r"/forgot\?clinicID=LAKESIDE&LoginType=Patient$"))
    expect(page.get_by_role("heading", name="Forgot your username?")).to_be_hidden()
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your username")
    assert_no_horizontal_scroll(page, viewport)


def test_change_password_from_home(page, portal, viewport):
    username = f"Change{viewport.name.title()}L"
    old = _new_staff(page.context.browser, portal, username)
    assert log_in(page, username, old).status == 200
    expect(page).to_have_url(portal + "/home")
    page.get_by_role("link", name="Change password").click()
    expect(page).to_have_url(portal + "/password")
    expect(page.locator("#new-password-help")).to_contain_text("at least 12 characters")
    assert_no_horizontal_scroll(page, viewport)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_label("Current password").fill(old)
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("heading", name="Your password has been changed")).to_be_visible()
    assert_accessible(page)


def test_an_administrator_unlocks_a_locked_staff_member(page, portal, viewport, chromium, console):
    username = f"Unlock{viewport.name.title()}"
    password = _new_staff(chromium, portal, username)
    with other_page(chromium, portal, viewport, console) as them:
        for attempt in range(5):
            assert log_in(them, username, f"wrong-password-{attempt}").status == 401
        assert log_in(them, username, password).status == 429
        expect(them.get_by_role("alert")).to_contain_text("ask your clinic's administrator to unlock it")

        staff_home(page, portal, ADMIN)
        page.goto("/staff")
        row = page.locator("li.record", has=page.get_by_role("heading", name="Robin Vale")) \
            .filter(has_text=username)
        expect(row.get_by_text(re.compile(r"^Locked until \d"))).to_be_visible()
        assert_no_horizontal_scroll(page, viewport)
        with page.expect_response(lambda r: r.url.endswith("/unlock")) as info:
            row.get_by_role("button", name="Unlock").click()
        assert info.value.status == 200
        row = page.locator("li.record").filter(has_text=username)
        expect(row.get_by_role("status")).to_contain_text("can log in again now")
        expect(row.get_by_text(re.compile(r"^Locked until"))).to_have_count(0)
        expect(row.get_by_role("button", name="Unlock")).to_have_count(0)
        assert_accessible(page)

        assert log_in(them, username, password).status == 200
