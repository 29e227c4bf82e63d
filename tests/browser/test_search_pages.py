"""Search that finds people (issue 10, part 3) in real Chromium, at 390x844 and
1280x800: User Management finds a row by the patient's last name ("Lee"), first
name without its accent, patient id and "Last, First"; the account setup page's
patient picker finds the patient by last and first name. The patient and the
account are made through the API with the staff member's own session."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.browser.test_account_pages import CLINIC, DESK, assert_no_horizontal_scroll, row, staff_home
from tests.browser.test_grant_pages import ACCOUNTS, staff_api

FIRST = {"mobile": ("Élodie", "elodie"), "desktop": ("Maëlle", "maelle")}  # (as written, as typed)


def test_search_by_name_finds_the_row_and_the_patient(page, portal, viewport):
    first, typed = FIRST[viewport.name]
    pid, username = f"S{viewport.name[0].upper()}90", f"{typed}.parent@example.com"
    staff_home(page, portal, DESK)
    status, body = staff_api(page, portal, "POST", f"/api/clinics/{CLINIC}/patients", {
        "patient_id": pid, "first_name": first, "last_name": "Lee", "date_of_birth": "2016-04-05"})
    assert status == 201, body
    status, body = staff_api(page, portal, "POST", ACCOUNTS, {
        "patient_id": pid, "username": username, "first_name": "Nadia", "last_name": "Lee",
        "access_type": "authorized_rep", "permissions": ["appointments"]})
    assert status == 201, body

    page.goto("/portal-accounts")
    box = page.get_by_label("Search by name, patient ID or username")
    for q in ("Lee", typed.upper(), pid.lower(), f"lee, {typed[:3]}"):
        box.fill(q)
        with page.expect_response(lambda r, q=q: "/portal-accounts?" in r.url
                                  and parse_qs(urlparse(r.url).query).get("q") == [q]):
            page.get_by_role("button", name="Search", exact=True).click()
        account = row(page, username)
        expect(account).to_have_count(1)
        expect(account).to_contain_text(f"{first} Lee ({pid})")
    box.fill("Nobody-here")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="No accounts match")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)

    page.goto("/portal-accounts/setup")
    search = page.get_by_label("Search patients by name or ID")
    results = page.get_by_role("list", name="Matching patients").get_by_role("button")
    for q in ("lee", typed):
        search.fill(q)
        with page.expect_response(lambda r: "/patients?" in r.url):
            search.press("Enter")
        expect(results.filter(has_text=pid)).to_have_count(1)
    results.filter(has_text=pid).click()
    expect(page.get_by_text(f"{first} Lee (patient ID {pid})")).to_be_visible()
