"""Two-factor authentication in real Chromium, at 390x844 (phone, touch) and
1280x800 (desktop): from home to the set-up (the QR code drawn, the key read from
the page, a code made with pyotp), the recovery codes shown once, then a login
that asks for the code; and the clinic setting that sends a person to the set-up
right after their password. Each size has its own people (the stack is shared)."""
from __future__ import annotations

import re
import time

import pyotp
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_account_pages import (
    assert_no_horizontal_scroll,
    log_in,
    outbox,  # noqa: F401 - the fixture
    wait_for_emails,
)
from tests.browser.test_recovery_pages import _new_staff


def _set_up(page, viewport) -> pyotp.TOTP:
    """On the set-up step: read the key from the page, turn 2FA on with a code, see the codes."""
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert page.evaluate("document.getElementById('setup-qr').naturalWidth") > 0   # the SVG drew
    assert_no_horizontal_scroll(page, viewport)
    key = page.get_by_label("Key (to type in instead of scanning)").input_value().replace(" ", "")
    totp = pyotp.TOTP(key)
    page.get_by_label("6-digit code from the app").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not correct")
    page.get_by_label("6-digit code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    codes = page.locator("#codes-list li")
    expect(codes).to_have_count(10)
    assert all(re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", c) for c in codes.all_inner_texts())
    expect(page.get_by_role("link", name="Download (.txt)")).to_have_attribute("href", re.compile("^blob:"))
    assert_no_horizontal_scroll(page, viewport)
    return totp


def test_set_up_from_home_then_log_in_with_a_code(page, portal, viewport, outbox):  # noqa: F811
    username = f"Totp{viewport.name.title()}"
    email = f"totp.{viewport.name}@lakeside.example"
    password = _new_staff(page.context.browser, portal, username, email)
    assert log_in(page, username, password).status == 200
    expect(page).to_have_url(portal + "/home")
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page).to_have_url(portal + "/two-factor")
    expect(page.get_by_text("Two-factor authentication is off.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Set up two-factor authentication").click()
    totp = _set_up(page, viewport)
    page.get_by_role("link", name="I have saved them").click()
    expect(page.get_by_text("Recovery codes left: 10.")).to_be_visible()
    (mail,) = wait_for_emails(outbox, email)
    assert mail["subject"].endswith("two-factor authentication is on")

    page.context.clear_cookies()
    reply = log_in(page, username, password)
    assert reply.status == 200 and reply.json()["mfa_required"] is True
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)
    page.get_by_label("6-digit code").fill(totp.at(time.time() + 30))   # the set-up's code is spent
    with page.expect_response(lambda r: r.url.endswith("/login/mfa")) as info:
        page.get_by_role("button", name="Log in").click()
    assert info.value.status == 200
    expect(page).to_have_url(portal + "/home")
    expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()


def _require_for(chromium, portal, roles):
    """Set LAKESIDE's mfa_required_roles; returns what it was (the stack is shared: put it back)."""
    from tests.browser.test_recovery_pages import _as_admin

    admin = _as_admin(chromium, portal)
    try:
        before = admin.request.get("/api/clinics/LAKESIDE/settings").json()["settings"]["mfa_required_roles"]
        r = admin.request.patch("/api/clinics/LAKESIDE/settings", headers={"Origin": portal},
                                data={"mfa_required_roles": roles})
        assert r.status == 200, r.text()
        return before
    finally:
        admin.close()


def test_a_clinic_that_requires_it_sends_the_person_to_the_set_up(page, portal, viewport, chromium):
    username = f"Forced{viewport.name.title()}"
    password = _new_staff(chromium, portal, username)   # a clinician
    before = _require_for(chromium, portal, ["clinician"])
    try:
        assert log_in(page, username, password).status == 200
        expect(page).to_have_url(portal + "/two-factor")
        expect(page.locator("#setup-required")).to_have_text(re.compile("^Your clinic requires two-factor"))
        expect(page.locator("#setup-required")).to_be_visible()
        expect(page.get_by_role("link", name="Back to home")).to_be_hidden()
        _set_up(page, viewport)
        page.get_by_role("link", name="I have saved them").click()
        expect(page.get_by_role("button", name="Turn off")).to_be_hidden()   # required: it stays on
        page.get_by_role("link", name="Back to home").click()
        expect(page).to_have_url(portal + "/home")
        expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()
    finally:
        _require_for(chromium, portal, before)
