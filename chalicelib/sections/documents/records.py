"""Reading one document, and the audit events every document change or view writes."""
from __future__ import annotations

from types import SimpleNamespace

from chalicelib.core import audit
from chalicelib.core.errors import NotFound
from chalicelib.core.limits import RECORD_ID_RE
from chalicelib.sections.documents import section_of

KEYS_BY_PATIENT = ("patient_key", "created_key", "clinic_key", "document_id")
KEYS_RELEASED = ("released_ref", "released_key", "clinic_key", "document_id")


def document_not_found() -> NotFound:
    return NotFound("No document with that id.", code="document_not_found")


def patient_key(clinic_key: str, patient_id: str, section: str) -> str:
    """The staff list's partition: one patient's documents of one section."""
    return f"{clinic_key}#{patient_id}#{section}"


def get_document(clinic_key: str, document_id: object):
    from chalicelib.models import DocumentModel

    if not isinstance(document_id, str) or not RECORD_ID_RE.fullmatch(document_id):
        raise document_not_found()
    try:
        return DocumentModel.get(clinic_key, document_id, consistent_read=True)
    except DocumentModel.DoesNotExist:
        raise document_not_found() from None


def event(session, kind: str, item, info, *, actor: dict | None = None, **details):
    """A document change (`document_uploaded`, `document_values_set`, `document_released`;
    by the integration API also `document_replaced`, `document_withdrawn`, with the key's
    `actor` and no session): names the patient and the section, never the file or the values."""
    return audit.event(item.clinic_key, kind, info=info, outcome="succeeded", actor=actor or audit.actor(session),
                       subject={"kind": "patient", "id": item.patient_id},
                       details={"document_id": item.document_id, "kind": item.kind, "title": item.title,
                                "patient_id": item.patient_id, "section": section_of(item.kind), **details})


def staff_viewed(session, clinic_key: str, patient_id: str, patient_name: str | None, section: str, info):
    """The access-log event of a staff view of a patient's documents (`section_viewed`)."""
    from chalicelib.sections.access import viewed

    patient = SimpleNamespace(patient_id=patient_id, patient_first_name=patient_name, patient_last_name=None)
    return viewed(session, patient, section, info)
