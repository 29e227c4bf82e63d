"""Where you're signed in, and the adaptive CAPTCHA, in real Chromium at 390x844
(phone, touch) and 1280x800 (desktop). Each size has its own clinic of
tests/browser/seed.json (RIVERM, RIVERD: default settings, so the CAPTCHA is
asked for after 3 failed attempts): the stack is shared, and every browser here
comes from the same address."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, seed_password
from tests.browser.test_account_pages import assert_no_horizontal_scroll, log_in, other_page


def _clinic(viewport) -> tuple[str, str]:
    return ("RIVERM", "RoweMobile") if viewport.mobile else ("RIVERD", "RoweDesktop")


def test_the_sessions_page_signs_out_another_browser(page, portal, viewport, chromium, console):
    clinic, username = _clinic(viewport)
    password = seed_password(username)
    with other_page(chromium, portal, viewport, console) as them:
        assert log_in(them, username, password, clinic=clinic).status == 200
        expect(them).to_have_url(portal + "/home")

        assert log_in(page, username, password, clinic=clinic).status == 200
        expect(page).to_have_url(portal + "/home")
        page.get_by_role("link", name="Where you're signed in").click()
        expect(page).to_have_url(portal + "/sessions")
        expect(page.get_by_role("heading", name="Where you're signed in")).to_be_visible()
        rows = page.locator("li.session-row")
        expect(rows).to_have_count(2)
        expect(page.locator("li.session-row[data-this-device=yes]")).to_contain_text("(this device)")
        expect(rows.first).to_contain_text(re.compile(r"Chrom\w* \d+ on "))
        expect(rows.first).to_contain_text("Last used just now")
        assert_no_horizontal_scroll(page, viewport)

        other = page.locator("li.session-row[data-this-device=no]")
        with page.expect_response(lambda r: r.request.method == "DELETE") as info:
            other.get_by_role("button", name=re.compile("^Sign out")).click()
        assert info.value.status == 204
        expect(page.get_by_role("status").filter(has_text="is signed out")).to_be_visible()
        expect(rows).to_have_count(1)
        expect(page.get_by_role("button", name="Sign out everywhere else")).to_be_hidden()
        assert_accessible(page)

        # The other browser is signed out: its next page load goes to the login page.
        them.goto("/home")
        expect(them).to_have_url(re.compile(r"/\?clinicID=" + clinic))
        # This one is not.
        page.goto("/home")
        expect(page.get_by_role("heading", name=re.compile("^Welcome"))).to_be_visible()


def test_sign_out_everywhere_else(page, portal, viewport, chromium, console):
    clinic, username = _clinic(viewport)
    password = seed_password(username)
    with other_page(chromium, portal, viewport, console) as them:
        assert log_in(them, username, password, clinic=clinic).status == 200
        assert log_in(page, username, password, clinic=clinic).status == 200
        expect(page).to_have_url(portal + "/home")
        page.goto("/sessions")
        page.get_by_role("button", name="Sign out everywhere else").click()
        expect(page.get_by_role("status").filter(has_text="signed out")).to_be_visible()
        expect(page.locator("li.session-row")).to_have_count(1)
        them.goto("/home")
        expect(them).to_have_url(re.compile(r"/\?clinicID=" + clinic))


def test_the_captcha_appears_after_three_failed_attempts(page, portal, viewport, chromium, console):
    clinic, username = _clinic(viewport)
    captcha = page.get_by_label("I'm not a robot")
    for attempt in range(3):
        assert log_in(page, f"Nobody{viewport.name}", f"wrong-{attempt}", clinic=clinic).status == 401
        if attempt < 2:
            expect(captcha).to_be_hidden()
    # The third failure asks for the check, in the same plain-words message.
    expect(captcha).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Incorrect username or password")
    expect(page.get_by_role("alert")).to_contain_text("tick the \"I'm not a robot\" box")
    assert_no_horizontal_scroll(page, viewport)

    # A fresh load of the login page from this address shows it from the start.
    page.goto(f"/?clinicID={clinic}&LoginType=Staff")
    expect(captcha).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(seed_password(username))
    with page.expect_response(lambda r: r.url.endswith("/captcha/local-token")):
        captcha.check()
    with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as info:
        page.get_by_role("button", name="Log in").click()
    assert info.value.status == 200
    expect(page).to_have_url(portal + "/home")
