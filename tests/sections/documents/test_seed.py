"""Seed files gain `documents`: a small PDF made at seed time, put in the bucket and
recorded, valued and released through the Documents use cases; a bad entry loads
nothing; the demo seed shows Ann a released result with one high value and a visit
summary she can download."""
import copy
import os

import pytest

from infra.seed_documents import tiny_pdf
from tests.conftest import SEED, aws_client, table_items


def test_tiny_pdf_is_a_well_formed_pdf():
    import re

    pdf = tiny_pdf("Visit (summary)", ["Line one", "Caf\u00e9 \\ ok"])
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.endswith(b"%%EOF\n")
    # Every cross-reference offset points at its object, and startxref at the table.
    start = int(re.search(rb"startxref\n(\d+)\n", pdf).group(1))
    assert pdf[start:start + 4] == b"xref"
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n ", pdf)]
    assert len(offsets) == 5
    for number, offset in enumerate(offsets, 1):
        assert pdf[offset:].startswith(f"{number} 0 obj".encode())
    assert b"(Visit \\(summary\\)) Tj" in pdf


def test_the_demo_seed_shows_ann_her_results_and_summary(gateway, aws):
    import requests

    from infra.seed import load_file
    from tests.conftest import login

    load_file(os.path.join(os.path.dirname(__file__), "..", "..", "..", "infra", "demo_seed.json"))
    ann = gateway.browser()
    token = gateway.browser().post("/api/clinics/SUNRISE/captcha/local-token").json()["token"]
    r = login(ann, "ann@example.com", "ann-patient-demo", login_type="patient", captcha_token=token)
    assert r.status == 200, r.text
    home = {t["section"]: t["attention"]["text"] for t in ann.get("/api/portal/patients/P100/home").json()["tiles"]}
    assert home["test_results"] == "1 new result" and home["visit_summaries"] == "1 new document"
    (result,) = ann.get("/api/portal/patients/P100/test-results").json()["items"]
    assert [v["flag_text"] for v in result["values"]].count("High") == 1
    (summary,) = ann.get("/api/portal/patients/P100/visit-summaries").json()["items"]
    r = ann.post(f"/api/portal/patients/P100/visit-summaries/{summary['document_id']}/download")
    fetched = requests.get(r.json()["url"], timeout=5)
    assert fetched.status_code == 200 and fetched.content.startswith(b"%PDF-1.4")
    assert b"annual check-up" in fetched.content


def test_a_bad_documents_entry_loads_nothing(aws):
    from infra.seed import SeedError, load

    data = copy.deepcopy(SEED)
    data["documents"] = [
        {"clinic_id": "SUNRISE", "patient_id": "P100", "kind": "test_result", "title": "CBC", "date": "2026-11-20",
         "released": True, "values": [{"test": "Hemoglobin", "value": "16.9", "flag": "H"}]},
        {"clinic_id": "SUNRISE", "patient_id": "P100", "kind": "visit_summary", "title": "Visit", "date": "2026-11-20",
         "values": [{"test": "A", "value": "1"}]}]
    with pytest.raises(SeedError, match=r"documents\[1\]: only a test result has values"):
        load(data)
    data["documents"][1] = {"clinic_id": "SUNRISE", "patient_id": "NOPE", "kind": "other", "title": "X",
                            "date": "2026-11-20"}
    with pytest.raises(SeedError, match=r"documents\[1\]: patient 'NOPE'"):
        load(data)
    assert table_items("documents") == [] and table_items("clinics") == []
    assert aws_client("s3").list_objects_v2(Bucket="test-documents").get("KeyCount") == 0
