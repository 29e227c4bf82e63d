"""Visit summaries and test results: upload (presigned POST through moto's S3) ->
confirm -> values -> release -> the patient's list and download (presigned GET,
fetched through moto); nothing shown before release; another patient's document
never gets a link; the upload policy's limits; the home's "new results"."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.conftest import ADMIN_PW, table_items
from tests.portal_helpers import clinician, desk, patient, signed_in
from tests.sections.documents.helpers import DOCS, PDF, PP, grant_sections, policy_of, upload

VALUES = [{"test": "Hemoglobin", "value": "17.9", "unit": "g/dL", "range": "12.0-15.5", "flag": "H"},
          {"test": "Platelets", "value": "250", "unit": "10^3/uL", "range": "150-400", "flag": "N"}]


@pytest.fixture
def staff(gateway, seeded):
    return clinician(gateway)


@pytest.fixture
def ann(gateway, seeded):
    grant_sections(signed_in(gateway, "DoeJ", ADMIN_PW))
    return patient(gateway)


def audit_kinds() -> list[str]:
    return [i["kind"]["S"] for i in table_items("audit_events")]


def release(staff, doc_id):
    r = staff.post(f"{DOCS}/{doc_id}/release")
    assert r.status == 200, r.text
    return r.json()["document"]


def test_upload_release_download(staff, ann):
    import requests

    doc = upload(staff)
    assert (doc["released_at"], doc["values"], doc["size"]) == (None, [], len(PDF))
    r = staff.put(f"{DOCS}/{doc['document_id']}/values", json={"values": VALUES})
    assert r.status == 200, r.text
    # Not released: the patient's list is empty and no link is made.
    assert ann.get(f"{PP}/P100/test-results").json()["items"] == []
    r = ann.post(f"{PP}/P100/test-results/{doc['document_id']}/download")
    assert (r.status, r.json()["error"]) == (404, "document_not_found")
    assert ann.get(f"{PP}/P100/home").json()["tiles"][2]["attention"]["text"] == "Nothing new"

    released = release(staff, doc["document_id"])
    assert released["released_at"]
    home = {t["section"]: t for t in ann.get(f"{PP}/P100/home").json()["tiles"]}
    assert home["test_results"]["attention"] == {"count": 1, "text": "1 new result"}
    (item,) = ann.get(f"{PP}/P100/test-results").json()["items"]
    assert item["new"] is True and item["title"] == "Blood count"
    assert [(v["test"], v["flag"], v["flag_text"]) for v in item["values"]] == [
        ("Hemoglobin", "H", "High"), ("Platelets", "N", "Normal")]

    r = ann.post(f"{PP}/P100/test-results/{doc['document_id']}/download")
    assert r.status == 200, r.text
    link = r.json()
    query = parse_qs(urlparse(link["url"]).query)
    assert link["expires_in"] == 60 and query["X-Amz-Expires"] == ["60"]
    assert query["response-content-disposition"] == ['attachment; filename="Blood-count.pdf"']
    fetched = requests.get(link["url"], timeout=5)
    assert fetched.status_code == 200 and fetched.content == PDF
    assert fetched.headers["Content-Disposition"].startswith("attachment")
    # Opened: no longer new, and the home's count is back to nothing new; a second
    # download does not count again.
    assert ann.post(f"{PP}/P100/test-results/{doc['document_id']}/download").status == 200
    home = {t["section"]: t for t in ann.get(f"{PP}/P100/home").json()["tiles"]}
    assert home["test_results"]["attention"]["count"] == 0
    assert ann.get(f"{PP}/P100/test-results").json()["items"][0]["new"] is False
    kinds = audit_kinds()
    for kind in ("document_uploaded", "document_values_set", "document_released"):
        assert kinds.count(kind) == 1, kind
    views = [i for i in table_items("audit_events") if i["kind"]["S"] == "section_viewed"
             and i["details"]["M"]["section"]["S"] == "test_results"
             and i["actor"]["M"]["username"]["S"] == "ann@example.com"]
    # every list and download: 3 lists + 3 download attempts that showed something (2) ... counted exactly
    assert all(v["details"]["M"]["patient_id"]["S"] == "P100" for v in views)
    assert len(views) == 3 + 2


def test_released_values_cannot_change(staff, ann):
    doc = upload(staff)
    release(staff, doc["document_id"])
    r = staff.put(f"{DOCS}/{doc['document_id']}/values", json={"values": VALUES})
    assert (r.status, r.json()["error"]) == (409, "document_released")
    r = staff.post(f"{DOCS}/{doc['document_id']}/release")
    assert (r.status, r.json()["error"]) == (409, "document_released")


def test_another_patients_document_gets_no_link(gateway, staff, ann):
    ben = upload(staff, patient_id="P101", kind="visit_summary", title="Ben's visit")
    release(staff, ben["document_id"])
    before = table_items("documents"), table_items("section_counters")
    for section in ("visit-summaries", "test-results"):
        r = ann.post(f"{PP}/P100/{section}/{ben['document_id']}/download")
        assert (r.status, r.json()["error"]) == (404, "document_not_found"), r.text
        assert "amazonaws" not in r.text
    # Asking about Ben's patient id is refused outright.
    r = ann.post(f"{PP}/P101/visit-summaries/{ben['document_id']}/download")
    assert (r.status, r.json()["error"]) == (403, "no_patient_access")
    assert ann.get(f"{PP}/P100/visit-summaries").json()["items"] == []
    assert (table_items("documents"), table_items("section_counters")) == before


def test_section_decides_the_list(staff, ann):
    summary = upload(staff, kind="visit_summary", title="Visit 20 Nov")
    release(staff, summary["document_id"])
    assert ann.get(f"{PP}/P100/test-results").json()["items"] == []
    (item,) = ann.get(f"{PP}/P100/visit-summaries").json()["items"]
    assert item["title"] == "Visit 20 Nov" and "values" not in item
    # A visit summary is not downloadable through the test results section.
    r = ann.post(f"{PP}/P100/test-results/{summary['document_id']}/download")
    assert r.status == 404


def test_upload_policy_limits_type_size_and_key(staff):
    r = staff.post(DOCS + "/uploads", json={"patient_id": "P100", "content_type": "image/png"})
    assert r.status == 201, r.text
    started = r.json()
    policy = policy_of(started["upload"])
    conditions = policy["conditions"]
    key = f"SUNRISE/P100/{started['document_id']}".lower()
    assert ["content-length-range", 1, 20 * 1024 * 1024] in conditions
    assert ["eq", "$Content-Type", "image/png"] in conditions
    assert any(c == ["eq", "$key", c[2]] and c[2].lower() == key for c in conditions if isinstance(c, list))
    assert started["upload"]["fields"]["key"].lower() == key
    assert policy["expiration"]
    for bad in ("text/html", "application/x-msdownload", "image/svg+xml"):
        r = staff.post(DOCS + "/uploads", json={"patient_id": "P100", "content_type": bad})
        assert r.status == 400, bad
    r = staff.post(DOCS + "/uploads", json={"patient_id": "NOPE", "content_type": "image/png"})
    assert (r.status, r.json()["error"]) == (404, "patient_not_found")


def test_confirm_checks_the_object(staff):
    from tests.conftest import aws_client

    r = staff.post(DOCS + "/uploads", json={"patient_id": "P100", "content_type": "application/pdf"})
    started = r.json()
    body = {"document_id": started["document_id"], "patient_id": "P100", "kind": "other", "title": "Letter",
            "date": "2026-11-20"}
    r = staff.post(DOCS, json=body)
    assert (r.status, r.json()["error"]) == (400, "upload_not_found")
    # An object of a type the portal does not serve (put behind the policy's back) is refused.
    aws_client("s3").put_object(Bucket="test-documents", Key=started["upload"]["fields"]["key"], Body=b"<html>",
                                ContentType="text/html")
    r = staff.post(DOCS, json=body)
    assert (r.status, r.json()["error"]) == (400, "unsupported_file_type")
    assert table_items("documents") == []
    # Over 20 MB (moto does not enforce the POST policy; S3 does, and the HEAD checks again).
    aws_client("s3").put_object(Bucket="test-documents", Key=started["upload"]["fields"]["key"],
                                Body=b"0" * (20 * 1024 * 1024 + 1), ContentType="application/pdf")
    r = staff.post(DOCS, json=body)
    assert (r.status, r.json()["error"]) == (400, "file_too_large")
    assert table_items("documents") == []
    aws_client("s3").put_object(Bucket="test-documents", Key=started["upload"]["fields"]["key"], Body=PDF,
                                ContentType="application/pdf")
    assert staff.post(DOCS, json=body).status == 201
    r = staff.post(DOCS, json=body)
    assert (r.status, r.json()["error"]) == (409, "document_exists")
    assert len(table_items("documents")) == 1


def test_values_are_checked(staff):
    doc = upload(staff)
    for values, field in (([{"value": "1"}], "values[0].test"),
                          ([{"test": "A", "value": "1", "flag": "HIGH"}], "values[0].flag"),
                          ([{"test": "A", "value": "1", "colour": "red"}], "values[0].colour"),
                          ([VALUES[0], {"test": "B", "value": "x" * 41}], "values[1].value")):
        r = staff.put(f"{DOCS}/{doc['document_id']}/values", json={"values": values})
        assert (r.status, r.json()["error"], r.json().get("field")) == (400, "invalid_value", field), r.text
    summary = upload(staff, kind="visit_summary")
    r = staff.put(f"{DOCS}/{summary['document_id']}/values", json={"values": VALUES})
    assert (r.status, r.json()["error"]) == (400, "not_a_test_result")


def test_staff_list_per_section_is_logged(staff):
    doc = upload(staff)
    r = staff.get(f"{DOCS}?patient_id=P100&section=test_results")
    assert r.json()["patient"] == {"id": "P100", "name": "Ann Lee"}
    assert [i["document_id"] for i in r.json()["items"]] == [doc["document_id"]]
    assert r.json()["items"][0]["released_at"] is None
    assert staff.get(f"{DOCS}?patient_id=P100&section=visit_summaries").json()["items"] == []
    assert staff.get(f"{DOCS}?patient_id=P101&section=test_results").json()["items"] == []
    assert audit_kinds().count("section_viewed") == 3
    r = staff.get(f"{DOCS}?patient_id=NOPE&section=test_results")
    assert (r.status, r.json()["error"]) == (404, "patient_not_found")
    assert audit_kinds().count("section_viewed") == 3


def test_front_desk_cannot_manage_documents(gateway, seeded):
    r = desk(gateway).post(DOCS + "/uploads", json={"patient_id": "P100", "content_type": "application/pdf"})
    assert (r.status, r.json()["error"]) == (403, "forbidden")


def test_document_events_read_as_sentences():
    from chalicelib.core.audit_words import describe

    details = {"patient_id": "P100", "patient_name": "Ann Lee", "section": "test_results", "title": "Blood count"}
    text = describe("document_released", "succeeded", {"kind": "staff", "username": "PatelR", "name": "Ravi Patel"},
                    {"kind": "patient", "id": "P100"}, details)
    assert text == "Ravi Patel released “Blood count” in Ann Lee's test results"
