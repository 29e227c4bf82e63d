"""Staff management, for administrators (`staff.manage`)."""
from chalice import Blueprint

from chalicelib.api.http import (authenticate_clinic, bool_field, expected_revision, json_body, json_response,
                                 record_response, request_info, revision_field, route, text_field)
from chalicelib.core.changes import changed_names
from chalicelib.core.errors import InvalidRequest
from chalicelib.core.limits import NAME_MAX

bp = Blueprint(__name__)

PERMISSION = "staff.manage"
BASE = "/api/clinics/{clinic_id}/staff"


def _clinic(request, clinic_id):
    return authenticate_clinic(request, clinic_id, permission=PERMISSION)


@route(bp, BASE)
def list_staff(request, clinic_id):
    from chalicelib.api import serializers
    from chalicelib.staff.admin import list_staff as use_case

    session, clinic = _clinic(request, clinic_id)
    items, cursor = use_case(clinic, (request.query_params or {}).get("cursor"))
    return json_response(serializers.page(items, cursor, serializers.staff))


def _staff_reply(result, status: int = 200):
    """`{"staff": ...}` (+ `"credentials"` when a password was issued), with its ETag."""
    from chalicelib.api import serializers
    from chalicelib.people.admin import Issued

    item = result.item if isinstance(result, Issued) else result
    body = {"staff": serializers.staff(item)}
    if isinstance(result, Issued) and result.credentials is not None:
        body["credentials"] = result.credentials
    return record_response(body, item, status)


def _email(value):
    from chalicelib.portal_accounts.records import check_email

    return None if value in (None, "") else check_email(value, "email")


@route(bp, BASE, methods=("POST",))
def create_staff(request, clinic_id):
    from chalicelib.staff.admin import create_staff as use_case
    from chalicelib.staff.records import check_roles, check_staff_username

    session, clinic = _clinic(request, clinic_id)
    body = json_body(request, required=("username", "first_name", "last_name", "roles"),
                     optional=("email", "portal_access", "force_password_change", "send_invitation"))
    username = check_staff_username(text_field(body, "username", max_length=64))
    first_name = text_field(body, "first_name", max_length=NAME_MAX).strip()
    last_name = text_field(body, "last_name", max_length=NAME_MAX).strip()
    result = use_case(session, clinic, username=username, first_name=first_name, last_name=last_name,
                      email=_email(body.get("email")), roles=check_roles(body["roles"]),
                      portal_access=bool_field(body, "portal_access", True),
                      force_password_change=bool_field(body, "force_password_change"),
                      send_invitation=bool_field(body, "send_invitation", False), info=request_info(request))
    return _staff_reply(result, 201)


@route(bp, BASE + "/{username}")
def get_staff(request, clinic_id, username):
    from chalicelib.staff.admin import get_staff as use_case

    session, clinic = _clinic(request, clinic_id)
    return _staff_reply(use_case(clinic.clinic_key, username))


EDITABLE = ("first_name", "last_name", "email", "roles", "portal_access", "force_password_change")


def _changes(body: dict) -> dict:
    from chalicelib.staff.records import check_roles

    clean = changed_names(body)
    if "email" in body:
        clean["email"] = _email(body["email"])
    if "roles" in body:
        clean["roles"] = check_roles(body["roles"])
    for name in ("portal_access", "force_password_change"):
        if name in body:
            if not isinstance(body[name], bool):
                raise InvalidRequest(f"{name} must be true or false.")
            clean[name] = body[name]
    if not clean:
        raise InvalidRequest(f"Send at least one of: {', '.join(EDITABLE)}.")
    return clean


@route(bp, BASE + "/{username}", methods=("PATCH",))
def update_staff(request, clinic_id, username):
    from chalicelib.staff.admin import update_staff as use_case

    session, clinic = _clinic(request, clinic_id)
    body = json_body(request, optional=EDITABLE + ("revision",))
    revision = expected_revision(request, revision_field(body))
    changes = _changes({k: v for k, v in body.items() if k != "revision"})
    return _staff_reply(use_case(session, clinic, username, changes, request_info(request), revision=revision))


def _action(name: str, **kwargs):
    """POST /{username}/<action>: the use case, the record's reply."""
    def view(request, clinic_id, username):
        from chalicelib.staff import admin

        session, clinic = _clinic(request, clinic_id)
        return _staff_reply(getattr(admin, name)(session, clinic, username, info=request_info(request),
                                                 revision=expected_revision(request), **kwargs))
    return view


for _path, _view_name, _name, _kwargs in (
        ("disable", "disable_staff", "set_enabled", {"enabled": False}),
        ("enable", "enable_staff", "set_enabled", {"enabled": True}),
        ("reset-password", "reset_staff_password", "reset_password", {}),
        ("resend-invitation", "resend_staff_invitation", "resend_invitation", {})):
    _view = _action(_name, **_kwargs)
    _view.__name__ = _view.__qualname__ = _view_name
    route(bp, BASE + "/{username}/" + _path, methods=("POST",))(_view)
