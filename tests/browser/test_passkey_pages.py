"""Passkeys in real Chromium at 390x844 (a phone, touch), with the DevTools WebAuthn
virtual authenticator (CTAP2, internal transport, resident keys, user verification)
standing in for the phone's Face ID: from home to the Passkeys page, a passkey added
and named, logged out, then signed in again with "Sign in with a passkey" and no
password typed; then renamed and removed on the page. The stack is opened as
http://localhost:PORT (browsers refuse an IP address as the relying party id)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS
from tests.browser.test_account_pages import (
    ADMIN,
    CLINIC,
    assert_no_horizontal_scroll,
    log_in,
    other_page,
    staff_home,
)
from tests.browser.test_recovery_pages import _new_staff

PHONE = next(v for v in VIEWPORTS if (v.width, v.height) == (390, 844))


def _virtual_authenticator(page) -> tuple[object, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    made = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True}})
    return cdp, made["authenticatorId"]


@pytest.mark.parametrize("viewport", [PHONE], ids=[PHONE.name], indirect=True)
def test_add_a_passkey_then_sign_in_with_it_and_no_password(page, portal, viewport):
    assert portal.startswith("http://localhost:"), portal
    username = "PasskeyP"
    password = _new_staff(page.context.browser, portal, username, "passkey.phone@lakeside.example")
    cdp, authenticator = _virtual_authenticator(page)

    assert log_in(page, username, password).status == 200
    expect(page).to_have_url(portal + "/home")
    page.get_by_role("link", name="Passkeys").click()
    expect(page).to_have_url(portal + "/passkeys")
    expect(page.get_by_text("You have no passkeys yet.")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)

    # Just logged in: no second check is asked for; name it, then the device's own dialog.
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_label("Name it, so you know which device it is").fill("Robin's phone")
    assert_no_horizontal_scroll(page, viewport)
    with page.expect_response(lambda r: r.url.endswith("/api/me/passkeys") and r.request.method == "POST") as added:
        page.get_by_role("button", name="Continue").click()
    assert added.value.status == 201, added.value.text()
    expect(page.get_by_text("Passkey added: Robin's phone.")).to_be_visible()
    expect(page.locator("#passkey-list li")).to_have_count(1)
    expect(page.get_by_role("button", name="Remove Robin's phone")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"] is True
    assert credentials[0]["rpId"] == "localhost"

    # Log out, then back in with the passkey: the username and password fields stay empty.
    page.goto("/home")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(lambda url: not url.endswith("/home"))   # logging out leads to the login page
    page.goto(f"/?clinicID={CLINIC}&LoginType=Staff")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)
    with page.expect_response(lambda r: r.url.endswith("/login/passkey") and r.request.method == "POST") as signed:
        page.get_by_role("button", name="Sign in with a passkey").click()
    assert signed.value.status == 200, signed.value.text()
    expect(page).to_have_url(portal + "/home")
    assert page.evaluate("fetch('/api/me').then(r => r.json())")["principal"]["username"] == username
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert credentials[0]["signCount"] >= 1

    # The list says it was used; rename it, then remove it.
    page.goto("/passkeys")
    expect(page.locator("#passkey-list li")).not_to_contain_text("last used never")
    page.get_by_role("button", name="Rename Robin's phone").click()
    page.get_by_label("New name").fill("Work phone")
    assert_no_horizontal_scroll(page, viewport)
    page.get_by_role("button", name="Save name").click()
    expect(page.get_by_text("The passkey is now called Work phone.")).to_be_visible()
    page.get_by_role("button", name="Remove Work phone").click()
    expect(page.get_by_text("Remove Work phone? It will no longer sign you in.")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)
    page.get_by_role("button", name="Remove", exact=True).click()
    expect(page.get_by_text("Work phone is removed.")).to_be_visible()
    expect(page.get_by_text("You have no passkeys yet.")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE], ids=[PHONE.name], indirect=True)
def test_the_login_page_offers_passkeys_in_the_username_autofill(page, portal, viewport):
    page.goto(f"/?clinicID={CLINIC}&LoginType=Patient")
    expect(page.get_by_label("Username")).to_have_attribute("autocomplete", "username webauthn")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE], ids=[PHONE.name], indirect=True)
def test_an_administrator_removes_a_lost_phones_passkeys(page, portal, viewport, chromium, console):
    """The Staff page shows how many passkeys a person has; "Remove all passkeys" ends
    them (the person's own device can no longer sign in)."""
    username = "LostphoneP"
    password = _new_staff(page.context.browser, portal, username, "lost.phone@lakeside.example")
    cdp, authenticator = _virtual_authenticator(page)
    assert log_in(page, username, password).status == 200
    page.goto("/passkeys")
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_label("Name it, so you know which device it is").fill("Old phone")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Passkey added: Old phone.")).to_be_visible()

    with other_page(chromium, portal, viewport, console) as admin:
        staff_home(admin, portal, ADMIN)
        admin.goto("/staff")
        member = admin.locator("li.record").filter(has_text=username + " · ")
        expect(member).to_contain_text("1 passkey")
        member.get_by_role("button", name="Remove all passkeys").click()
        expect(member.get_by_role("status")).to_contain_text("Every passkey of")
        expect(member).to_contain_text("None")
        expect(member.get_by_role("button", name="Remove all passkeys")).to_have_count(0)
        assert_no_horizontal_scroll(admin, viewport)

    # The phone still holds the credential, but it no longer signs in.
    page.goto("/home")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(lambda url: not url.endswith("/home"))   # logging out leads to the login page
    page.goto(f"/?clinicID={CLINIC}&LoginType=Staff")
    with page.expect_response(lambda r: r.url.endswith("/login/passkey") and r.request.method == "POST") as refused:
        page.get_by_role("button", name="Sign in with a passkey").click()
    assert refused.value.status == 401
    expect(page.locator("#passkey-error")).to_contain_text("That passkey did not work here")
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
