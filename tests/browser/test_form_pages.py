"""Forms in real Chromium, at 390x844 and 1280x800 (issue 12, point 4): a patient
opens the form the clinic asked for, meets a validation error first, saves a
draft, submits; staff see it in Submitted forms, read the answers laid out like
the form and mark it reviewed. The request comes from tests/browser/seed.json
(Nina Ferris on the phone, Theo Ferris on the desktop)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import seed_password
from tests.browser.test_account_pages import ADMIN, DESK, assert_no_horizontal_scroll, log_in, other_page, staff_home


def test_a_patient_fills_in_and_submits_a_form_and_staff_review_it(page, portal, viewport, chromium, console):
    person, name = ("nina@example.com", "Nina Ferris") if viewport.mobile else ("theo@example.com", "Theo Ferris")
    assert log_in(page, person, seed_password(person), login_type="Patient").status == 200
    expect(page).to_have_url(portal + "/home")
    page.goto("/forms")
    expect(page.get_by_role("heading", name="Forms", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Forms for {name}.")).to_be_visible()
    to_fill = page.get_by_role("list", name="To fill in").get_by_role("listitem")
    expect(to_fill).to_have_count(1)
    expect(to_fill).to_contain_text("Please fill this in before your visit.")
    assert_no_horizontal_scroll(page, viewport)
    to_fill.get_by_role("link", name="New patient intake").click()

    expect(page.get_by_role("heading", name="New patient intake")).to_be_visible()
    page.get_by_label("Your full name").fill(name)
    page.get_by_role("group", name="Do you have any allergies?").get_by_label("No").check()
    # Submitting without the date of birth: the page says which question, and sends nothing.
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/submit") else None)
    page.get_by_role("button", name="Submit").click()
    date = page.get_by_label("Date of birth")
    expect(date).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert").filter(has_text="it is required")).to_be_visible()
    assert sent == []
    assert_no_horizontal_scroll(page, viewport)

    # A draft keeps what is there; the error clears once the answer is given.
    with page.expect_response(lambda r: r.url.endswith("/draft")) as saved:
        page.get_by_role("button", name="Save draft").click()
    assert saved.value.status == 200
    expect(page.get_by_role("status").filter(has_text="Draft saved")).to_be_visible()
    date.fill("1990-03-04")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert").filter(has_text="it is required")).to_have_count(0)   # cleared
    expect(date).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("group", name="Best way to reach you (optional)").get_by_label("Email").check()
    with page.expect_response(lambda r: r.url.endswith("/submit")) as submitted:
        page.get_by_role("button", name="Submit").click()
    assert submitted.value.status == 200
    expect(page.get_by_text("was sent to the clinic")).to_be_visible()
    expect(date).to_be_hidden()
    expect(page.get_by_role("list", name="Submitted").get_by_role("listitem")).to_contain_text("New patient intake")
    expect(page.locator("#open-empty")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)

    # Staff: Submitted forms, the answers laid out like the form, Mark reviewed.
    with other_page(chromium, portal, viewport, console) as desk:
        staff_home(desk, portal, DESK)
        desk.goto("/forms-review")
        expect(desk.get_by_role("heading", name="Submitted forms")).to_be_visible()
        item = desk.get_by_role("listitem").filter(has_text=name)
        expect(item).to_contain_text("New patient intake")
        assert_no_horizontal_scroll(desk, viewport)
        item.get_by_role("button", name="Read").click()
        expect(desk.get_by_role("heading", name=f"New patient intake \u2014 {name}")).to_be_visible()
        answers = desk.locator("#detail-answers")
        expect(answers).to_contain_text("Your full name")
        expect(answers).to_contain_text(name)
        expect(answers).to_contain_text("Do you have any allergies?")
        expect(answers.locator("dd").nth(2)).to_have_text("No")
        expect(answers).to_contain_text("Email")
        assert_no_horizontal_scroll(desk, viewport)
        desk.get_by_role("button", name="Mark reviewed").click()
        expect(desk.get_by_role("status").filter(has_text="reviewed")).to_be_visible()
        expect(desk.get_by_role("listitem").filter(has_text=name)).to_have_count(0)
        desk.get_by_label("Show").select_option("reviewed")
        expect(desk.get_by_role("listitem").filter(has_text=name)).to_contain_text("reviewed")


def test_an_administrator_builds_a_form_template(page, portal, viewport):
    name = f"Travel history {viewport.name}"
    staff_home(page, portal, ADMIN)
    page.goto("/form-templates")
    expect(page.get_by_role("heading", name="Form templates")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)
    page.get_by_role("button", name="New form").click()
    page.get_by_label("Form name").fill(name)
    questions = page.locator("#t-fields > li")
    questions.nth(0).get_by_label("Question").fill("Where did you travel?")
    page.get_by_role("button", name="Add a question").click()
    second = questions.nth(1)
    second.get_by_label("Question").fill("How did you travel?")
    second.get_by_label("Kind of answer").select_option(label="One of several choices")
    second.get_by_label("Choices, one per line").fill("Plane\nTrain\nCar")
    second.get_by_label("Required").check()
    second.get_by_role("button", name="Move up").click()     # the choice comes first now
    expect(questions.nth(0).get_by_label("Question")).to_have_value("How did you travel?")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview-fields")
    expect(preview.get_by_role("group", name="How did you travel?")).to_be_visible()
    expect(preview.get_by_label("Train")).to_be_visible()
    expect(preview.get_by_label("Where did you travel? (optional)")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)
    with page.expect_response(lambda r: r.url.endswith("/form-templates") and r.request.method == "POST") as made:
        page.get_by_role("button", name="Save form").click()
    assert made.value.status == 201
    fields = made.value.json()["form_template"]["fields"]
    assert [(f["key"], f["type"], f["required"]) for f in fields] == [
        ("how_did_you_travel", "choice", True), ("where_did_you_travel", "short_text", False)]
    expect(page.get_by_role("status")).to_contain_text(f"Saved \u201c{name}\u201d.")
    expect(page.get_by_role("listitem").filter(has_text=name)).to_contain_text("2 questions")
