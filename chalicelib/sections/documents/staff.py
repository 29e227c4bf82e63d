"""The staff side (`documents.manage`): upload a patient's document, enter a test
result's values, release it to the patient, list and open a patient's documents.

An upload is two steps. `start_upload` checks the patient and the file's type,
picks the document id and answers a presigned POST that can only write the key
`<clinic>/<patient>/<document id>`, with that content type, of 1 byte to 20 MB
(`storage.presigned_post`); it writes nothing. The browser sends the file straight
to S3. `confirm_upload` then HEADs the object (its real size and type, checked
again) and writes the metadata with its audit event in one transaction, conditional
on the document not existing yet. Nothing is visible to the patient until
`release`, which sets `released_at` (and the sparse index key the patient's list
reads), adds 1 to the patient's count of new items and audits, in one transaction
conditional on the document not being released yet.
"""
from __future__ import annotations

from chalicelib.core.audit import RequestInfo
from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import Conflict, InvalidRequest
from chalicelib.core.ids import new_id, now
from chalicelib.core.records import write
from chalicelib.sections import counters
from chalicelib.sections.documents import CONTENT_TYPES, KINDS, MAX_BYTES, NEW_COUNT, PAGE_SIZE, section_of, storage
from chalicelib.sections.documents.records import (
    KEYS_BY_PATIENT,
    document_not_found,
    event,
    get_document,
    patient_key,
    staff_viewed,
)


def already_released() -> Conflict:
    return Conflict("This document has been released to the patient; it can no longer be changed.",
                    code="document_released")


def not_uploaded() -> InvalidRequest:
    return InvalidRequest("No uploaded file was found for this document: upload it first.",
                          code="upload_not_found")


def _patient(clinic, patient_id: str):
    from chalicelib.patients.lookup import get_patient

    return get_patient(clinic, patient_id)


def start_upload(clinic, patient_id: str, content_type: str) -> dict:
    """{document_id, upload: {url, fields}, max_bytes, expires_in}; writes nothing."""
    if content_type not in CONTENT_TYPES:
        raise InvalidRequest(f"content_type must be one of: {', '.join(CONTENT_TYPES)}.",
                             code="unsupported_file_type")
    patient = _patient(clinic, patient_id)
    document_id = new_id()
    key = storage.object_key(clinic.clinic_key, patient.patient_id, document_id)
    from chalicelib.sections.documents import UPLOAD_SECONDS

    return {"document_id": document_id, "patient_id": patient.patient_id,
            "upload": storage.presigned_post(key, content_type),
            "max_bytes": MAX_BYTES, "expires_in": UPLOAD_SECONDS}


def confirm_upload(session, clinic, *, document_id: str, patient_id: str, kind: str, title: str,
                   document_date: str, info: RequestInfo):
    """The uploaded file's metadata, once S3 holds it with an allowed type and size."""
    from chalicelib.models import DocumentModel as D
    from chalicelib.sections.access import patient_name

    patient = _patient(clinic, patient_id)
    key = storage.object_key(clinic.clinic_key, patient.patient_id, document_id)
    found = storage.head(key)
    if found is None:
        raise not_uploaded()
    if found["content_type"] not in CONTENT_TYPES:
        raise InvalidRequest("The uploaded file is not a PDF, PNG or JPEG.", code="unsupported_file_type")
    if not 0 < found["size"] <= MAX_BYTES:
        raise InvalidRequest("The uploaded file is empty or larger than 20 MB.", code="file_too_large")
    at = now()
    section = section_of(kind)
    item = D(clinic.clinic_key, document_id, patient_id=patient.patient_id,
             patient_key=patient_key(clinic.clinic_key, patient.patient_id, section),
             created_key=f"{at:010d}#{document_id}", kind=kind, title=title, document_date=document_date,
             author=getattr(session, "display_name", None) or session.username, uploaded_by=session.username,
             created_at=at, object_key=key, content_type=found["content_type"], size=found["size"],
             revision=1)
    name = patient_name(patient_view(patient))

    def build(tx):
        tx.save("document", item, condition=D.document_id.does_not_exist())
        tx.audit(event(session, "document_uploaded", item, info, patient_name=name))

    write(build, failed={"document": lambda: Conflict("This upload has already been confirmed.",
                                                      code="document_exists")})
    return item


