"""Patient-portal accounts for staff with `portal_accounts.manage`: the setup form's
create / read / change / delete, the User Management list and its actions, and
the form requests staff make of an account."""
from chalice import Blueprint

from chalicelib.api.http import (authenticate_clinic, bool_field, choice_field, json_body, json_response,
                                 request_info, route, text_field)

bp = Blueprint(__name__)

PERMISSION = "portal_accounts.manage"
BASE = "/api/clinics/{clinic_id}/portal-accounts"
MAX_NAME = 100
MAX_USERNAME = 254


def _clinic(request, clinic_id):
    return authenticate_clinic(request, clinic_id, permission=PERMISSION)


@route(bp, BASE)
def list_portal_accounts(request, clinic_id):
    from chalicelib.portal_accounts.listing import list_accounts

    session, clinic = _clinic(request, clinic_id)
    params = request.query_params or {}
    return json_response(list_accounts(clinic, status=params.get("status") or "all",
                                       patient_id=params.get("patient_id") or None,
                                       q=params.get("q") or None, cursor=params.get("cursor")))


@route(bp, BASE, methods=("POST",))
def create_portal_account(request, clinic_id):
    from chalicelib.patients.records import check_patient_id
    from chalicelib.portal_accounts.admin import create_account
    from chalicelib.portal_accounts.records import ACCESS_TYPES

    session, clinic = _clinic(request, clinic_id)
    body = json_body(request, required=("patient_id", "username", "first_name", "last_name", "access_type"),
                     optional=("force_password_change", "permissions", "send_invitation"))
    patient_id = check_patient_id(body["patient_id"])
    username = text_field(body, "username", max_length=MAX_USERNAME)
    first_name = text_field(body, "first_name", max_length=MAX_NAME).strip()
    last_name = text_field(body, "last_name", max_length=MAX_NAME).strip()
    access_type = choice_field(body, "access_type", ACCESS_TYPES)
    result = create_account(
        session, clinic, patient_id=patient_id, username=username, first_name=first_name,
        last_name=last_name, access_type=access_type,
        force_password_change=bool_field(body, "force_password_change"),
        permissions=body.get("permissions"), send_invitation=bool_field(body, "send_invitation"),
        info=request_info(request))
    return json_response(result, 201)


@route(bp, BASE + "/{account_id}")
def get_portal_account(request, clinic_id, account_id):
    from chalicelib.portal_accounts.admin import account_json, get_account

    session, clinic = _clinic(request, clinic_id)
    return json_response({"account": account_json(get_account(clinic.clinic_key, account_id),
                                                   clinic.clinic_id)})


@route(bp, BASE + "/{account_id}", methods=("PATCH",))
def update_portal_account(request, clinic_id, account_id):
    from chalicelib.portal_accounts.admin import EDITABLE, check_changes, update_account

    session, clinic = _clinic(request, clinic_id)
    changes = check_changes(json_body(request, optional=EDITABLE))
    return json_response({"account": update_account(session, clinic, account_id, changes,
                                                    request_info(request))})


@route(bp, BASE + "/{account_id}", methods=("DELETE",))
def delete_portal_account(request, clinic_id, account_id):
    from chalicelib.portal_accounts.admin import delete_account

    session, clinic = _clinic(request, clinic_id)
    delete_account(session, clinic, account_id, request_info(request))
    return json_response(None, 204)


@route(bp, BASE + "/{account_id}/reset-password", methods=("POST",))
def reset_portal_password(request, clinic_id, account_id):
    from chalicelib.portal_accounts.admin import reset_password

    session, clinic = _clinic(request, clinic_id)
    return json_response(reset_password(session, clinic, account_id, request_info(request)))


@route(bp, BASE + "/{account_id}/disable", methods=("POST",))
def disable_portal_account(request, clinic_id, account_id):
    from chalicelib.portal_accounts.admin import set_enabled

    session, clinic = _clinic(request, clinic_id)
    return json_response({"account": set_enabled(session, clinic, account_id, False, request_info(request))})


@route(bp, BASE + "/{account_id}/enable", methods=("POST",))
def enable_portal_account(request, clinic_id, account_id):
    from chalicelib.portal_accounts.admin import set_enabled

    session, clinic = _clinic(request, clinic_id)
    return json_response({"account": set_enabled(session, clinic, account_id, True, request_info(request))})


@route(bp, BASE + "/{account_id}/force-password-change", methods=("POST",))
def force_portal_password_change(request, clinic_id, account_id):
    from chalicelib.portal_accounts.admin import force_password_change

    session, clinic = _clinic(request, clinic_id)
    return json_response({"account": force_password_change(session, clinic, account_id,
                                                           request_info(request))})


@route(bp, BASE + "/{account_id}/resend-invitation", methods=("POST",))
def resend_portal_invitation(request, clinic_id, account_id):
    from chalicelib.portal_accounts.admin import resend_invitation

    session, clinic = _clinic(request, clinic_id)
    return json_response({"account": resend_invitation(session, clinic, account_id, request_info(request))})


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
