"""Staff management, for administrators (`staff.manage`)."""
from chalice import Blueprint

from chalicelib.api.access import clinic_permission
from chalicelib.api.bodies import ChangeStaffBody, CreateStaffBody
from chalicelib.api.http import expected_revision, issued_response, json_response, register_actions, request_info, route

bp = Blueprint(__name__)

PERMISSION = "staff.manage"
BASE = "/api/clinics/{clinic_id}/staff"
ADMIN = clinic_permission(PERMISSION)


def _reply(result, status: int = 200):
    """`{"staff": ...}` (+ `"credentials"` when a password was issued), with its ETag."""
    from chalicelib.api import serializers

    return issued_response("staff", serializers.staff, result, status)


@route(bp, BASE, guard=ADMIN)
def list_staff(request, clinic_id, *, auth):
    from chalicelib.api import serializers
    from chalicelib.people.locks import show_locks
    from chalicelib.staff.admin import KIND
    from chalicelib.staff.admin import list_staff as use_case

    session, clinic = auth
    items, cursor = use_case(clinic, (request.query_params or {}).get("cursor"))
    show_locks(clinic, KIND, items)
    return json_response(serializers.page(items, cursor, serializers.staff))


@route(bp, BASE, methods=("POST",), body=CreateStaffBody, guard=ADMIN)
def create_staff(request, clinic_id, *, auth, body: CreateStaffBody):
    from chalicelib.staff.admin import create_staff as use_case

    session, clinic = auth
    result = use_case(session, clinic, username=body.username, first_name=body.first_name,
                      last_name=body.last_name, email=body.email, roles=body.roles,
                      portal_access=body.portal_access, force_password_change=body.force_password_change,
                      send_invitation=body.send_invitation, info=request_info(request))
    return _reply(result, 201)


@route(bp, BASE + "/{username}", guard=ADMIN)
def get_staff(request, clinic_id, username, *, auth):
    from chalicelib.staff.admin import get_staff as use_case

    session, clinic = auth
    return _reply(use_case(clinic.clinic_key, username))


@route(bp, BASE + "/{username}", methods=("PATCH",), body=ChangeStaffBody, guard=ADMIN)
def update_staff(request, clinic_id, username, *, auth, body: ChangeStaffBody):
    from chalicelib.staff.admin import update_staff as use_case

    session, clinic = auth
    return _reply(use_case(session, clinic, username, body.changes(), request_info(request),
                           revision=expected_revision(request, body)))


def _action(name: str, **kwargs):
    """POST /{username}/<action>: the use case, the record's reply."""
    def view(request, clinic_id, username, *, auth):
        from chalicelib.staff import admin

        session, clinic = auth
        return _reply(getattr(admin, name)(session, clinic, username, info=request_info(request),
                                           revision=expected_revision(request), **kwargs))
    return view


register_actions(bp, BASE + "/{username}", ADMIN, {
    "disable": ("disable_staff", "set_enabled", {"enabled": False}),
    "enable": ("enable_staff", "set_enabled", {"enabled": True}),
    "reset-password": ("reset_staff_password", "reset_password", {}),
    "resend-invitation": ("resend_staff_invitation", "resend_invitation", {}),
    "unlock": ("unlock_staff", "unlock", {}),
    "remove-passkeys": ("remove_staff_passkeys", "remove_passkeys", {}),
    "reset-2fa": ("reset_staff_mfa", "reset_mfa", {}),
}, _action)