def patient_view(patient):
    """A patient record seen as the grant-like object `sections.access` names people by."""
    from types import SimpleNamespace

    return SimpleNamespace(patient_id=patient.patient_id, patient_first_name=patient.first_name,
                           patient_last_name=patient.last_name)


def list_for_patient(session, clinic, patient_id: str, section: str, cursor: str | None, info: RequestInfo,
                     limit: int = PAGE_SIZE):
    """(patient, documents, cursor): one patient's documents of one section, newest
    first, released or not: the patient read (404 for an unknown one), one Query,
    then the view's access-log event."""
    from chalicelib.models import DocumentModel as D

    if section not in NEW_COUNT:
        raise InvalidRequest(f"section must be one of: {', '.join(NEW_COUNT)}.")
    if not isinstance(patient_id, str) or not patient_id:
        raise InvalidRequest("patient_id is required.")
    from chalicelib.sections.access import patient_name

    patient = _patient(clinic, patient_id)
    patient_id = patient.patient_id
    pkey = patient_key(clinic.clinic_key, patient_id, section)
    start = page_start(cursor, hash_name="patient_key", hash_value=pkey, key_names=KEYS_BY_PATIENT)
    items, last_key = query_page(D, D.by_patient.query, pkey, limit=limit, start=start,
                                 key_names=KEYS_BY_PATIENT, scan_index_forward=False)
    name = patient_name(patient_view(patient))
    staff_viewed(session, clinic.clinic_key, patient_id, name, section, info).save()
    return {"id": patient_id, "name": name}, items, encode_cursor(last_key)


def _unreleased(item):
    if item.released_at is not None:
        raise already_released()
    return item


def set_values(session, clinic, document_id: str, rows: list[dict], info: RequestInfo):
    """A test result's values (replacing any entered before), until it is released."""
    from chalicelib.models import DocumentModel as D
    from chalicelib.sections.documents.values import dumps

    item = _unreleased(get_document(clinic.clinic_key, document_id))
    if item.kind != "test_result":
        raise InvalidRequest("Only a test result has values.", code="not_a_test_result")
    text = dumps(rows)

    def build(tx):
        tx.update("document", item, actions=[D.values_json.set(text), D.revision.add(1)],
                  condition=D.document_id.exists() & D.released_at.does_not_exist())
        tx.audit(event(session, "document_values_set", item, info, rows=len(rows)))

    write(build, failed={"document": already_released})
    item.values_json, item.revision = text, int(item.revision or 0) + 1
    return item


def release(session, clinic, document_id: str, info: RequestInfo):
    """Show the document to the patient: from now on in their section's list, and
    counted as new on their home until someone on the patient side opens it."""
    from chalicelib.models import DocumentModel as D

    item = _unreleased(get_document(clinic.clinic_key, document_id))
    at = now()
    section = section_of(item.kind)
    values = {"released_at": at, "released_by": session.username,
              "released_ref": patient_key(clinic.clinic_key, item.patient_id, section),
              "released_key": f"{at:010d}#{item.document_id}"}

    def build(tx):
        tx.update("document", item, actions=[*(getattr(D, k).set(v) for k, v in values.items()),
                                             D.revision.add(1)],
                  condition=D.document_id.exists() & D.released_at.does_not_exist())
        counters.bump(tx, clinic.clinic_key, {counters.patient(item.patient_id): {NEW_COUNT[section]: 1}})
        tx.audit(event(session, "document_released", item, info))

    write(build, failed={"document": already_released})
    for k, v in values.items():
        setattr(item, k, v)
    item.revision = int(item.revision or 0) + 1
    return item


def staff_download(session, clinic, document_id: str, info: RequestInfo) -> tuple[object, str]:
    """(document, presigned GET) for staff: a view, so its access-log event is saved first."""
    item = get_document(clinic.clinic_key, document_id)
    staff_viewed(session, clinic.clinic_key, item.patient_id, None, section_of(item.kind), info).save()
    return item, storage.download_url(item.object_key, storage.filename(item.title, item.content_type))


__all__ = ["start_upload", "confirm_upload", "list_for_patient", "set_values", "release", "staff_download",
           "document_not_found", "KINDS"]
