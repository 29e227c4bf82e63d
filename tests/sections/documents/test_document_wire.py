"""Real replies of every documents operation checked against docs/openapi.yaml: a
success reply of each, and the error codes people will meet."""
from tests.api.test_openapi import Wire, load_doc, operations
from tests.conftest import ADMIN_PW
from tests.portal_helpers import clinician, patient, signed_in
from tests.sections.documents.helpers import PDF, grant_sections, post_file

C = "/api/clinics/{clinic_id}/documents"
D = C + "/{document_id}"
PR = "/api/portal/patients/{patient_id}/test-results"
PV = "/api/portal/patients/{patient_id}/visit-summaries"


def test_document_wire_matches_document(gateway, seeded):
    w = Wire()
    grant_sections(signed_in(gateway, "DoeJ", ADMIN_PW))
    staff, ann = clinician(gateway), patient(gateway)
    docs = "/api/clinics/SUNRISE/documents"
    ids = {}
    for kind in ("test_result", "visit_summary"):
        r = w.check(staff.post(docs + "/uploads", json={"patient_id": "P100", "content_type": "application/pdf"}),
                    "POST", C + "/uploads")
        started = r.json()
        body = {"document_id": started["document_id"], "patient_id": "P100", "kind": kind, "title": "Wire",
                "date": "2026-11-20"}
        w.check(staff.post(docs, json=body), "POST", C, code="upload_not_found")
        post_file(started["upload"], PDF)
        r = w.check(staff.post(docs, json=body), "POST", C)
        ids[kind] = r.json()["document"]["document_id"]
        w.check(staff.post(docs, json=body), "POST", C, code="document_exists")
    w.check(staff.post(docs + "/uploads", json={"patient_id": "P100", "content_type": "text/html"}),
            "POST", C + "/uploads", code="invalid_request")
    w.check(staff.post(docs + "/uploads", json={"patient_id": "NOPE", "content_type": "image/png"}),
            "POST", C + "/uploads", code="patient_not_found")
    result, summary = ids["test_result"], ids["visit_summary"]
    values = [{"test": "Hemoglobin", "value": "17.9", "unit": "g/dL", "range": "12.0-15.5", "flag": "H"},
              {"test": "Glucose", "value": 5.1, "flag": None}]
    w.check(staff.put(f"{docs}/{result}/values", json={"values": values}), "PUT", D + "/values")
    w.check(staff.put(f"{docs}/{result}/values", json={"values": [{"test": "A", "value": "1", "flag": "X"}]}),
            "PUT", D + "/values", code="invalid_value")
    w.check(staff.put(f"{docs}/{summary}/values", json={"values": values}), "PUT", D + "/values",
            code="not_a_test_result")
    w.check(staff.get(f"{docs}?patient_id=P100&section=test_results"), "GET", C)
    w.check(staff.get(f"{docs}?patient_id=P100&section=nope"), "GET", C, code="invalid_request")
    w.check(staff.get(f"{docs}?patient_id=NOPE"), "GET", C, code="patient_not_found")
    w.check(staff.post(f"{docs}/{result}/download"), "POST", D + "/download")
    w.check(staff.post(f"{docs}/{'0' * 32}/download"), "POST", D + "/download", code="document_not_found")
    for doc_id in (result, summary):
        w.check(staff.post(f"{docs}/{doc_id}/release"), "POST", D + "/release")
    w.check(staff.post(f"{docs}/{result}/release"), "POST", D + "/release", code="document_released")
    w.check(staff.put(f"{docs}/{result}/values", json={"values": values}), "PUT", D + "/values",
            code="document_released")

    for path, doc_id, other in ((PR, result, summary), (PV, summary, result)):
        base = path.format(patient_id="P100")
        w.check(ann.get(base), "GET", path)
        w.check(ann.get(base + "?cursor=xyz"), "GET", path, code="invalid_cursor")
        w.check(ann.post(f"{base}/{doc_id}/download"), "POST", path + "/{document_id}/download")
        w.check(ann.post(f"{base}/{other}/download"), "POST", path + "/{document_id}/download",
                code="document_not_found")
    w.assert_ok()

    doc = load_doc()
    unchecked = [f"{m.upper()} {p}" for p, m, op, _ in operations(doc)
                 if (p.startswith(C) or p.startswith((PR, PV)))
                 and not any((p, m, s) in w.checked for s in op["responses"] if str(s).startswith("2"))]
    assert not unchecked, unchecked
