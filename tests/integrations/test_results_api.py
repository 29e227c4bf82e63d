"""The `results` resource: a test result or visit summary with its file, written by the
server to the documents bucket and then as the Documents section's record (released
when final), idempotent, scoped, and never leaving a record without its file."""
from __future__ import annotations

import base64

import pytest

from tests.conftest import LAKE_PW, aws_client, login, table_items
from tests.integrations.ehr_samples import PNG, form, result
from tests.integrations.helpers import Ehr, audit_kinds, ehr, new_key
from tests.sections.documents.helpers import PDF, PP, grant_sections

DOCS = "/api/clinics/SUNRISE/documents"


@pytest.fixture
def client(admin, gateway):
    return ehr(gateway, admin, scopes=("results",))


def put(client, eid, body):
    return client.put(eid, body, resource="results")


def objects() -> dict[str, bytes]:
    from chalicelib.core.settings import get_settings

    s3, bucket = aws_client("s3"), get_settings().documents_bucket
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {k: s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


def staff_list(admin, section="test_results"):
    r = admin.get(f"{DOCS}?patient_id=P100&section={section}")
    assert r.status == 200, r.text
    return r.json()["items"]


def ann(admin, gateway):
    from tests.portal_helpers import patient

    grant_sections(admin)
    return patient(gateway)


def test_a_final_result_is_stored_and_released_to_the_patient(admin, gateway, client):
    import requests

    r = put(client, "LAB-1", result(status="final"))
    assert r.status == 201, r.text
    doc_id = r.json()["id"]
    (doc,) = table_items("documents")
    assert doc["object_key"]["S"] == f"sunrise/P100/{doc_id}"   # the staff upload's layout
    assert objects() == {f"sunrise/P100/{doc_id}": PDF}
    assert doc["author"]["S"] == "Quest Diagnostics" and doc["content_type"]["S"] == "application/pdf"
    patient = ann(admin, gateway)
    home = {t["section"]: t for t in patient.get(f"{PP}/P100/home").json()["tiles"]}
    assert home["test_results"]["attention"] == {"count": 1, "text": "1 new result"}
    (item,) = patient.get(f"{PP}/P100/test-results").json()["items"]
    assert item["title"] == "Blood count"
    assert [(v["test"], v["range"], v["flag_text"]) for v in item["values"]] == [("Hemoglobin", "12.0-15.5", "High")]
    link = patient.post(f"{PP}/P100/test-results/{doc_id}/download").json()["url"]
    assert requests.get(link, timeout=5).content == PDF
    kinds = audit_kinds()
    assert kinds.count("document_uploaded") == 1 and kinds.count("document_released") == 1
    released = [i for i in table_items("audit_events") if i["kind"]["S"] == "document_released"][0]
    assert released["actor"]["M"]["kind"]["S"] == "integration_key"
    assert released["details"]["M"]["external_id"]["S"] == "LAB-1"
    assert "17.9" not in repr(table_items("audit_events"))


def test_a_preliminary_result_waits_for_staff(admin, gateway, client):
    r = put(client, "LAB-2", result(category="visit_summary", title="Visit 20 Nov", observations=None,
                                    presentedForm=form(PNG, "image/png")))
    assert r.status == 201, r.text
    (item,) = staff_list(admin, "visit_summaries")
    assert item["released_at"] is None and item["content_type"] == "image/png"
    patient = ann(admin, gateway)
    assert patient.get(f"{PP}/P100/visit-summaries").json()["items"] == []
    # Staff release it as they do an upload.
    assert admin.post(f"{DOCS}/{r.json()['id']}/release").status == 200
    assert len(patient.get(f"{PP}/P100/visit-summaries").json()["items"]) == 1
    # The EHR later says final with the same content: nothing changes, no 409.
    again = put(client, "LAB-2", result(category="visit_summary", title="Visit 20 Nov", observations=None,
                                        presentedForm=form(PNG, "image/png"), status="final"))
    assert again.status == 200 and again.json()["result"] == "updated"
    assert audit_kinds().count("document_released") == 1


def test_the_same_body_twice_writes_once(client):
    assert put(client, "LAB-3", result()).status == 201
    before, files, kinds = table_items("documents"), objects(), audit_kinds()
    again = put(client, "LAB-3", result(title="  Blood count "))
    assert again.status == 200 and again.json()["result"] == "unchanged" and again.json()["version"] == 1
    assert table_items("documents") == before and objects() == files and audit_kinds() == kinds


def test_a_change_before_release_replaces_the_document_and_its_file(admin, client):
    first = put(client, "LAB-4", result()).json()
    old_key = table_items("documents")[0]["object_key"]["S"]
    new_pdf = PDF + b"% amended\n"
    r = put(client, "LAB-4", result(title="Blood count (amended)", presentedForm=form(new_pdf)))
    assert r.status == 200 and r.json()["version"] == 2 and r.json()["id"] == first["id"]
    (doc,) = table_items("documents")
    assert doc["title"]["S"] == "Blood count (amended)" and doc["object_key"]["S"] != old_key
    assert objects() == {doc["object_key"]["S"]: new_pdf}   # the replaced file is gone
    assert audit_kinds().count("document_replaced") == 1


def test_a_released_document_does_not_change_or_go(client):
    put(client, "LAB-5", result(status="final"))
    before, files = table_items("documents"), objects()
    r = put(client, "LAB-5", result(status="final", title="Changed"))
    assert (r.status, r.json()["error"]) == (409, "document_released")
    r = client.delete("LAB-5", resource="results")
    assert (r.status, r.json()["error"]) == (409, "document_released")
    assert table_items("documents") == before and objects() == files


def test_delete_before_release_withdraws_it_and_its_file(client):
    put(client, "LAB-6", result())
    r = client.delete("LAB-6", resource="results")
    assert r.status == 200 and r.json()["result"] == "withdrawn"
    assert table_items("documents") == [] and objects() == {}
    assert audit_kinds().count("document_withdrawn") == 1
    assert client.delete("LAB-6", resource="results").json()["result"] == "unchanged"
    # Sent again: a new document.
    again = put(client, "LAB-6", result())
    assert again.status == 200 and again.json()["version"] == 3 and len(table_items("documents")) == 1


def test_a_failed_transaction_leaves_no_file(client, monkeypatch):
    from chalicelib.core import records

    def broken(build, **_kw):
        from botocore.exceptions import ClientError

        raise ClientError({"Error": {"Code": "InternalServerError", "Message": "down"}}, "TransactWriteItems")

    monkeypatch.setattr(records, "write", broken)
    r = put(client, "LAB-7", result())
    assert r.status == 503 and r.header("Retry-After")
    assert objects() == {} and table_items("documents") == []


def test_a_file_of_4_mb_is_taken_and_a_larger_one_refused(admin, gateway, client):
    from chalicelib.integrations.result_fields import DOCUMENT_MAX_BYTES

    big = PDF + b"0" * (DOCUMENT_MAX_BYTES - len(PDF))
    r = put(client, "LAB-8", result(presentedForm=form(big)))
    assert r.status == 201, r.text[:200]
    r = put(client, "LAB-9", result(presentedForm=form(big + b"0")))
    assert (r.status, r.json()["field"]) == (400, "presentedForm")
    # A body larger than any valid one is refused before it is parsed.
    r = put(client, "LAB-9", result(presentedForm={"contentType": "application/pdf", "data": "A" * 5_700_000}))
    assert (r.status, r.json()["error"]) == (400, "body_too_large")
    # Other resources keep the stage's small limit (16 KiB).
    r = ehr(gateway, admin, name="Patients").put("MRN-1", {"familyName": "x" * 20_000})
    assert (r.status, r.json()["error"]) == (400, "body_too_large")
    assert len(table_items("documents")) == 1


@pytest.mark.parametrize("field,value", [
    ("category", "x_ray"), ("title", ""), ("title", "x" * 201), ("status", "amended"), ("effectiveDate", "2026-02-30"),
    ("patient", "NOPE-1"), ("patient", "bad id"), ("performer", "x" * 121), ("observations", "Hb 13"),
    ("presentedForm", {"contentType": "text/html", "data": "PGgxPg=="}),
    ("presentedForm", {"contentType": "application/pdf", "data": "not base64!"}),
    ("presentedForm", {"contentType": "application/pdf", "data": base64.b64encode(PNG).decode()}),
    ("presentedForm", {"contentType": "application/pdf", "data": ""}),
    ("presentedForm", {"contentType": "application/pdf"}), ("subject", "P100")])
def test_bad_fields_are_400_naming_the_field(client, field, value):
    r = put(client, "LAB-10", {**result(), field: value})
    assert r.status == 400, r.text
    assert r.json()["error"] == "invalid_field" and r.json()["field"] == field and r.json()["message"]
    assert table_items("documents") == [] and objects() == {}


@pytest.mark.parametrize("row,field", [
    ({"test": "Hb", "value": "13", "interpretation": "Q"}, "observations[0].interpretation"),
    ({"value": "13"}, "observations[0].test"), ({"test": "Hb", "value": "13", "flag": "H"}, "observations[0].flag"),
    ({"test": "Hb", "value": "1" * 41}, "observations[0].value"),
    ({"test": "Hb", "value": "13", "referenceRange": "x" * 61}, "observations[0].referenceRange")])
def test_bad_observations_name_the_row_and_field(client, row, field):
    r = put(client, "LAB-11", result(observations=[row]))
    assert (r.status, r.json()["field"]) == (400, field), r.text
    r = put(client, "LAB-11", result(category="visit_summary"))
    assert (r.status, r.json()["field"]) == (400, "observations")


def test_scope_cross_clinic_and_revoked_keys(admin, gateway, client):
    wrong = ehr(gateway, admin, name="Appointments only", scopes=("appointments",))
    assert (put(wrong, "LAB-12", result()).status, wrong.delete("LAB-12", resource="results").status) == (403, 403)
    assert put(client, "LAB-12", result()).status == 201
    lake = gateway.browser()
    assert login(lake, "KimS", LAKE_PW, clinic="Lakeside").status == 200
    theirs = Ehr(gateway, new_key(lake, clinic="Lakeside", scopes=("results",))["key"])
    r = put(theirs, "LAB-13", result())
    assert (r.status, r.json()["field"]) == (400, "patient")
    assert theirs.delete("LAB-12", resource="results").status == 404
    assert len(table_items("documents")) == 1 and len(objects()) == 1
    (key_id,) = [k["key_id"] for k in admin.get("/api/clinics/SUNRISE/integration-keys").json()["items"]
                 if k["name"] == "Epic production"]
    assert admin.post(f"/api/clinics/SUNRISE/integration-keys/{key_id}/revoke").status == 200
    assert put(client, "LAB-14", result()).status == 401
