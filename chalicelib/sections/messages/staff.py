"""Secure messages, the clinic side (staff holding `messages.manage`): the inbox
(unassigned / assigned to me / closed, one Query a page), its counts and ETag
(one BatchGetItem), a thread (opening it marks the clinic side read and is logged
as a view of the patient's messages), replies, assignment, closing and reopening."""
from __future__ import annotations

from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import Conflict, InvalidRequest
from chalicelib.core.ids import now
from chalicelib.sections import counters
from chalicelib.sections.messages import records as r

BOXES = ("unassigned", "mine", "closed")
VIEWED = "section_viewed"
PERMISSION = "messages.manage"


def box_key_for(session, box: str) -> str:
    if box == "unassigned":
        return r.box_key(session.clinic_key, "open", None)
    if box == "mine":
        return r.box_key(session.clinic_key, "open", session.subject_id)
    return r.box_key(session.clinic_key, "closed", None)


def inbox(session, box: str, cursor: str | None, limit: int | None = None):
    """One page of a box, latest activity first: one Query on by_box."""
    from chalicelib.core.db import encode_cursor, page_start, query_page
    from chalicelib.models import ConversationModel as C

    if box not in BOXES:
        raise InvalidRequest(f"box must be one of: {', '.join(BOXES)}.", code="invalid_box")
    limit = limit or r.PAGE_SIZE
    key = box_key_for(session, box)
    start = page_start(cursor, hash_name="box_key", hash_value=key, key_names=r.LIST_KEYS_BOX)
    items, last_key = query_page(C, C.by_box.query, key, limit=limit, start=start, key_names=r.LIST_KEYS_BOX,
                                 scan_index_forward=False)
    return items, encode_cursor(last_key)


def summary_keys(clinic_key: str, staff_id: str) -> list:
    """The count items the inbox's summary shows, as (model, hash, range) keys to read with
    the session (`api.access.authenticate_staff_with`)."""
    from chalicelib.models.section_counter import SectionCounterModel as M

    return [(M, clinic_key, counters.CLINIC), (M, clinic_key, counters.staff(staff_id))]


def summary(session, extras=None) -> tuple[dict, str]:
    """The inbox's counts and their ETag, from the count items read with the session
    (`summary_keys`), or, without them, one BatchGetItem."""
    me = counters.staff(session.subject_id)
    if extras is None:
        items = counters.read(session.clinic_key, [counters.CLINIC, me])
    else:
        items = dict(zip([counters.CLINIC, me], extras, strict=True))
    counts = {
        "unassigned_unread": counters.count(items, counters.CLINIC, "messages_unassigned_unread"),
        "unassigned_open": counters.count(items, counters.CLINIC, "messages_unassigned_open"),
        "mine_unread": counters.count(items, me, "messages_assigned_unread"),
        "mine_open": counters.count(items, me, "messages_assigned_open"),
    }
    return counts, counters.etag(items, f"staff={session.subject_id}")


def thread(session, conversation_id, cursor: str | None, info: RequestInfo):
    """A thread (one Query); opening it marks the clinic side read in the transaction
    that writes the access-log event (with the patient), else that event is one PutItem."""
    header, messages, next_cursor = r.thread_page(session.clinic_key, conversation_id, cursor)
    if header is None:
        if not messages:
            raise r.conversation_not_found()
        r.event(session, VIEWED, messages[0], info).save()
        return None, messages, next_cursor
    if not header.staff_unread:
        r.event(session, VIEWED, header, info).save()
        return header, messages, next_cursor
    first = [header]

    def attempt():
        item = first.pop() if first else r.get(session.clinic_key, conversation_id)
        if not item.staff_unread:
            r.event(session, VIEWED, item, info).save()
            return item
        return r.commit(item, {"staff_unread": False, "staff_read_at": now(),
                               "staff_read_key": item.last_message_key},
                        event=r.event(session, VIEWED, item, info, marked_read=True))

    return r.retrying(attempt), messages, next_cursor


def _closed() -> Conflict:
    return Conflict("This conversation is closed. Reopen it to reply.", code="conversation_closed")


def reply(session, conversation_id, *, text: str, info: RequestInfo):
    """A clinic message; the patient-side logins are emailed after the commit."""
    def attempt():
        item = r.get(session.clinic_key, conversation_id)
        if item.status == "closed":
            raise _closed()
        at = now()
        message = r.new_message(item, at=at, author_kind="staff", session=session, text=text)
        event = r.event(session, "message_sent", item, info, by="staff")
        r.commit(item, r.posted(item, message, by="staff"), message=message, event=event, slot=(session, at))
        return item, message

    item, message = r.retrying(attempt)
    from chalicelib.sections.messages.notify import tell_patient_side

    tell_patient_side(item)
    return item, message


def not_assignable() -> InvalidRequest:
    return InvalidRequest("Choose an active staff member of this clinic who handles messages.",
                          code="invalid_assignee")


def _assignee(clinic_key: str, username: str):
    """The staff member to assign to: active, with Staff Portal access and messages.manage."""
    from chalicelib.core.ids import normalize_key
    from chalicelib.models import StaffModel
    from chalicelib.staff.roles import permissions_for

    try:
        staff = StaffModel.get(clinic_key, normalize_key(username), consistent_read=True)
    except StaffModel.DoesNotExist:
        raise not_assignable() from None
    if (not staff.enabled or not staff.portal_access or staff.password_hash is None
            or PERMISSION not in permissions_for(staff.roles)):
        raise not_assignable()
    return staff


def assign(session, conversation_id, username: str | None, info: RequestInfo):
    """Assign to a staff member (self or another), or back to the clinic (None)."""
    from chalicelib.models import StaffModel as S

    staff = _assignee(session.clinic_key, username) if username is not None else None
    target = staff.username_key if staff else None
    name = f"{staff.first_name} {staff.last_name}".strip() if staff else None

    def check(tx):
        if staff is not None:
            tx.check("assignee", S, session.clinic_key, staff.username_key,
                     condition=(S.enabled == True) & (S.portal_access == True))  # noqa: E712

    def attempt():
        item = r.get(session.clinic_key, conversation_id)
        if item.assigned_to == target:
            return item
        event = r.event(session, "message_conversation_assigned", item, info,
                        assigned_to=staff.username if staff else None, assigned_name=name)
        return r.commit(item, {"assigned_to": target, "assigned_name": name}, event=event, check=check,
                        failed={"assignee": not_assignable})

    return r.retrying(attempt)


def set_status(session, conversation_id, status: str, info: RequestInfo):
    """Close (`closed`) or reopen (`open`) a conversation; already so: nothing written."""
    kind = "message_conversation_closed" if status == "closed" else "message_conversation_reopened"

    def attempt():
        item = r.get(session.clinic_key, conversation_id)
        if item.status == status:
            return item
        return r.commit(item, {"status": status}, event=r.event(session, kind, item, info))

    return r.retrying(attempt)


def assignees(session) -> list:
    """The clinic's staff who may be assigned conversations (one Query of the clinic's
    staff partition; a clinic has tens of staff, not thousands)."""
    from chalicelib.models import StaffModel
    from chalicelib.staff.roles import permissions_for

    out = []
    for staff in StaffModel.query(session.clinic_key):
        if (staff.enabled and staff.portal_access and staff.password_hash is not None
                and PERMISSION in permissions_for(staff.roles)):
            out.append(staff)
    return out
