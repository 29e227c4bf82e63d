"""One login for several patients (issue 10, part 1) in real Chromium, at 390x844
and 1280x800: a parent made representative for two children in a row (one
invitation, then one "access added" email, no 409), the patient switcher on the
home page ("Viewing records of ..."), and an end date taking effect, with User
Management showing it. The accounts are made through the API with the staff
member's own browser session (the setup form itself is covered by
test_account_pages.py)."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_account_pages import (  # noqa: F401  (outbox is a fixture)
    CLINIC,
    DESK,
    STRONG_PASSWORD,
    assert_no_horizontal_scroll,
    invite_link,
    log_in,
    other_page,
    outbox,
    row,
    staff_home,
    wait_for_emails,
)

ACCOUNTS = f"/api/clinics/{CLINIC}/portal-accounts"


def staff_api(page, portal, method: str, path: str, body: dict | None = None):
    """A staff request from the signed-in page's own session (cookie and Origin)."""
    r = page.request.fetch(portal + path, method=method, data=body, headers={"Origin": portal})
    return r.status, r.json() if r.body() else None


def me(page, portal) -> dict:
    return page.request.get(portal + "/api/me").json()["principal"]


def test_a_parent_represents_two_children_and_switches_between_them(page, portal, viewport, chromium, console,
                                                                    outbox):  # noqa: F811
    rep = f"parent.{viewport.name}@example.com"
    staff_home(page, portal, DESK)
    body = {"patient_id": "L401", "username": rep, "first_name": "Rita", "last_name": "Lee",
            "access_type": "authorized_rep", "permissions": ["appointments", "forms"]}
    status, ben = staff_api(page, portal, "POST", ACCOUNTS, body)
    assert status == 201, ben
    status, cara = staff_api(page, portal, "POST", ACCOUNTS, dict(body, patient_id="L402"))
    assert status == 201 and cara["access_added"] is True, cara  # the same person: no 409
    invitation, added = wait_for_emails(outbox, rep, count=2)
    assert "/invite?token=" in invitation["text"]
    assert "another patient" in added["subject"] and "/invite?token=" not in added["text"]
    for name in ("Ben", "Cara"):
        assert name not in added["text"] and name not in invitation["text"]

    with other_page(chromium, portal, viewport, console) as person:
        person.goto(invite_link(invitation))
        person.get_by_label("New password", exact=True).fill(STRONG_PASSWORD)
        person.get_by_label("Confirm new password").fill(STRONG_PASSWORD)
        person.get_by_role("button", name="Save password").click()
        expect(person.get_by_role("heading", name="Your password is set")).to_be_visible()
        assert log_in(person, rep, STRONG_PASSWORD, login_type="Patient").status == 200
        expect(person.get_by_role("heading", name="Welcome, Rita")).to_be_visible()
        assert me(person, portal)["patient_id"] is None  # two patients: they pick
        expect(person.get_by_text("Choose whose records to view")).to_be_visible()
        picker = person.get_by_label("Whose records do you want to view?")
        expect(picker.locator("option")).to_have_text(["Ben Lee", "Cara Lee"])
        assert_no_horizontal_scroll(person, viewport)

        picker.select_option(label="Cara Lee")
        person.get_by_role("button", name="View records").click()
        expect(person.get_by_text("Viewing records of Cara Lee")).to_be_visible()
        person.reload()  # remembered for the session
        expect(person.get_by_text("Viewing records of Cara Lee")).to_be_visible()
        expect(person.get_by_label("Whose records do you want to view?")).to_have_value("L402")
        picker = person.get_by_label("Whose records do you want to view?")
        picker.select_option(label="Ben Lee")
        person.get_by_role("button", name="View records").click()
        expect(person.get_by_text("Viewing records of Ben Lee")).to_be_visible()
        assert_no_horizontal_scroll(person, viewport)

        # Ben's access ends on a date already reached: from then on only Cara is offered.
        status, reply = staff_api(page, portal, "PATCH", f"{ACCOUNTS}/{ben['account']['account_id']}",
                                  {"expires_on": "2020-01-01"})
        assert status == 200 and reply["account"]["status"] == "expired"
        r = person.request.get(portal + "/api/portal/patients/L401/form-requests")
        assert r.status == 403 and r.json()["error"] == "no_patient_access"
        assert log_in(person, rep, STRONG_PASSWORD, login_type="Patient").status == 200
        expect(person.get_by_role("heading", name="Welcome, Rita")).to_be_visible()
        assert me(person, portal)["patient_id"] == "L402"  # one working grant: no picker
        expect(person.get_by_text("Viewing records of Cara Lee")).to_be_visible()
        expect(person.get_by_label("Whose records do you want to view?")).to_be_hidden()

    page.goto(f"/portal-accounts?q={rep}")
    rows = row(page, rep)
    expect(rows).to_have_count(2)  # one row per login x patient
    expired = rows.filter(has_text="Ben Lee (L401)")
    expect(expired.locator(".badge")).to_have_text("Expired")
    expect(expired).to_contain_text(re.compile(r"Access ends\s*Ended"))
    expect(rows.filter(has_text="Cara Lee (L402)").locator(".badge")).to_have_text("Enabled")
    assert_no_horizontal_scroll(page, viewport)
