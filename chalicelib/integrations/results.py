"""The `results` resource of the integration API: a test result, visit summary or
other document of a patient, with its file, written as the Documents section's
records (sections/documents: the same item, object key layout, counters and
audit events as a staff upload; the body is result_fields.py).

**The file.** The server writes it to the documents bucket first, under a key no
record uses yet: `<clinic>/<patient>/<document id>` for a new document (the staff
layout), `<clinic>/<patient>/<new id>` for a replacement. Then one transaction
writes the document, the mapping and the audit events. If the transaction fails
(or is refused), the new object is deleted again; once it succeeded, the file it
replaced is deleted. Either delete is best-effort: if S3 fails at that moment one
unreferenced object is left (logged), never a record pointing at a missing file.

**Release.** FHIR `status: final` releases the document to the patient in the
same transaction (`document_released`: the patient's home counts it as new);
`preliminary` keeps it for staff, who may review and release it on the patient's
Documents page. A released document does not change (the staff rule): a later PUT
with any other content is 409 `document_released` (a PUT that differs only in
status, e.g. `final` after staff released a preliminary one, writes the mapping
alone). Before release a changed body replaces the document (`document_replaced`).

**DELETE** before release withdraws it: the document and its file are deleted
(`document_withdrawn`), and a later PUT creates it anew. After release it is 409
`document_released`: what a patient has been shown stays in their record; the
clinic's staff correct it (an amended result is a new external id).
"""
from __future__ import annotations

from chalicelib.integrations.result_fields import BODY_MAX_BYTES, FIELD_MAP, IntegrationResultBody

body = IntegrationResultBody


def external_id(value) -> str:
    from chalicelib.integrations.fields import external_id as check

    return check(value, "A result's")


def parse(request) -> dict:
    from chalicelib.integrations.fields import parse as parse_fields
    from chalicelib.integrations.records import InvalidField

    out = parse_fields(request, body, {wire: portal for wire, (portal, _) in FIELD_MAP.items()},
                       max_bytes=BODY_MAX_BYTES)
    out["patient_id"] = out["patient_id"].upper()
    if out["rows"] and out["kind"] != "test_result":
        raise InvalidField("observations", "Only a test_result has observations.")
    out["rows"] = out["rows"] or None
    return out


def document_released():
    from chalicelib.core.errors import Conflict

    return Conflict("This document has been released to the patient; it can no longer be changed or withdrawn. "
                    "Send an amended result under a new external id.", code="document_released")


def _label(push) -> str:
    return push.caller.actor()["name"]


def _patient(push):
    from chalicelib.core.errors import NotFound
    from chalicelib.integrations.records import InvalidField
    from chalicelib.patients.lookup import get_patient

    try:
        return get_patient(push.clinic, push.fields["patient_id"])
    except NotFound:
        raise InvalidField("patient", "No patient with that id at this clinic: write it to the patients "
                                      "resource first.") from None


def _current(push):
    from chalicelib.core.errors import NotFound
    from chalicelib.sections.documents.records import get_document

    if push.existing is None or push.existing.withdrawn_at is not None:
        return None
    try:
        return get_document(push.clinic.clinic_key, push.existing.internal_id)
    except NotFound:
        return None


def _only_status_changed(push) -> bool:
    from chalicelib.integrations.records import body_hash

    return any(body_hash({**push.fields, "status": s}) == push.existing.body_hash
               for s in ("preliminary", "final") if s != push.fields["status"])


def _item(push, patient, before, document_id: str, key: str):
    from chalicelib.core.ids import now
    from chalicelib.models import DocumentModel as D
    from chalicelib.sections.documents import section_of
    from chalicelib.sections.documents.records import patient_key
    from chalicelib.sections.documents.values import dumps

    f, ck, at = push.fields, push.clinic.clinic_key, now()
    created = before.created_at if before is not None else at
    item = D(ck, document_id, patient_id=patient.patient_id,
             patient_key=patient_key(ck, patient.patient_id, section_of(f["kind"])),
             created_key=f"{int(created):010d}#{document_id}", kind=f["kind"], title=f["title"],
             document_date=f["document_date"], author=f["author"] or push.caller.item.name,
             uploaded_by=_label(push), created_at=created, object_key=key, content_type=f["form"]["content_type"],
             size=f["form"]["size"], values_json=dumps(f["rows"]) if f["rows"] else None,
             revision=int(before.revision or 0) + 1 if before is not None else 1)
    if f["status"] == "final":
        item.released_at, item.released_by = at, _label(push)
        item.released_ref = patient_key(ck, patient.patient_id, section_of(f["kind"]))
        item.released_key = f"{at:010d}#{document_id}"
    return item


