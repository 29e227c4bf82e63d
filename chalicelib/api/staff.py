"""Staff management, for administrators (`staff.manage`)."""
from chalice import Blueprint

from chalicelib.api.bodies import ChangeStaffBody, CreateStaffBody
from chalicelib.api.http import authenticate_clinic, clinic_permission, json_response, request_info, route

bp = Blueprint(__name__)

PERMISSION = "staff.manage"
BASE = "/api/clinics/{clinic_id}/staff"
ADMIN = clinic_permission(PERMISSION)


def _clinic(request, clinic_id):
    return authenticate_clinic(request, clinic_id, permission=PERMISSION)


@route(bp, BASE)
def list_staff(request, clinic_id):
    from chalicelib.staff.admin import list_staff as use_case

    session, clinic = _clinic(request, clinic_id)
    return json_response(use_case(clinic, (request.query_params or {}).get("cursor")))


@route(bp, BASE, methods=("POST",), body=CreateStaffBody, guard=ADMIN)
def create_staff(request, clinic_id, *, auth, body: CreateStaffBody):
    from chalicelib.staff.admin import create_staff as use_case

    session, clinic = auth
    result = use_case(session, clinic, username=body.username, first_name=body.first_name,
                      last_name=body.last_name, email=body.email, roles=body.roles,
                      portal_access=body.portal_access, force_password_change=body.force_password_change,
                      send_invitation=body.send_invitation, info=request_info(request))
    return json_response(result, 201)


@route(bp, BASE + "/{username}")
def get_staff(request, clinic_id, username):
    from chalicelib.staff.admin import get_staff as use_case, staff_json

    session, clinic = _clinic(request, clinic_id)
    return json_response({"staff": staff_json(use_case(clinic.clinic_key, username))})


@route(bp, BASE + "/{username}", methods=("PATCH",), body=ChangeStaffBody, guard=ADMIN)
def update_staff(request, clinic_id, username, *, auth, body: ChangeStaffBody):
    from chalicelib.staff.admin import update_staff as use_case

    session, clinic = auth
    changes = body.changes()
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
