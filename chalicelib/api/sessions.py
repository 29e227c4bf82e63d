"""Where you're signed in: one's own sessions, and (admins) a staff member's."""
from chalice import Blueprint

from chalicelib.api.access import clinic_permission, session_cookie, signed_in
from chalicelib.api.http import json_response, request_info, route

bp = Blueprint(__name__)

OWN = "/api/me/sessions"
STAFF = "/api/clinics/{clinic_id}/staff/{username}/sessions"
ADMIN = clinic_permission("staff.manage")


@route(bp, OWN, guard=signed_in())
def list_own(request, *, auth):
    from chalicelib.auth import session_list

    return json_response({"sessions": session_list.own(auth)})


@route(bp, OWN + "/{session_id}", methods=("DELETE",), guard=signed_in())
def end_own(request, session_id, *, auth):
    from chalicelib.auth import session_list

    this_one = session_list.end_own(auth, session_id, request_info(request))
    return json_response(None, 204, headers={"Set-Cookie": session_cookie(None)} if this_one else None)


@route(bp, OWN + "/sign-out-others", methods=("POST",), guard=signed_in())
def end_others(request, *, auth):
    from chalicelib.auth import session_list

    return json_response({"sessions_ended": session_list.end_others(auth, request_info(request))})


@route(bp, STAFF, guard=ADMIN)
def list_staff_sessions(request, clinic_id, username, *, auth):
    from chalicelib.auth import session_list

    _session, clinic = auth
    return json_response({"sessions": session_list.of_staff(clinic, username)})


@route(bp, STAFF + "/{session_id}", methods=("DELETE",), guard=ADMIN)
def end_staff_session(request, clinic_id, username, session_id, *, auth):
    from chalicelib.auth import session_list

    session, clinic = auth
    session_list.end_staff_session(session, clinic, username, session_id, request_info(request))
    return json_response(None, 204)
