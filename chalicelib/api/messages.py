"""Secure messages, thin: the patient side under
`/api/portal/patients/{patient_id}/messages` (guard: `section_access("messages")`)
and the clinic inbox under `/api/clinics/{clinic_id}/inbox` and
`.../conversations/{conversation_id}` (guard: `messages.manage`). The use cases are
in `chalicelib/sections/messages/`."""
from chalice import Blueprint

from chalicelib.api.access import clinic_permission
from chalicelib.api.http import fresh_or_json, json_response, request_info, route
from chalicelib.api.message_bodies import AssignConversationBody, MessageBody, StartConversationBody
from chalicelib.sections.access import section_access

bp = Blueprint(__name__)

SECTION = "messages"
PERMISSION = "messages.manage"
PATIENT = "/api/portal/patients/{patient_id}/messages"
CLINIC = "/api/clinics/{clinic_id}"
THREAD = CLINIC + "/conversations/{conversation_id}"


def _cursor(request):
    return (request.query_params or {}).get("cursor")


# ---------------------------------------------------------------- wire shapes

def conversation(item, *, side: str) -> dict:
    out = {"conversation_id": item.conversation_id, "patient_id": item.patient_id, "topic": item.topic,
           "subject": item.subject, "status": item.status, "created_at": item.created_at,
           "last_message_at": item.last_message_at, "last_message_by": item.last_message_by,
           "message_count": int(item.message_count or 0),
           "unread": bool(item.patient_unread if side == "patient" else item.staff_unread),
           "patient_read_at": item.patient_read_at, "staff_read_at": item.staff_read_at,
           "assigned_name": item.assigned_name, "revision": int(item.revision or 0)}
    if side == "staff":
        out["patient_name"] = item.patient_name
        out["assigned_to"] = item.assigned_to
        out["assigned_to_me"] = False
    return out


def message(item, header) -> dict:
    """A message; `read`: the other side has read it (their read receipt reaches it)."""
    other = None
    if header is not None:
        other = header.staff_read_key if item.author_kind == "patient" else header.patient_read_key
    return {"message_id": item.item_key.rsplit("#", 1)[-1], "at": item.created_at,
            "author": {"kind": item.author_kind, "name": item.author_name}, "text": item.text,
            "read": bool(other and other >= item.item_key)}


def _thread(header, messages, cursor, *, side: str, me: str | None = None) -> dict:
    shaped = conversation(header, side=side) if header is not None else None
    if shaped is not None and side == "staff":
        shaped["assigned_to_me"] = header.assigned_to == me
    return {"conversation": shaped, "messages": [message(m, header) for m in messages], "next_cursor": cursor}


def _staff_item(session):
    def shape(item):
        out = conversation(item, side="staff")
        out["assigned_to_me"] = item.assigned_to == session.subject_id
        return out
    return shape


# ---------------------------------------------------------------- the patient side

@route(bp, PATIENT, guard=section_access(SECTION))
def patient_conversations(request, patient_id, *, auth):
    from chalicelib.sections.messages.patient import conversations, topics

    session, grant = auth
    items, cursor = conversations(session, grant, _cursor(request), request_info(request))
    return json_response({"items": [conversation(i, side="patient") for i in items], "next_cursor": cursor,
                          "topics": topics(session.clinic_id)})


@route(bp, PATIENT, methods=("POST",), body=StartConversationBody, guard=section_access(SECTION))
def start_conversation(request, patient_id, *, auth, body: StartConversationBody):
    from chalicelib.sections.messages.patient import start

    session, grant = auth
    item, first = start(session, grant, topic=body.topic, subject=body.subject, text=body.text,
                        info=request_info(request))
    return json_response(_thread(item, [first], None, side="patient"), 201)


@route(bp, PATIENT + "/{conversation_id}", guard=section_access(SECTION))
def patient_thread(request, patient_id, conversation_id, *, auth):
    from chalicelib.sections.messages.patient import thread

    session, grant = auth
    header, messages, cursor = thread(session, grant, conversation_id, _cursor(request), request_info(request))
    return json_response(_thread(header, messages, cursor, side="patient"))


@route(bp, PATIENT + "/{conversation_id}/replies", methods=("POST",), body=MessageBody,
       guard=section_access(SECTION))
