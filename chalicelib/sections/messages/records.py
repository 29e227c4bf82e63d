"""The records of secure messages (`models.ConversationModel`) and the one way they
change: `commit()`, a transaction holding the conversation (conditional on the
revision read), the new message if any, the counts of what is waiting
(`sections.counters`), the sender's rate-limit slot and the audit event.

Counts follow from the conversation's state, never from a guess: `contribution()`
says what one conversation adds to each count (an open, unassigned conversation
with a patient message nobody at the clinic has read adds 1 to the clinic's
`messages_unassigned_unread`...), and a change bumps every count by
contribution(after) - contribution(before), conditional on the conversation still
being as it was read. A change that loses the race to another (a reply and a read
at the same moment) is cancelled whole and made again from a fresh read
(`retrying`), so the counts never drift, and never go below zero.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.core.errors import Conflict, NotFound, TooManyAttempts
from chalicelib.core.limits import RECORD_ID_RE
from chalicelib.sections import counters

SECTION = "messages"
HEADER = "~conversation"       # sorts after every "m#..." message key
PAGE_SIZE = 25                 # conversations per page
THREAD_PAGE = 100              # messages per page of a thread, newest first
LIST_KEYS_PATIENT = ("patient_key", "activity_key", "thread_key", "item_key")
LIST_KEYS_BOX = ("box_key", "activity_key", "thread_key", "item_key")
THREAD_KEYS = ("thread_key", "item_key")
ATTEMPTS = 5


def thread_key(clinic_key: str, conversation_id: str) -> str:
    return f"{clinic_key}#{conversation_id}"


def patient_key(clinic_key: str, patient_id: str) -> str:
    return f"{clinic_key}#{patient_id}"


def box_key(clinic_key: str, status: str, assigned_to: str | None) -> str:
    if status == "closed":
        return f"{clinic_key}#closed"
    return f"{clinic_key}#staff#{assigned_to}" if assigned_to else f"{clinic_key}#unassigned"


def activity_key(at: int, conversation_id: str) -> str:
    return f"{at:010d}#{conversation_id}"


def message_key(seq: int, message_id: str) -> str:
    """A message's sort key: its place in the conversation (1, 2, ...), unique and in
    order since each message's transaction is conditional on the conversation's
    revision; read receipts compare these keys."""
    return f"m#{seq:08d}#{message_id}"


def conversation_not_found() -> NotFound:
    return NotFound("No conversation with that id.", code="conversation_not_found")


def check_id(conversation_id: object) -> str:
    if not isinstance(conversation_id, str) or not RECORD_ID_RE.fullmatch(conversation_id):
        raise conversation_not_found()
    return conversation_id


# ---------------------------------------------------------------- state and counts

@dataclass(frozen=True)
class State:
    status: str
    assigned_to: str | None
    patient_unread: bool
    staff_unread: bool

    @classmethod
    def of(cls, item) -> State | None:
        if item is None:
            return None
        return cls(item.status or "open", item.assigned_to, bool(item.patient_unread), bool(item.staff_unread))


def contribution(patient_id: str, state: State | None) -> dict[str, dict[str, int]]:
    """What one conversation in `state` adds to each count ({counter key: {name: n}})."""
    if state is None:
        return {}
    out = {counters.patient(patient_id): {"messages_unread": int(state.patient_unread)}}
    if state.status == "open":
        if state.assigned_to:
            out[counters.staff(state.assigned_to)] = {"messages_assigned_open": 1,
                                                       "messages_assigned_unread": int(state.staff_unread)}
        else:
            out[counters.CLINIC] = {"messages_unassigned_open": 1,
                                    "messages_unassigned_unread": int(state.staff_unread)}
    else:
        out[counters.CLINIC] = {}   # the closed box is the clinic's: its pages refresh on a change
    return out


def deltas(patient_id: str, before: State | None, after: State) -> dict[str, dict[str, int]]:
    """contribution(after) - contribution(before): every key either touches, so the
    pages that show either box see a new revision even when no count moved."""
    old, new = contribution(patient_id, before), contribution(patient_id, after)
    out: dict[str, dict[str, int]] = {}
    for key in {**old, **new}:
        names = set(old.get(key, {})) | set(new.get(key, {}))
        out[key] = {n: new.get(key, {}).get(n, 0) - old.get(key, {}).get(n, 0) for n in sorted(names)}
    return out


# ---------------------------------------------------------------- reads

def get(clinic_key: str, conversation_id: object):
    """The conversation item (strongly consistent), or 404 `conversation_not_found`."""
    from chalicelib.models import ConversationModel as C

    cid = check_id(conversation_id)
    try:
        return C.get(thread_key(clinic_key, cid), HEADER, consistent_read=True)
    except C.DoesNotExist:
        raise conversation_not_found() from None


def thread_page(clinic_key: str, conversation_id: object, cursor: str | None):
    """One Query of a thread, newest first: (conversation item or None when the page
    does not start at the top, messages oldest first, next cursor)."""
    from chalicelib.core.db import encode_cursor, page_start, query_page
    from chalicelib.models import ConversationModel as C

    key = thread_key(clinic_key, check_id(conversation_id))
    start = page_start(cursor, hash_name="thread_key", hash_value=key, key_names=THREAD_KEYS,
                       prefix_name="item_key", prefix="m#")
    items, last_key = query_page(C, C.query, key, limit=THREAD_PAGE + (0 if start else 1), start=start,
                                 key_names=THREAD_KEYS, scan_index_forward=False, consistent_read=True)
    header = next((i for i in items if i.item_key == HEADER), None)
    if start is None and header is None:
        raise conversation_not_found()
    messages = [i for i in items if i.item_key.startswith("m#")]
    messages.reverse()
    return header, messages, encode_cursor(last_key)


# ---------------------------------------------------------------- the send limit

def send_slot(tx, clinic_key: str, session, at: int) -> None:
    """Take one of the sender's slots (`MESSAGE_SEND_LIMIT`: n per window, per login or
    staff member) in the transaction that sends: no slot, no message (429)."""
    from datetime import UTC, datetime

    from chalicelib.core.limits import MESSAGE_SEND_LIMIT
    from chalicelib.models import LoginCounterModel as L

    limit, window = MESSAGE_SEND_LIMIT
    key = f"send#{clinic_key}#{session.kind}#{session.subject_id}#{at // window}"
    expires = datetime.fromtimestamp((at // window + 2) * window, tz=UTC)
    tx.update("slot", L(key), actions=[L.attempts.add(1), L.expires_at.set(expires)],
              condition=L.attempts.does_not_exist() | (L.attempts < limit))


def too_many(at: int) -> Callable[[], Exception]:
    from chalicelib.core.limits import MESSAGE_SEND_LIMIT

    limit, window = MESSAGE_SEND_LIMIT

    def error():
        wait = window - at % window
        return TooManyAttempts(f"You have sent {limit} messages in the last few minutes. "
                               f"Wait {max(1, wait // 60)} minute(s), then send again.",
                               code="too_many_messages", retry_after=wait)
    return error


# ---------------------------------------------------------------- the one way to change

class _Changed(Exception):
    """The conversation changed since it was read: read it again and decide again."""


def retrying(attempt: Callable[[], object]):
    """Run `attempt()` (which reads, decides and `commit`s) again while it loses the
    race to another change of the same conversation."""
    for _ in range(ATTEMPTS):
        try:
            return attempt()
        except _Changed:
            continue
    raise Conflict("Someone else changed this conversation at the same moment. Try again.", code="conflict")


def commit(item, changes: dict, *, new: bool = False, message=None, event=None, slot=None,
           check: Callable | None = None, failed: dict | None = None):
    """One transaction: the conversation `item` (as read; `new`: not saved yet) with
    `changes` ({attribute: value, None removes}), the counts that follow, the new
    `message` item, the audit `event`, the sender's `slot` (`(session, at)`) and any
    `check(tx)`. Raises `_Changed` when the conversation changed since it was read."""
    from chalicelib.core.records import write
    from chalicelib.models import ConversationModel as C

    before = None if new else State.of(item)
    for name, value in changes.items():
        setattr(item, name, value)
    after = State.of(item)
    item.box_key = box_key(item.clinic_key, after.status, after.assigned_to)
    changes = {**changes, "box_key": item.box_key}
    old_revision = item.revision

    def build(tx):
        if new:
            item.revision = 1
            tx.save("conversation", item, condition=C.thread_key.does_not_exist())
        else:
            actions = [getattr(C, n).set(v) if v is not None else getattr(C, n).remove()
                       for n, v in changes.items()] + [C.revision.add(1)]
            condition = C.thread_key.exists() & (
                C.revision == old_revision if old_revision is not None else C.revision.does_not_exist())
            tx.update("conversation", item, actions=actions, condition=condition)
        if message is not None:
            tx.save("message", message, condition=C.thread_key.does_not_exist())
        counters.bump(tx, item.clinic_key, deltas(item.patient_id, before, after))
        if slot is not None:
            send_slot(tx, item.clinic_key, *slot)
        if check is not None:
            check(tx)
        if event is not None:
            tx.audit(event)

    def changed():
        return _Changed()

    errors = dict(failed or {})
    if slot is not None:
        errors = {"slot": too_many(slot[1]), **errors}
    errors["conversation"] = changed
    write(build, failed=errors)
    if not new:
        item.revision = int(old_revision or 0) + 1
    return item


def new_message(item, *, at: int, author_kind: str, session, text: str):
    """An unsaved message of conversation `item` by `session`'s person."""
    from chalicelib.core.ids import new_id
    from chalicelib.models import ConversationModel as C

    mid = new_id()
    return C(item.thread_key, message_key(int(item.message_count or 0) + 1, mid), clinic_key=item.clinic_key,
             conversation_id=item.conversation_id, patient_id=item.patient_id, created_at=at,
             author_kind=author_kind, author_id=session.subject_id, author_name=session.display_name,
             text=text)


def posted(item, message, *, by: str) -> dict:
    """The conversation changes a new message by `by` ("patient" | "staff") makes: last
    activity, the other side's unread flag, and the writer's side has read it all."""
    at = message.created_at
    out = {"activity_key": activity_key(at, item.conversation_id), "last_message_at": at,
           "last_message_by": by, "last_message_key": message.item_key,
           "message_count": int(item.message_count or 0) + 1}
    if by == "patient":
        out.update(staff_unread=True, patient_unread=False, patient_read_at=at,
                   patient_read_key=message.item_key)
    else:
        out.update(patient_unread=True, staff_unread=False, staff_read_at=at, staff_read_key=message.item_key)
    return out


def event(session, kind: str, item, info, **details):
    """An audit event about conversation `item`, filed under its patient."""
    from chalicelib.core import audit

    body = {"patient_id": item.patient_id, "section": SECTION, "conversation_id": item.conversation_id}
    if item.patient_name:
        body["patient_name"] = item.patient_name
    body.update({k: v for k, v in details.items() if v is not None})
    return audit.event(item.clinic_key, kind, info=info, outcome="succeeded", actor=audit.actor(session),
                       details=body)