def _mapping_only(push, internal_id: str) -> None:
    from chalicelib.core.records import write
    from chalicelib.integrations.records import written_meanwhile

    write(lambda tx: push.save_mapping(tx, internal_id), failed={"mapping": written_meanwhile})


def apply(push) -> str:
    """Write the file, then the document (released if final) and the mapping; the document id."""
    from chalicelib.core.ids import new_id
    from chalicelib.core.records import write
    from chalicelib.integrations.records import written_meanwhile
    from chalicelib.models import DocumentModel as D
    from chalicelib.sections import counters
    from chalicelib.sections.documents import NEW_COUNT, section_of, storage
    from chalicelib.sections.documents.records import event

    before = _current(push)
    if before is not None and before.released_at is not None:
        if _only_status_changed(push):
            _mapping_only(push, before.document_id)
            return before.document_id
        raise document_released()
    patient = _patient(push)
    ck, session, actor, details = push.clinic.clinic_key, None, push.caller.actor(), push.details()
    document_id = before.document_id if before is not None else new_id()
    key = storage.object_key(ck, patient.patient_id, document_id if before is None else new_id())
    item = _item(push, patient, before, document_id, key)
    rows = {"rows": len(push.fields["rows"])} if push.fields["rows"] else {}

    def build(tx):
        if before is None:
            tx.save("document", item, condition=D.document_id.does_not_exist())
            tx.audit(event(session, "document_uploaded", item, push.info, actor=actor, **rows, **details))
        else:
            tx.save("document", item, condition=D.document_id.exists() & D.released_at.does_not_exist()
                    & (D.revision == before.revision))
            tx.audit(event(session, "document_replaced", item, push.info, actor=actor, **rows, **details))
        if item.released_at is not None:
            counters.bump(tx, ck, {counters.patient(item.patient_id): {NEW_COUNT[section_of(item.kind)]: 1}})
            tx.save("audit:released", event(session, "document_released", item, push.info, actor=actor, **details))
        push.save_mapping(tx, document_id)

    def changed_meanwhile():
        from chalicelib.core.errors import Conflict, NotFound
        from chalicelib.sections.documents.records import get_document

        try:
            if before is not None and get_document(ck, document_id).released_at is not None:
                return document_released()
        except NotFound:
            pass
        return Conflict("The document changed at the same moment. Send it again.", code="conflict")

    storage.put(key, push.fields["form"].data, item.content_type)
    try:
        write(build, failed={"mapping": written_meanwhile, "document": changed_meanwhile})
    except Exception:
        _forget_unless_used(ck, document_id, key)
        raise
    if before is not None:
        storage.delete_quietly(before.object_key)   # the replaced file
    return document_id


def _forget_unless_used(clinic_key: str, document_id: str, key: str) -> None:
    """After a failed transaction: delete the new file unless the document refers to it
    (a timeout may hide a transaction that did commit). If even that read fails, the
    file stays (an unreferenced object, never a record without its file)."""
    from chalicelib.core.errors import NotFound
    from chalicelib.sections.documents import storage
    from chalicelib.sections.documents.records import get_document

    try:
        used = get_document(clinic_key, document_id).object_key == key
    except NotFound:
        used = False
    except Exception:  # noqa: BLE001 - DynamoDB is failing: keep the file, the error already answers
        return
    if not used:
        storage.delete_quietly(key)


def withdraw(push) -> None:
    """DELETE: before release, delete the document and its file; after, 409."""
    from chalicelib.core.records import write
    from chalicelib.integrations.records import written_meanwhile
    from chalicelib.models import DocumentModel as D
    from chalicelib.sections.documents import storage
    from chalicelib.sections.documents.records import event

    before = _current(push)
    if before is None:
        _mapping_only_withdrawn(push)
        return
    if before.released_at is not None:
        raise document_released()
    session = None

    def build(tx):
        tx.delete("document", before, condition=D.document_id.exists() & D.released_at.does_not_exist())
        push.save_mapping(tx, before.document_id, withdrawn=True)
        tx.audit(event(session, "document_withdrawn", before, push.info, actor=push.caller.actor(),
                       **push.details()))

    write(build, failed={"mapping": written_meanwhile, "document": document_released})
    storage.delete_quietly(before.object_key)


def _mapping_only_withdrawn(push) -> None:
    from chalicelib.core.records import write
    from chalicelib.integrations.records import written_meanwhile

    write(lambda tx: push.save_mapping(tx, push.existing.internal_id, withdrawn=True),
          failed={"mapping": written_meanwhile})
