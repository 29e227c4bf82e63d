"""Secure messages in real Chromium at 390x844 (phone, touch) and 1280x800: a
patient reads the clinic's reply and answers it; the staff member, whose inbox and
home are open in other windows, sees the new message arrive in both without reloading. Each size
has its own patient and staff member of HARBOR (tests/browser/seed.json), whose
conversation is assigned to that staff member and ends with an unread reply."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import seed_password
from tests.browser.test_account_pages import assert_no_horizontal_scroll, log_in, other_page

CLINIC = "HARBOR"
REPLY = "Yes, rest it for two days. <b>Ice</b> helps too."


def _people(viewport) -> tuple[str, str]:
    return (("hana.mobile@example.com", "WellsMobile") if viewport.mobile
            else ("hana.desktop@example.com", "WellsDesktop"))


def test_a_patient_reads_a_reply_and_answers_and_the_inbox_sees_it(page, portal, viewport, chromium, console):
    patient, staff = _people(viewport)
    with other_page(chromium, portal, viewport, console) as desk, \
            other_page(chromium, portal, viewport, console) as home:
        # The same staff member's home, in another window: "Waiting for you".
        assert log_in(home, staff, seed_password(staff), clinic=CLINIC).status == 200
        expect(home).to_have_url(portal + "/home")
        waiting = home.get_by_role("region", name="Waiting for you")
        assigned = waiting.get_by_role("link", name=re.compile("^Assigned to you, unread"))
        expect(assigned).to_have_accessible_name(re.compile(r": Nothing waiting$"))
        home.evaluate("window.__notReloaded = true")

        # The staff member opens their inbox: the conversation is theirs, nothing unread.
        assert log_in(desk, staff, seed_password(staff), clinic=CLINIC).status == 200
        expect(desk).to_have_url(portal + "/home")
        desk.goto("/inbox")
        expect(desk.get_by_role("heading", name="Messages inbox")).to_be_visible()
        mine = desk.get_by_role("tab", name=re.compile("^Assigned to me"))
        expect(mine).to_contain_text("(0 unread)")
        mine.click()
        row = desk.locator(".conversation-row", has_text="Knee after running")
        expect(row).to_be_visible()
        expect(row).not_to_contain_text("Unread")
        assert_no_horizontal_scroll(desk, viewport)

        # The patient sees the unread reply, reads it as plain text and answers.
        assert log_in(page, patient, seed_password(patient), login_type="Patient", clinic=CLINIC).status == 200
        expect(page).to_have_url(portal + "/home")
        page.goto("/messages")
        expect(page.get_by_role("heading", name="Messages")).to_be_visible()
        item = page.locator(".conversation-row", has_text="Knee after running")
        expect(item).to_contain_text("New reply")
        assert_no_horizontal_scroll(page, viewport)
        item.click()
        expect(page.get_by_role("heading", name="Knee after running")).to_be_visible()
        bubbles = page.locator("#thread li")
        expect(bubbles).to_have_count(2)
        expect(bubbles.nth(1)).to_contain_text(REPLY)          # the markup is shown as text ...
        expect(page.locator("#thread b")).to_have_count(0)     # ... never rendered
        expect(bubbles.nth(0)).to_contain_text("Read by the clinic")
        assert_no_horizontal_scroll(page, viewport)
        page.get_by_label("Your reply").fill("Thanks, I will. It feels better already.")
        with page.expect_response(lambda r: r.url.endswith("/replies") and r.request.method == "POST") as info:
            page.get_by_role("button", name="Send reply").click()
        assert info.value.status == 201
        expect(page.get_by_role("status").filter(has_text="Your reply was sent.")).to_be_visible()
        expect(bubbles).to_have_count(3)
        expect(bubbles.nth(2)).to_contain_text("Not read yet")
        page.get_by_role("button", name="All messages").click()
        expect(item).not_to_contain_text("New reply")

        # The inbox and the home notice by themselves (a poll every 12 and 15 seconds), without a reload.
        expect(mine).to_contain_text("(1 unread)", timeout=30_000)
        expect(assigned).to_have_accessible_name(re.compile(r": 1 conversation$"), timeout=30_000)
        expect(assigned.locator(".waiting__count")).to_have_text("1")
        assert home.evaluate("window.__notReloaded") is True
        expect(row).to_contain_text("Unread", timeout=15_000)
        row.click()
        expect(desk.locator("#thread li").nth(2)).to_contain_text("It feels better already.")
        assert_no_horizontal_scroll(desk, viewport)
        desk.get_by_role("button", name="Back to the inbox").click()
        expect(mine).to_contain_text("(0 unread)")   # opening it marked it read
        expect(row).not_to_contain_text("Unread")
        expect(assigned).to_have_accessible_name(re.compile(r": Nothing waiting$"), timeout=30_000)
