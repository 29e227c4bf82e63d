"""Patient-portal accounts for staff with `portal_accounts.manage`: the setup form's
create / read / change / delete, the User Management list and its actions, and
the form requests staff make of an account."""
from chalice import Blueprint

from chalicelib.api.http import (authenticate_clinic, bool_field, choice_field, expected_revision, json_body,
                                 json_response, record_response, request_info, revision_field, route,
                                 text_field)
from chalicelib.core.changes import changed_names
from chalicelib.core.errors import InvalidRequest
from chalicelib.core.limits import EMAIL_MAX, NAME_MAX

bp = Blueprint(__name__)

PERMISSION = "portal_accounts.manage"
BASE = "/api/clinics/{clinic_id}/portal-accounts"


def _clinic(request, clinic_id):
    return authenticate_clinic(request, clinic_id, permission=PERMISSION)


@route(bp, BASE)
def list_portal_accounts(request, clinic_id):
    from chalicelib.api import serializers
    from chalicelib.portal_accounts.listing import list_accounts

    session, clinic = _clinic(request, clinic_id)
    params = request.query_params or {}
    items, cursor = list_accounts(clinic, status=params.get("status") or "all",
                                  patient_id=params.get("patient_id") or None,
                                  q=params.get("q") or None, cursor=params.get("cursor"))
    return json_response(serializers.page(items, cursor, lambda i: serializers.account(i, clinic.clinic_id)))


def _account_reply(clinic, result, status: int = 200):
    """`{"account": ...}` (+ `"credentials"` when a password was issued), with its ETag."""
    from chalicelib.api import serializers
    from chalicelib.people.admin import Issued

    item = result.item if isinstance(result, Issued) else result
    body = {"account": serializers.account(item, clinic.clinic_id)}
    if isinstance(result, Issued) and result.credentials is not None:
        body["credentials"] = result.credentials
    return record_response(body, item, status)


@route(bp, BASE, methods=("POST",))
def create_portal_account(request, clinic_id):
    from chalicelib.patients.records import check_patient_id
    from chalicelib.portal_accounts.admin import create_account
    from chalicelib.portal_accounts.records import ACCESS_TYPES, check_email, check_permissions

    session, clinic = _clinic(request, clinic_id)
    body = json_body(request, required=("patient_id", "username", "first_name", "last_name", "access_type"),
                     optional=("force_password_change", "permissions", "send_invitation"))
    patient_id = check_patient_id(body["patient_id"])
    username = check_email(text_field(body, "username", max_length=EMAIL_MAX))
    first_name = text_field(body, "first_name", max_length=NAME_MAX).strip()
    last_name = text_field(body, "last_name", max_length=NAME_MAX).strip()
    access_type = choice_field(body, "access_type", ACCESS_TYPES)
    permissions = body.get("permissions")
    result = create_account(
        session, clinic, patient_id=patient_id, username=username, first_name=first_name,
        last_name=last_name, access_type=access_type,
        force_password_change=bool_field(body, "force_password_change"),
        permissions=None if permissions is None else check_permissions(permissions),
        send_invitation=bool_field(body, "send_invitation"), info=request_info(request))
    return _account_reply(clinic, result, 201)


@route(bp, BASE + "/{account_id}")
def get_portal_account(request, clinic_id, account_id):
    from chalicelib.portal_accounts.admin import get_account

    session, clinic = _clinic(request, clinic_id)
    return _account_reply(clinic, get_account(clinic.clinic_key, account_id))


EDITABLE = ("first_name", "last_name", "access_type", "force_password_change", "permissions")


def _changes(body: dict) -> dict:
    from chalicelib.portal_accounts.records import ACCESS_TYPES, check_permissions

    clean = changed_names(body)
    if "access_type" in body:
        clean["access_type"] = choice_field(body, "access_type", ACCESS_TYPES)
    if "force_password_change" in body:
        if not isinstance(body["force_password_change"], bool):
            raise InvalidRequest("force_password_change must be true or false.")
        clean["force_password_change"] = body["force_password_change"]
    if "permissions" in body:
        clean["permissions"] = check_permissions(body["permissions"])
    if not clean:
        raise InvalidRequest(f"Send at least one of: {', '.join(EDITABLE)}.")
    return clean


