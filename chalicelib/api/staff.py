"""Staff management, for administrators (`staff.manage`)."""
from chalice import Blueprint

from chalicelib.api.http import (authenticate_clinic, bool_field, json_body, json_response, request_info,
                                 route, text_field)

bp = Blueprint(__name__)

PERMISSION = "staff.manage"
BASE = "/api/clinics/{clinic_id}/staff"
MAX_NAME = 100


def _clinic(request, clinic_id):
    return authenticate_clinic(request, clinic_id, permission=PERMISSION)


@route(bp, BASE)
def list_staff(request, clinic_id):
    from chalicelib.staff.admin import list_staff as use_case

    session, clinic = _clinic(request, clinic_id)
    return json_response(use_case(clinic, (request.query_params or {}).get("cursor")))


@route(bp, BASE, methods=("POST",))
def create_staff(request, clinic_id):
    from chalicelib.staff.admin import create_staff as use_case

    session, clinic = _clinic(request, clinic_id)
    body = json_body(request, required=("username", "first_name", "last_name", "roles"),
                     optional=("email", "portal_access", "force_password_change", "send_invitation"))
    username = text_field(body, "username", max_length=64)
    first_name = text_field(body, "first_name", max_length=MAX_NAME).strip()
    last_name = text_field(body, "last_name", max_length=MAX_NAME).strip()
    email = body.get("email")
    if email == "":
        email = None
    result = use_case(session, clinic, username=username, first_name=first_name, last_name=last_name,
                      email=email, roles=body["roles"], portal_access=bool_field(body, "portal_access", True),
                      force_password_change=bool_field(body, "force_password_change"),
                      send_invitation=bool_field(body, "send_invitation", False), info=request_info(request))
    return json_response(result, 201)


@route(bp, BASE + "/{username}")
def get_staff(request, clinic_id, username):
    from chalicelib.staff.admin import get_staff as use_case, staff_json

    session, clinic = _clinic(request, clinic_id)
    return json_response({"staff": staff_json(use_case(clinic.clinic_key, username))})


@route(bp, BASE + "/{username}", methods=("PATCH",))
def update_staff(request, clinic_id, username):
    from chalicelib.staff.admin import EDITABLE, check_changes, update_staff as use_case

    session, clinic = _clinic(request, clinic_id)
    changes = check_changes(json_body(request, optional=EDITABLE))
    return json_response({"staff": use_case(session, clinic, username, changes, request_info(request))})


@route(bp, BASE + "/{username}/disable", methods=("POST",))
def disable_staff(request, clinic_id, username):
    from chalicelib.staff.admin import set_enabled

    session, clinic = _clinic(request, clinic_id)
    return json_response({"staff": set_enabled(session, clinic, username, False, request_info(request))})


@route(bp, BASE + "/{username}/enable", methods=("POST",))
def enable_staff(request, clinic_id, username):
    from chalicelib.staff.admin import set_enabled

    session, clinic = _clinic(request, clinic_id)
    return json_response({"staff": set_enabled(session, clinic, username, True, request_info(request))})


@route(bp, BASE + "/{username}/reset-password", methods=("POST",))
def reset_staff_password(request, clinic_id, username):
    from chalicelib.staff.admin import reset_password

    session, clinic = _clinic(request, clinic_id)
    return json_response(reset_password(session, clinic, username, request_info(request)))


@route(bp, BASE + "/{username}/resend-invitation", methods=("POST",))
def resend_staff_invitation(request, clinic_id, username):
    from chalicelib.staff.admin import resend_invitation

    session, clinic = _clinic(request, clinic_id)
    return json_response({"staff": resend_invitation(session, clinic, username, request_info(request))})
