"""The shape of a document on the wire (staff and patient side)."""
from __future__ import annotations


def document(item, *, for_staff: bool = True) -> dict:
    from chalicelib.core.ids import iso
    from chalicelib.sections.documents import section_of
    from chalicelib.sections.documents.values import shown

    out = {"document_id": item.document_id, "patient_id": item.patient_id, "kind": item.kind,
           "section": section_of(item.kind), "title": item.title, "date": item.document_date,
           "author": item.author, "content_type": item.content_type, "size": int(item.size),
           "released_at": iso(item.released_at)}
    if item.kind == "test_result":
        out["values"] = shown(item.values_json)
    if for_staff:
        out.update({"uploaded_by": item.uploaded_by, "uploaded_at": iso(item.created_at),
                    "released_by": item.released_by, "revision": int(item.revision or 0)})
    else:
        out["new"] = item.opened_at is None
    return out
