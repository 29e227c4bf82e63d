"""The patient side of documents (guard `section_access(section)`): the released
documents of one section, newest release first (one Query of the sparse
`by_release` index a page: an unreleased document has no key there), and the
download link of one of them.

A download is a view: its access-log event names the patient and the section. The
first time anyone on the patient side opens a document, the same transaction sets
`opened_at` (conditional on it being unset) and takes 1 off the patient's count of
new items, so the home's "2 new results" drops exactly once; later downloads save
the event alone (one PutItem). A link is only ever made for a document of the
grant's own patient, released, in the section the route names: anything else is
404 `document_not_found`, the same whether it exists or not.
"""
from __future__ import annotations

from chalicelib.core.audit import RequestInfo
from chalicelib.core.db import encode_cursor, page_start
from chalicelib.core.errors import InvalidRequest
from chalicelib.core.ids import now
from chalicelib.core.records import write
from chalicelib.sections import counters
from chalicelib.sections.documents import DOWNLOAD_SECONDS, NEW_COUNT, PAGE_SIZE, section_of, storage
from chalicelib.sections.documents.records import KEYS_RELEASED, document_not_found, get_document, patient_key


def list_released(session, grant, section: str, cursor: str | None, info: RequestInfo, limit: int = PAGE_SIZE):
    from chalicelib.models import DocumentModel as D
    from chalicelib.sections.access import view_page

    if section not in NEW_COUNT:
        raise InvalidRequest("Unknown section.")
    ref = patient_key(grant.clinic_key, grant.patient_id, section)
    start = page_start(cursor, hash_name="released_ref", hash_value=ref, key_names=KEYS_RELEASED)
    items, last_key = view_page(session, grant, section, info, model=D, query=D.by_release.query, hash_key=ref,
                                limit=limit, start=start, key_names=KEYS_RELEASED, scan_index_forward=False)
    return items, encode_cursor(last_key)


def download(session, grant, section: str, document_id: str, info: RequestInfo) -> dict:
    """{url, expires_in, filename}: a presigned GET valid DOWNLOAD_SECONDS, as an attachment."""
    from chalicelib.models import DocumentModel as D
    from chalicelib.sections.access import viewed

    item = get_document(grant.clinic_key, document_id)
    if item.patient_id != grant.patient_id or item.released_at is None or section_of(item.kind) != section:
        raise document_not_found()
    log = viewed(session, grant, section, info, document_id=item.document_id)
    if item.opened_at is None:
        def build(tx):
            tx.update("document", item, actions=[D.opened_at.set(now())],
                      condition=D.opened_at.does_not_exist() & D.released_at.exists())
            counters.bump(tx, item.clinic_key, {counters.patient(item.patient_id): {NEW_COUNT[section]: -1}})
            tx.audit(log)

        try:
            write(build, failed={"document": _opened})
        except _Opened:     # opened meanwhile (another login of the patient): count it once only
            log.save()
    else:
        log.save()
    name = storage.filename(item.title, item.content_type)
    return {"url": storage.download_url(item.object_key, name), "expires_in": DOWNLOAD_SECONDS,
            "filename": name}


class _Opened(Exception):
    pass


def _opened():
    return _Opened()
