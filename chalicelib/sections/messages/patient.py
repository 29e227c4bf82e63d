"""Secure messages, the patient side: a login acting for one patient (Self or a
representative whose grant holds `messages`; checked by the route's guard,
`sections.access.section_access`) lists the patient's conversations, starts one,
opens a thread and replies. Every login acting for the patient shares this side:
what one of them has read, all of them have."""
from __future__ import annotations

from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import InvalidRequest
from chalicelib.core.ids import new_id, now
from chalicelib.sections.messages import records as r

VIEWED = "section_viewed"


def topics(clinic_id: str) -> list[str]:
    from chalicelib.clinics.records import get_clinic

    return list(get_clinic(clinic_id).settings.message_topics)


def conversations(session, grant, cursor: str | None, info: RequestInfo, limit: int | None = None):
    """One page of the patient's conversations, latest activity first: one Query on
    by_patient, then the view's access-log event. Returns (items, next cursor)."""
    from chalicelib.core.db import encode_cursor, page_start
    from chalicelib.models import ConversationModel as C
    from chalicelib.sections.access import view_page

    limit = limit or r.PAGE_SIZE
    key = r.patient_key(grant.clinic_key, grant.patient_id)
    start = page_start(cursor, hash_name="patient_key", hash_value=key, key_names=r.LIST_KEYS_PATIENT)
    items, last_key = view_page(session, grant, r.SECTION, info, model=C, query=C.by_patient.query, hash_key=key,
                                limit=limit, start=start, key_names=r.LIST_KEYS_PATIENT, scan_index_forward=False)
    return items, encode_cursor(last_key)


def start(session, grant, *, topic: str, subject: str, text: str, info: RequestInfo):
    """A new conversation with its first message (values checked at the edge; the
    topic must be one of the clinic's). Unassigned: nobody is emailed."""
    from chalicelib.models import ConversationModel as C
    from chalicelib.sections.access import patient_name

    if topic not in topics(session.clinic_id):
        raise InvalidRequest("Choose one of the clinic's topics.", code="invalid_topic")
    at, cid = now(), new_id()
    item = C(r.thread_key(session.clinic_key, cid), r.HEADER, clinic_key=session.clinic_key, conversation_id=cid,
             patient_id=grant.patient_id, patient_key=r.patient_key(session.clinic_key, grant.patient_id),
             patient_name=patient_name(grant), topic=topic, subject=subject, created_at=at,
             status="open", assigned_to=None, patient_unread=False, staff_unread=False, message_count=0)
    message = r.new_message(item, at=at, author_kind="patient", session=session, text=text)
    event = r.event(session, "message_conversation_started", item, info, topic=topic)
    r.commit(item, r.posted(item, message, by="patient"), new=True, message=message, event=event,
             slot=(session, at))
    return item, message


def _mine(item, grant):
    if item.patient_id != grant.patient_id:
        raise r.conversation_not_found()
    return item


def thread(session, grant, conversation_id, cursor: str | None, info: RequestInfo):
    """A thread: one Query (the conversation and its newest messages; `cursor`: older
    ones). Opening it marks the patient side read, in the transaction that also
    writes the view's access-log event; else that event is one PutItem.
    Returns (conversation or None, messages oldest first, next cursor)."""
    header, messages, next_cursor = r.thread_page(session.clinic_key, conversation_id, cursor)
    if header is None:
        if any(m.patient_id != grant.patient_id for m in messages) or not messages:
            raise r.conversation_not_found()
        r.event(session, VIEWED, messages[0], info).save()
        return None, messages, next_cursor
    _mine(header, grant)
    if not header.patient_unread:
        r.event(session, VIEWED, header, info).save()
        return header, messages, next_cursor
    first = [header]

    def attempt():
        item = first.pop() if first else _mine(r.get(session.clinic_key, conversation_id), grant)
        if not item.patient_unread:
            r.event(session, VIEWED, item, info).save()
            return item
        at = now()
        return r.commit(item, {"patient_unread": False, "patient_read_at": at,
                               "patient_read_key": item.last_message_key},
                        event=r.event(session, VIEWED, item, info, marked_read=True))

    return r.retrying(attempt), messages, next_cursor


def reply(session, grant, conversation_id, *, text: str, info: RequestInfo):
    """A message from the patient side; a closed conversation opens again. The
    assigned staff member (if any) is emailed after the commit."""
    def attempt():
        item = _mine(r.get(session.clinic_key, conversation_id), grant)
        at = now()
        message = r.new_message(item, at=at, author_kind="patient", session=session, text=text)
        changes = r.posted(item, message, by="patient")
        reopened = item.status == "closed"
        if reopened:
            changes["status"] = "open"
        event = r.event(session, "message_sent", item, info, by="patient", reopened=reopened or None)
        r.commit(item, changes, message=message, event=event, slot=(session, at))
        return item, message

    item, message = r.retrying(attempt)
    from chalicelib.sections.messages.notify import tell_assignee

    tell_assignee(item)
    return item, message
