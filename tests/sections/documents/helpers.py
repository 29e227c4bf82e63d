"""Uploading through moto's S3 the way a browser does: the presigned POST's form
fields plus the file, posted with `requests` (moto answers it)."""
from __future__ import annotations

import base64
import json

DOCS = "/api/clinics/SUNRISE/documents"
PP = "/api/portal/patients"
PDF = b"%PDF-1.4\n% test\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def post_file(upload: dict, data: bytes, content_type: str = "application/pdf"):
    import requests

    fields = dict(upload["fields"])
    return requests.post(upload["url"], data=fields, files={"file": ("f", data, content_type)}, timeout=5)


def policy_of(upload: dict) -> dict:
    return json.loads(base64.b64decode(upload["fields"]["policy"]))


def upload(staff, *, patient_id="P100", kind="test_result", title="Blood count", date="2026-11-20",
           data: bytes = PDF, content_type="application/pdf") -> dict:
    r = staff.post(DOCS + "/uploads", json={"patient_id": patient_id, "content_type": content_type})
    assert r.status == 201, r.text
    started = r.json()
    assert post_file(started["upload"], data, content_type).status_code in (200, 201, 204)
    r = staff.post(DOCS, json={"document_id": started["document_id"], "patient_id": patient_id, "kind": kind,
                               "title": title, "date": date})
    assert r.status == 201, r.text
    return r.json()["document"]


def grant_sections(admin, username="ann@example.com", patient_id="P100",
                   sections=("appointments", "messages", "test_results", "visit_summaries")):
    r = admin.get(f"/api/clinics/SUNRISE/portal-accounts?patient_id={patient_id}&q={username.split('@')[0]}@")
    (row,) = [i for i in r.json()["items"] if i["username"] == username]
    r = admin.patch(f"/api/clinics/SUNRISE/portal-accounts/{row['account_id']}", json={"permissions": list(sections)})
    assert r.status == 200, r.text
