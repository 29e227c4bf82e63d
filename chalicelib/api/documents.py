"""Visit summaries and test results (use cases: `chalicelib/sections/documents/`):

- staff holding `documents.manage`: /api/clinics/{clinic_id}/documents...
  (a patient's documents of one section, start an upload, confirm it, a test
  result's values, release, a staff download link);
- the patient side, guard `section_access("test_results")` /
  `section_access("visit_summaries")`: /api/portal/patients/{patient_id}/test-results...
  and .../visit-summaries... (released documents, a download link).
"""
from chalice import Blueprint

from chalicelib.api.access import clinic_permission
from chalicelib.api.document_bodies import ConfirmDocumentBody, DocumentValuesBody, StartDocumentUploadBody
from chalicelib.api.http import json_response, request_info, route
from chalicelib.sections.access import section_access

bp = Blueprint(__name__)

MANAGER = clinic_permission("documents.manage")
DOCUMENTS = "/api/clinics/{clinic_id}/documents"
PATIENT_SECTIONS = {"test_results": "/api/portal/patients/{patient_id}/test-results",
                    "visit_summaries": "/api/portal/patients/{patient_id}/visit-summaries"}


def _params(request) -> dict:
    return request.query_params or {}


def _document(item, status: int = 200):
    from chalicelib.api.document_shapes import document

    return json_response({"document": document(item)}, status)


@route(bp, DOCUMENTS, guard=MANAGER)
def list_documents(request, clinic_id, *, auth):
    from chalicelib.api import serializers
    from chalicelib.api.document_shapes import document
    from chalicelib.sections.documents.staff import list_for_patient

    session, clinic = auth
    params = _params(request)
    patient, items, cursor = list_for_patient(session, clinic, params.get("patient_id"),
                                              params.get("section") or "test_results", params.get("cursor"),
                                              request_info(request))
    return json_response({"patient": patient, **serializers.page(items, cursor, document)})


@route(bp, DOCUMENTS + "/uploads", methods=("POST",), body=StartDocumentUploadBody, guard=MANAGER)
def start_document_upload(request, clinic_id, *, auth, body: StartDocumentUploadBody):
    from chalicelib.sections.documents.staff import start_upload

    session, clinic = auth
    return json_response(start_upload(clinic, body.patient_id, body.content_type), 201)


@route(bp, DOCUMENTS, methods=("POST",), body=ConfirmDocumentBody, guard=MANAGER)
def confirm_document_upload(request, clinic_id, *, auth, body: ConfirmDocumentBody):
    from chalicelib.sections.documents.staff import confirm_upload

    session, clinic = auth
    return _document(confirm_upload(session, clinic, document_id=body.document_id, patient_id=body.patient_id,
                                    kind=body.kind, title=body.title, document_date=body.date,
                                    info=request_info(request)), 201)


@route(bp, DOCUMENTS + "/{document_id}/values", methods=("PUT",), body=DocumentValuesBody, guard=MANAGER)
def set_document_values(request, clinic_id, document_id, *, auth, body: DocumentValuesBody):
    from chalicelib.sections.documents.staff import set_values

    session, clinic = auth
    return _document(set_values(session, clinic, document_id, body.values, request_info(request)))


@route(bp, DOCUMENTS + "/{document_id}/release", methods=("POST",), guard=MANAGER)
def release_document(request, clinic_id, document_id, *, auth):
    from chalicelib.sections.documents.staff import release

    session, clinic = auth
    return _document(release(session, clinic, document_id, request_info(request)))


@route(bp, DOCUMENTS + "/{document_id}/download", methods=("POST",), guard=MANAGER)
def staff_document_download(request, clinic_id, document_id, *, auth):
    from chalicelib.sections.documents import DOWNLOAD_SECONDS
    from chalicelib.sections.documents.staff import staff_download

    session, clinic = auth
    item, url = staff_download(session, clinic, document_id, request_info(request))
    return json_response({"url": url, "expires_in": DOWNLOAD_SECONDS})


# ---------------------------------------------------------------- the patient side

def _patient_routes(section: str, base: str):
    guard = section_access(section)
    slug = section

    def listing(request, patient_id, *, auth):
        from chalicelib.api import serializers
        from chalicelib.api.document_shapes import document
        from chalicelib.sections.documents.patient import list_released

        session, grant = auth
        items, cursor = list_released(session, grant, section, _params(request).get("cursor"),
                                      request_info(request))
        return json_response(serializers.page(items, cursor, lambda i: document(i, for_staff=False)))

    def download(request, patient_id, document_id, *, auth):
        from chalicelib.sections.documents.patient import download as link

        session, grant = auth
        return json_response(link(session, grant, section, document_id, request_info(request)))

    listing.__name__ = listing.__qualname__ = f"patient_{slug}"
    download.__name__ = download.__qualname__ = f"patient_{slug}_download"
    route(bp, base, guard=guard)(listing)
    route(bp, base + "/{document_id}/download", methods=("POST",), guard=guard)(download)


for _section, _base in PATIENT_SECTIONS.items():
    _patient_routes(_section, _base)
