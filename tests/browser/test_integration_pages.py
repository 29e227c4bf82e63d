"""Integrations in real Chromium, at 390x844 and 1280x800: an administrator creates
an EHR key with a scope, sees it once and copies it, the key writes a patient, then
the administrator revokes it and the key is refused."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_account_pages import ADMIN, assert_no_horizontal_scroll, staff_home

PATIENT = {"familyName": "Rivera", "givenName": "Lucia", "birthDate": "1984-07-09"}


def test_an_administrator_creates_a_key_sees_it_once_and_revokes_it(page, portal, viewport):
    staff_home(page, portal, ADMIN)
    page.get_by_role("navigation", name="Staff tools").get_by_role("link", name="Integrations").click()
    expect(page).to_have_url(portal + "/integrations")
    expect(page.get_by_role("heading", name="Integrations", exact=True)).to_be_visible()
    # Every scope is shown; a wired one can be chosen (one not wired yet would be disabled).
    expect(page.get_by_label("Patients (demographics)")).to_be_checked()
    expect(page.get_by_label("Appointments")).to_be_enabled()
    expect(page.get_by_label("Appointments")).not_to_be_checked()
    assert_no_horizontal_scroll(page, viewport)

    name = f"EHR {viewport.name}"
    page.get_by_label("Name", exact=True).fill(name)
    with page.expect_response(lambda r: r.url.endswith("/integration-keys") and r.request.method == "POST") as made:
        page.get_by_role("button", name="Create key").click()
    assert made.value.status == 201
    key = page.get_by_label(f"Key for {name}")
    expect(key).to_be_visible()
    secret = key.input_value()
    assert secret.startswith("cpk_") and secret == made.value.json()["key"]
    expect(page.get_by_role("heading", name="Copy the new key now")).to_be_focused()
    page.get_by_role("button", name="Copy the key").click()
    expect(page.get_by_role("status").filter(has_text="Cop")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)
    page.get_by_role("button", name="I have stored it").click()
    expect(key).to_be_hidden()
    assert secret not in page.content()

    # The key writes a patient (a server's call: the bearer key, no cookie needed).
    url = f"{portal}/api/integration/v1/patients/EHR-{viewport.name.upper()}"
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    assert page.request.put(url, headers=headers, data=PATIENT).status == 201

    # Listed once, never with its secret again; after a reload too.
    page.reload()
    item = page.get_by_role("listitem").filter(has_text=name)
    expect(item).to_contain_text("Active")
    expect(item).to_contain_text("Writes: Patients (demographics)")
    assert secret not in page.content()
    item.get_by_role("button", name=f"Revoke {name}").click()
    with page.expect_response(lambda r: r.url.endswith("/revoke")) as revoked:
        page.get_by_role("button", name="Revoke key").click()
    assert revoked.value.status == 200
    expect(page.get_by_role("status").filter(has_text=f"{name} is revoked.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=name)).to_contain_text("Revoked")
    assert_no_horizontal_scroll(page, viewport)
    assert page.request.put(url, headers=headers, data=PATIENT).status == 401
