"""The fault matrix's recipes for the documents routes (visit summaries and test
results): each prepares fresh records of its own (a new upload in the bucket, a new
document), so the same flow runs again and again."""
from __future__ import annotations

from tests.api.fault_recipes import CLINIC, Call
from tests.conftest import CLINICIAN_PW, PATIENT_PW
from tests.sections.documents.helpers import PDF, grant_sections, post_file, upload

DOCS = CLINIC + "/documents"
PP = "/api/portal/patients/P100"


def _staff(w):
    return w.signed_in("PatelR", CLINICIAN_PW)


def _ann(w):
    if not getattr(w, "documents_granted", False):
        grant_sections(w.admin())
        w.documents_granted = True
    return w.signed_in("ann@example.com", PATIENT_PW,
                       login_type="patient")


def _confirm(w):
    staff = _staff(w)
    started = w.ok(staff.post(DOCS + "/uploads", json={"patient_id": "P100", "content_type": "application/pdf"}),
                   201)
    assert post_file(started["upload"], PDF).status_code in (200, 201, 204)
    return Call(staff, "POST", DOCS, {"document_id": started["document_id"], "patient_id": "P100",
                                      "kind": "test_result", "title": f"Result {w.n()}", "date": "2026-11-20"})


def _document_call(action: str, method: str = "POST", body: dict | None = None):
    def prepare(w):
        staff = _staff(w)
        # A new patient each time: a release creates the patient's count item, as the
        # clean run did (the same patient's would only change it).
        doc = upload(staff, patient_id=w.patient(), title=f"Result {w.n()}")
        return Call(staff, method, f"{DOCS}/{doc['document_id']}/{action}", body)
    return prepare


def _patient_download(slug: str, kind: str, *, opened: bool):
    def prepare(w):
        ann = _ann(w)
        staff = _staff(w)
        doc = upload(staff, kind=kind, title=f"Doc {w.n()}")
        w.ok(staff.post(f"{DOCS}/{doc['document_id']}/release"))
        path = f"{PP}/{slug}/{doc['document_id']}/download"
        if opened:
            w.ok(ann.post(path))
        return Call(ann, "POST", path)
    return prepare


DOCUMENT_RECIPES = {
    ("POST", "/api/clinics/{clinic_id}/documents/uploads"): {
        "": lambda w: Call(_staff(w), "POST", DOCS + "/uploads", {"patient_id": "P100", "content_type": "image/png"})},
    ("POST", "/api/clinics/{clinic_id}/documents"): {"": _confirm},
    ("PUT", "/api/clinics/{clinic_id}/documents/{document_id}/values"): {
        "": _document_call("values", "PUT", {"values": [{"test": "Hemoglobin", "value": "17.9", "flag": "H"}]})},
    ("POST", "/api/clinics/{clinic_id}/documents/{document_id}/release"): {"": _document_call("release")},
    ("POST", "/api/clinics/{clinic_id}/documents/{document_id}/download"): {"": _document_call("download")},
    ("POST", "/api/portal/patients/{patient_id}/test-results/{document_id}/download"): {
        "first": _patient_download("test-results", "test_result", opened=False),
        "again": _patient_download("test-results", "test_result", opened=True)},
    ("POST", "/api/portal/patients/{patient_id}/visit-summaries/{document_id}/download"): {
        "first": _patient_download("visit-summaries", "visit_summary", opened=False)},
}