def patient_reply(request, patient_id, conversation_id, *, auth, body: MessageBody):
    from chalicelib.sections.messages.patient import reply

    session, grant = auth
    item, sent = reply(session, grant, conversation_id, text=body.text, info=request_info(request))
    return json_response({"conversation": conversation(item, side="patient"), "message": message(sent, item)}, 201)


# ---------------------------------------------------------------- the clinic inbox

@route(bp, CLINIC + "/inbox", guard=clinic_permission(PERMISSION))
def inbox(request, clinic_id, *, auth):
    from chalicelib.sections.messages.staff import inbox as use_case

    session, _clinic = auth
    box = (request.query_params or {}).get("box") or "unassigned"
    items, cursor = use_case(session, box, _cursor(request))
    return json_response({"items": [_staff_item(session)(i) for i in items], "next_cursor": cursor})


def _poller(request, clinic_id, **_params):
    """The summary's guard: the session, the staff member and the two count items in one
    TransactGetItems (`api.access.authenticate_staff_with`: the clinic is the session's
    own, so it is not read again), so a poll, 304 or not, is one DynamoDB request; a
    background poll does not keep the session alive. Returns (session, count items)."""
    from chalicelib.api.access import authenticate_staff_with
    from chalicelib.core.errors import Forbidden
    from chalicelib.sections.messages.staff import summary_keys

    session, extras = authenticate_staff_with(request, clinic_id, summary_keys)
    if PERMISSION not in session.permissions:
        raise Forbidden("You do not have permission to do that.", code="forbidden")
    return session, extras


@route(bp, CLINIC + "/inbox/summary", guard=_poller)
def inbox_summary(request, clinic_id, *, auth):
    """The inbox's counts; a page polling with If-None-Match gets 304 while nothing changed."""
    from chalicelib.sections.messages.staff import summary

    counts, etag = summary(*auth)
    return fresh_or_json(request, etag, lambda: {"counts": counts})


@route(bp, CLINIC + "/inbox/assignees", guard=clinic_permission(PERMISSION))
def inbox_assignees(request, clinic_id, *, auth):
    from chalicelib.sections.messages.staff import assignees

    session, _clinic = auth
    return json_response({"items": [{"username": s.username, "name": f"{s.first_name} {s.last_name}".strip(),
                                     "me": s.username_key == session.subject_id} for s in assignees(session)]})


@route(bp, THREAD, guard=clinic_permission(PERMISSION))
def staff_thread(request, clinic_id, conversation_id, *, auth):
    from chalicelib.sections.messages.staff import thread

    session, _clinic = auth
    header, messages, cursor = thread(session, conversation_id, _cursor(request), request_info(request))
    return json_response(_thread(header, messages, cursor, side="staff", me=session.subject_id))


@route(bp, THREAD + "/replies", methods=("POST",), body=MessageBody, guard=clinic_permission(PERMISSION))
def staff_reply(request, clinic_id, conversation_id, *, auth, body: MessageBody):
    from chalicelib.sections.messages.staff import reply

    session, _clinic = auth
    item, sent = reply(session, conversation_id, text=body.text, info=request_info(request))
    return json_response({"conversation": _staff_item(session)(item), "message": message(sent, item)}, 201)


@route(bp, THREAD + "/assign", methods=("POST",), body=AssignConversationBody, guard=clinic_permission(PERMISSION))
def assign(request, clinic_id, conversation_id, *, auth, body: AssignConversationBody):
    from chalicelib.sections.messages.staff import assign as use_case

    session, _clinic = auth
    item = use_case(session, conversation_id, body.assignee, request_info(request))
    return json_response({"conversation": _staff_item(session)(item)})


def _status_view(status: str):
    def view(request, clinic_id, conversation_id, *, auth):
        from chalicelib.sections.messages.staff import set_status

        session, _clinic = auth
        item = set_status(session, conversation_id, status, request_info(request))
        return json_response({"conversation": _staff_item(session)(item)})
    return view


for _action, _status in (("close", "closed"), ("reopen", "open")):
    _view = _status_view(_status)
    _view.__name__ = _view.__qualname__ = f"{_action}_conversation"
    route(bp, THREAD + f"/{_action}", methods=("POST",), guard=clinic_permission(PERMISSION))(_view)