@route(bp, BASE + "/{account_id}", methods=("PATCH",))
def update_portal_account(request, clinic_id, account_id):
    from chalicelib.portal_accounts.admin import update_account

    session, clinic = _clinic(request, clinic_id)
    body = json_body(request, optional=EDITABLE + ("revision",))
    revision = expected_revision(request, revision_field(body))
    changes = _changes({k: v for k, v in body.items() if k != "revision"})
    return _account_reply(clinic, update_account(session, clinic, account_id, changes, request_info(request),
                                                 revision=revision))


@route(bp, BASE + "/{account_id}", methods=("DELETE",))
def delete_portal_account(request, clinic_id, account_id):
    from chalicelib.portal_accounts.admin import delete_account

    session, clinic = _clinic(request, clinic_id)
    delete_account(session, clinic, account_id, request_info(request), revision=expected_revision(request))
    return json_response(None, 204)


def _action(name: str, **kwargs):
    """POST /{account_id}/<action>: the use case, the record's reply."""
    def view(request, clinic_id, account_id):
        from chalicelib.portal_accounts import admin

        session, clinic = _clinic(request, clinic_id)
        result = getattr(admin, name)(session, clinic, account_id, info=request_info(request),
                                      revision=expected_revision(request), **kwargs)
        return _account_reply(clinic, result)
    return view


for _path, _view_name, _name, _kwargs in (
        ("reset-password", "reset_portal_password", "reset_password", {}),
        ("disable", "disable_portal_account", "set_enabled", {"enabled": False}),
        ("enable", "enable_portal_account", "set_enabled", {"enabled": True}),
        ("force-password-change", "force_portal_password_change", "force_password_change", {}),
        ("resend-invitation", "resend_portal_invitation", "resend_invitation", {})):
    _view = _action(_name, **_kwargs)
    _view.__name__ = _view.__qualname__ = _view_name
    route(bp, BASE + "/{account_id}/" + _path, methods=("POST",))(_view)


# ---------------------------------------------------------------- form requests (staff side)

@route(bp, BASE + "/{account_id}/form-requests")
def list_form_requests(request, clinic_id, account_id):
    from chalicelib.portal_accounts.form_requests import list_for_account

    session, clinic = _clinic(request, clinic_id)
    return json_response(list_for_account(clinic, account_id, (request.query_params or {}).get("cursor")))


@route(bp, BASE + "/{account_id}/form-requests", methods=("POST",))
def create_form_request(request, clinic_id, account_id):
    from chalicelib.portal_accounts.form_requests import MAX_FORM_NAME, MAX_NOTE, create_request

    session, clinic = _clinic(request, clinic_id)
    body = json_body(request, required=("form_name",), optional=("note", "due_date"))
    form_name = text_field(body, "form_name", max_length=MAX_FORM_NAME)
    note = text_field(body, "note", max_length=MAX_NOTE, required=False, allow_empty=True)
    result = create_request(session, clinic, account_id, form_name=form_name, note=note,
                            due_date=body.get("due_date"), info=request_info(request))
    return json_response({"form_request": result}, 201)


@route(bp, BASE + "/{account_id}/form-requests/{request_id}")
def get_form_request(request, clinic_id, account_id, request_id):
    from chalicelib.portal_accounts.form_requests import get_for_staff

    session, clinic = _clinic(request, clinic_id)
    return json_response({"form_request": get_for_staff(clinic, account_id, request_id)})


@route(bp, BASE + "/{account_id}/form-requests/{request_id}/cancel", methods=("POST",))
def cancel_form_request(request, clinic_id, account_id, request_id):
    from chalicelib.portal_accounts.form_requests import cancel_request

    session, clinic = _clinic(request, clinic_id)
    return json_response({"form_request": cancel_request(session, clinic, account_id, request_id,
                                                         request_info(request))})
