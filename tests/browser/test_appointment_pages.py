"""Appointments in real Chromium at 390x844 (phone, touch) and 1280x800: the front desk
books an appointment on the Schedule; the clinician's home, open in another window,
shows it under "Today's schedule" without a reload; the patient's representative sees
it on Appointments and requests another, which lands in the front desk's queue. Each
size books with a clinician of its own (QuinnMobile, QuinnDesktop of LAKESIDE) for
Milo Grant (L501), at a time late today (UTC) that no other test uses."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, seed_password
from tests.browser.test_account_pages import (
    DESK,
    assert_no_horizontal_scroll,
    assert_touch_targets,
    log_in,
    other_page,
    staff_home,
)

POLL_WAIT_MS = 25_000   # one 15 s poll of the workspace, and some


def test_front_desk_books_patient_sees_and_requests_clinician_sees_today(page, portal, viewport, chromium,
                                                                       console):
    clinician = "QuinnMobile" if viewport.mobile else "QuinnDesktop"
    rep = f"grant.{viewport.name}@example.com"
    time = "23:45" if viewport.mobile else "23:50"   # later today, UTC
    today = datetime.now(UTC).date().isoformat()
    with other_page(chromium, portal, viewport, console) as doctor, \
            other_page(chromium, portal, viewport, console) as desk:
        # The clinician's home: today's schedule, nothing booked yet for them.
        staff_home(doctor, portal, clinician)
        schedule = doctor.get_by_role("region", name="Today's schedule")
        expect(schedule).to_be_visible()
        expect(schedule.get_by_text("Nothing booked today.")).to_be_visible()
        doctor.evaluate("window.__notReloaded = true")

        # The front desk books Milo Grant with that clinician on the Schedule.
        staff_home(desk, portal, DESK)
        desk.goto("/schedule")
        expect(desk.get_by_role("heading", name="Schedule", exact=True)).to_be_visible()
        assert_no_horizontal_scroll(desk, viewport)
        desk.get_by_role("button", name="Book an appointment").click()
        desk.get_by_label("Patient ID").fill("L501")
        desk.get_by_label("Provider").nth(1).select_option(clinician)
        desk.get_by_label("Date").fill(today)
        desk.get_by_label("Start time (UTC)").fill(time)
        desk.get_by_label("Length").select_option("5")
        desk.get_by_label("Reason").fill("Ear check")
        desk.get_by_label("Location").fill("Room 4")
        assert_no_horizontal_scroll(desk, viewport)
        assert_touch_targets(desk)
        assert_accessible(desk)
        with desk.expect_response(lambda r: r.url.endswith("/appointments") and r.request.method == "POST") as info:
            desk.get_by_role("button", name="Book", exact=True).click()
        assert info.value.status == 201, info.value.text()
        expect(desk.get_by_role("status").filter(has_text="Booked Milo Grant")).to_be_visible()
        booked = desk.locator("li.record", has_text="Milo Grant").filter(has_text=time + "\u2013")
        expect(booked).to_be_visible()
        # The same time again is refused (a 409 the page expects); "Book anyway" is offered.
        console.allow(r"status of 409 ")
        desk.get_by_role("button", name="Book an appointment").click()
        desk.get_by_label("Patient ID").fill("L501")
        desk.get_by_label("Provider").nth(1).select_option(clinician)
        desk.get_by_label("Date").fill(today)
        desk.get_by_label("Start time (UTC)").fill(time)
        desk.get_by_role("button", name="Book", exact=True).click()
        expect(desk.get_by_role("alert").filter(has_text="already has an appointment")).to_be_visible()
        expect(desk.get_by_role("button", name="Book anyway")).to_be_visible()
        desk.locator("#book-form").get_by_role("button", name="Cancel", exact=True).click()

        # The clinician's home shows it without a reload.
        expect(schedule.get_by_text(re.compile(time + ".*Milo Grant.*Ear check"))).to_be_visible(
            timeout=POLL_WAIT_MS)
        assert doctor.evaluate("window.__notReloaded") is True
        assert_no_horizontal_scroll(doctor, viewport)

        # The representative sees it and asks for another appointment.
        assert log_in(page, rep, seed_password(rep), login_type="Patient").status == 200
        expect(page).to_have_url(portal + "/home")
        page.goto("/appointments?patient=L501")
        expect(page.get_by_role("heading", name="Appointments", exact=True)).to_be_visible()
        expect(page.get_by_text("Appointments for Milo Grant.")).to_be_visible()
        upcoming = page.locator("#upcoming-list li.record").filter(has_text=time + "\u2013")
        expect(upcoming).to_contain_text("UTC")
        expect(upcoming).to_contain_text("Room 4")
        assert_no_horizontal_scroll(page, viewport)
        reason = f"Vaccination ({viewport.name})"
        page.get_by_label("What is it for?").fill(reason)
        page.get_by_label("Preferred days and times (optional)").fill("Afternoons")
        page.get_by_role("button", name="Send request").click()
        expect(page.get_by_role("status").filter(has_text="Your request was sent")).to_be_visible()
        expect(page.locator("#requests-list li.record", has_text=reason)).to_contain_text("Waiting for the clinic")
        assert_touch_targets(page)

        # It waits in the front desk's queue.
        desk.goto("/appointment-requests")
        expect(desk.get_by_role("heading", name="Appointment requests")).to_be_visible()
        request = desk.locator("li.record", has_text=reason)
        expect(request).to_contain_text("Milo Grant")
        expect(request).to_contain_text("Preferred: Afternoons")
        assert_no_horizontal_scroll(desk, viewport)
