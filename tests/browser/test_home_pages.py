"""The homes (issue 12, points 2 and 5) in real Chromium at 390x844 and 1280x800: a
representative switches child and sees only that child's permitted tiles; a tile's
count changes without a reload when staff request a form (the page polls every 15 s
with If-None-Match and X-Portal-Background: 1, and a 304 changes nothing); the staff
member's "Waiting for you" lists what their permissions open, refreshed the same way."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import seed_password
from tests.browser.test_account_pages import (
    CLINIC,
    DESK,
    assert_no_horizontal_scroll,
    log_in,
    other_page,
    staff_home,
)
from tests.browser.test_grant_pages import staff_api

ACCOUNTS = f"/api/clinics/{CLINIC}/portal-accounts"
POLL_WAIT_MS = 20_000   # one 15 s poll, and some


def tile_sections(page) -> list[str]:
    return page.locator("#tiles a.tile").evaluate_all("(els) => els.map((e) => e.dataset.section)")


def test_a_representative_switches_child_and_sees_only_the_permitted_tiles(page, portal, viewport, chromium,
                                                                          console):
    rep = f"grant.{viewport.name}@example.com"
    assert log_in(page, rep, seed_password(rep), login_type="Patient").status == 200
    expect(page.get_by_role("heading", name="Welcome, Jo")).to_be_visible()
    picker = page.get_by_label("Whose records do you want to view?")
    expect(picker.locator("option")).to_have_text(["Milo Grant", "Nora Grant"])

    picker.select_option(label="Milo Grant")
    page.get_by_role("button", name="View records").click()
    expect(page.get_by_text("Viewing records of Milo Grant")).to_be_visible()
    expect(page.get_by_role("heading", name="Milo Grant's records")).to_be_visible()
    messages = page.get_by_role("link", name="Messages Nothing new")
    expect(messages).to_have_attribute("href", "/messages")
    expect(page.get_by_role("link", name="Forms Nothing new")).to_have_attribute("href", "/forms")
    expect(page.get_by_role("link", name=re.compile("^Appointments "))).to_have_attribute("href", "/appointments")
    assert tile_sections(page) == ["appointments", "messages", "forms"]
    expect(page.get_by_text("Not available in the portal yet")).to_be_hidden()
    assert_no_horizontal_scroll(page, viewport)
    boxes = [page.locator("#tiles a.tile").nth(i).bounding_box() for i in range(2)]
    if viewport.mobile:   # one column on a phone: the tiles stacked, full width
        assert boxes[1]["y"] > boxes[0]["y"] + boxes[0]["height"] - 1 and boxes[0]["x"] == boxes[1]["x"]
    else:                 # a grid on a desktop: side by side
        assert boxes[0]["y"] == boxes[1]["y"] and boxes[1]["x"] > boxes[0]["x"]

    picker.select_option(label="Nora Grant")
    page.get_by_role("button", name="View records").click()
    expect(page.get_by_text("Viewing records of Nora Grant")).to_be_visible()
    expect(page.get_by_role("heading", name="Nora Grant's records")).to_be_visible()
    expect(page.locator("#tiles a.tile")).to_have_count(1)   # Forms only: no Messages for Nora
    assert tile_sections(page) == ["forms"]
    expect(page.get_by_text("Not available in the portal yet")).to_be_hidden()
    assert_no_horizontal_scroll(page, viewport)

    # Staff request a form of Nora's row: her Forms tile says so without a reload.
    with other_page(chromium, portal, viewport, console) as staff:
        staff_home(staff, portal, DESK)
        status, found = staff_api(staff, portal, "GET", f"{ACCOUNTS}?q={rep}")
        assert status == 200, found
        (nora,) = [i for i in found["items"] if i["patient"]["patient_id"] == "L502"]
        polls = []
        page.on("request", lambda r: polls.append(r) if r.url.endswith("/L502/home") else None)
        status, templates = staff_api(staff, portal, "GET", "/api/clinics/LAKESIDE/form-templates")
        assert status == 200, templates
        (consent,) = [t for t in templates["items"] if t["name"] == "Consent to treat"]
        status, made = staff_api(staff, portal, "POST", f"{ACCOUNTS}/{nora['account_id']}/form-requests",
                                 {"template_id": consent["template_id"]})
        assert status == 201, made
    page.evaluate("window.__notReloaded = true")
    forms = page.get_by_role("link", name="Forms 1 form to fill in")
    expect(forms).to_be_visible(timeout=POLL_WAIT_MS)
    expect(forms.locator(".tile__badge")).to_have_text("1")
    assert page.evaluate("window.__notReloaded") is True   # the same page: no reload
    background = [r for r in polls if r.headers.get("x-portal-background") == "1"]
    assert background and background[-1].headers.get("if-none-match", "").startswith('W/"')
    assert_no_horizontal_scroll(page, viewport)


def test_the_staff_workspace_lists_what_is_waiting_and_keeps_checking(page, portal, viewport):
    staff_home(page, portal, DESK)
    waiting = page.get_by_role("region", name="Waiting for you")
    expect(waiting).to_be_visible()
    links = waiting.get_by_role("link")
    expect(links).to_have_count(5)
    expect(links.nth(0)).to_have_accessible_name(re.compile(r"^Unassigned conversations waiting ?: Nothing waiting$"))
    expect(links.nth(0)).to_have_attribute("href", "/inbox?box=unassigned")
    expect(links.nth(1)).to_have_attribute("href", "/inbox?box=mine")
    expect(waiting.get_by_role("link", name="Forms awaiting review")).to_have_attribute("href", "/forms-review")
    expect(waiting.get_by_role("link", name=re.compile("^Appointment requests waiting"))).to_have_attribute(
        "href", "/appointment-requests")
    expect(waiting.get_by_role("link", name="Refill requests waiting")).to_have_attribute("href", "/refill-requests")
    # Above the tool links.
    tools = page.get_by_role("navigation", name="Staff tools")
    assert waiting.bounding_box()["y"] < tools.bounding_box()["y"]
    assert_no_horizontal_scroll(page, viewport)

    # The next poll asks "has anything changed?" and is answered 304; the list stays, and
    # the poll is not the person's activity (the idle watch does not hear of it).
    page.evaluate("""() => { window.__activity = 0;
      window.addEventListener("portal:api", () => { window.__activity += 1; }); }""")
    with page.expect_response(lambda r: r.url.endswith(f"/api/clinics/{CLINIC}/workspace")
                              and r.request.headers.get("if-none-match") is not None,
                              timeout=POLL_WAIT_MS) as info:
        page.evaluate("window.dispatchEvent(new Event('focus'))")   # coming back to the tab checks at once
    reply = info.value
    assert reply.status == 304 and reply.request.headers.get("x-portal-background") == "1"
    expect(links).to_have_count(5)
    assert page.evaluate("window.__activity") == 0

    # The session ends (here: logged out from another tab): the next check goes to the login page.
    assert page.request.post(portal + "/api/logout", headers={"Origin": portal}).ok
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(page).to_have_url(re.compile(r"/\?clinicID=" + CLINIC + r"&LoginType=Staff(&|$)"))
    expect(page.get_by_role("tab", name="Staff Login")).to_have_attribute("aria-selected", "true")
