"""Test results and visit summaries in real Chromium, at 390x844 and 1280x800 (issue 13,
point 2): a patient sees "1 new result" on the home, the released blood count with
its high value flagged in words (not colour alone), never the result the clinic has
not released, downloads the visit summary (a PDF, as an attachment), and the home's
count clears once the result is opened. MEADOW clinic of tests/browser/seed.json
(Rosa Vega on the phone, Omar Vega on the desktop)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, seed_password
from tests.browser.test_account_pages import assert_no_horizontal_scroll, log_in


def test_a_patient_sees_a_flagged_result_and_downloads_the_summary(page, portal, viewport, tmp_path):
    person, name = ("rosa@example.com", "Rosa Vega") if viewport.mobile else ("omar@example.com", "Omar Vega")
    assert log_in(page, person, seed_password(person), login_type="Patient", clinic="MEADOW").status == 200
    expect(page).to_have_url(portal + "/home")
    expect(page.get_by_role("link", name="Test results 1 new result")).to_have_attribute("href", "/results")
    summaries = page.get_by_role("link", name="Visit summaries 1 new document")
    expect(summaries).to_have_attribute("href", "/visit-summaries")

    page.get_by_role("link", name="Test results 1 new result").click()
    expect(page.get_by_role("heading", name="Test results", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Test results for {name}.")).to_be_visible()
    results = page.get_by_role("list", name="Test results").get_by_role("listitem")
    expect(results).to_have_count(1)   # the lipid panel is not released: not here
    expect(page.get_by_text("Lipid panel")).to_have_count(0)
    result = results.first
    expect(result.get_by_role("heading", name="Complete blood count")).to_be_visible()
    expect(result.get_by_text("New", exact=True)).to_be_visible()
    table = result.get_by_role("table", name="Values of Complete blood count")
    hemoglobin = table.get_by_role("row", name="Hemoglobin")
    # The flag is words (with an arrow), so it reads without colour.
    expect(hemoglobin.get_by_role("cell").nth(2)).to_have_text("\u2191 High")
    expect(hemoglobin.get_by_role("cell").first).to_have_text("17.9 g/dL")
    expect(table.get_by_role("row", name="Platelets").get_by_role("cell").nth(2)).to_have_text("Normal")
    assert_no_horizontal_scroll(page, viewport)
    assert_accessible(page)

    with page.expect_download() as got:
        result.get_by_role("button", name="Download Complete blood count (PDF)").click()
    download = got.value
    assert download.suggested_filename == "Complete-blood-count.pdf"

    page.goto("/visit-summaries")
    expect(page.get_by_role("heading", name="Visit summaries", exact=True)).to_be_visible()
    summary = page.get_by_role("list", name="Visit summaries").get_by_role("listitem")
    expect(summary).to_have_count(1)
    expect(summary.get_by_role("heading", name="Visit summary 20 November")).to_be_visible()
    expect(summary.get_by_role("table")).to_have_count(0)
    assert_no_horizontal_scroll(page, viewport)
    with page.expect_download() as got:
        summary.get_by_role("button", name="Download Visit summary 20 November (PDF)").click()
    path = tmp_path / "summary.pdf"
    got.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-1.4") and b"Plan: blood count" in data
    assert got.value.suggested_filename == "Visit-summary-20-November.pdf"

    # Opened: the home has nothing new in either section.
    page.goto("/home")
    expect(page.get_by_role("link", name="Test results Nothing new")).to_be_visible()
    expect(page.get_by_role("link", name="Visit summaries Nothing new")).to_be_visible()


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def test_a_clinician_uploads_values_and_releases_a_result(page, portal, viewport, tmp_path):
    """The upload goes from the browser straight to the bucket (the presigned POST), then
    the values and the release; until then the page says it is not released."""
    staff, patient_id = ("MossMobile", "M703") if viewport.mobile else ("MossDesktop", "M704")
    assert log_in(page, staff, seed_password(staff), clinic="MEADOW").status == 200
    expect(page).to_have_url(portal + "/home")
    page.goto(f"/documents?patient={patient_id}")
    expect(page.get_by_role("heading", name="Documents and results")).to_be_visible()
    expect(page.get_by_text("No test results for this patient.")).to_be_visible()
    assert_no_horizontal_scroll(page, viewport)
    pdf = tmp_path / "thyroid.pdf"
    pdf.write_bytes(PDF)
    form = page.locator("#upload-form")
    form.get_by_label("File (PDF, PNG or JPEG, at most 20 MB)").set_input_files(str(pdf))
    form.get_by_label("Title").fill("Thyroid panel")
    form.get_by_label("Date of the visit or test").fill("2026-11-25")
    form.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("Uploaded \u201cThyroid panel\u201d")
    item = page.get_by_role("list", name="Test results").get_by_role("listitem")
    expect(item).to_have_count(1)
    expect(item.get_by_text("Not released")).to_be_visible()

    item.get_by_label("Test").fill("TSH")
    item.get_by_label("Result").fill("0.2")
    item.get_by_label("Unit").fill("mIU/L")
    item.get_by_label("Normal range").fill("0.4-4.0")
    item.get_by_label("Flag").select_option("L")
    item.get_by_role("button", name="Save values").click()
    expect(page.get_by_role("status")).to_contain_text("Saved the values")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("list", name="Test results").get_by_role("button", name="Release to the patient").click()
    expect(page.get_by_role("status")).to_contain_text("Released \u201cThyroid panel\u201d")
    released = page.get_by_role("list", name="Test results").get_by_role("listitem")
    expect(released.get_by_text("Released", exact=True)).to_be_visible()
    expect(released.get_by_role("row", name="TSH").get_by_role("cell").nth(2)).to_have_text("Low")
    assert_no_horizontal_scroll(page, viewport)
    assert_accessible(page)
