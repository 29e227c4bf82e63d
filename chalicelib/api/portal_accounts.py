"""Patient-portal accounts for staff with `portal_accounts.manage`: the setup form's
create / read / change / delete, the User Management list and its actions, and
the form requests staff make of an account."""
from chalice import Blueprint

from chalicelib.api.bodies import ChangePortalAccountBody, CreateFormRequestBody, CreatePortalAccountBody
from chalicelib.api.http import authenticate_clinic, clinic_permission, json_response, request_info, route

bp = Blueprint(__name__)

PERMISSION = "portal_accounts.manage"
BASE = "/api/clinics/{clinic_id}/portal-accounts"
MANAGER = clinic_permission(PERMISSION)


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


@route(bp, BASE, methods=("POST",), body=CreatePortalAccountBody, guard=MANAGER)
def create_portal_account(request, clinic_id, *, auth, body: CreatePortalAccountBody):
    from chalicelib.portal_accounts.admin import create_account

    session, clinic = auth
    result = create_account(
        session, clinic, patient_id=body.patient_id, username=body.username, first_name=body.first_name,
        last_name=body.last_name, access_type=body.access_type, force_password_change=body.force_password_change,
        permissions=body.permissions, send_invitation=body.send_invitation, info=request_info(request))
    return json_response(result, 201)


@route(bp, BASE + "/{account_id}")
def get_portal_account(request, clinic_id, account_id):
    from chalicelib.portal_accounts.admin import account_json, get_account

    session, clinic = _clinic(request, clinic_id)
    return json_response({"account": account_json(get_account(clinic.clinic_key, account_id),
                                                   clinic.clinic_id)})


@route(bp, BASE + "/{account_id}", methods=("PATCH",), body=ChangePortalAccountBody, guard=MANAGER)
def update_portal_account(request, clinic_id, account_id, *, auth, body: ChangePortalAccountBody):
    from chalicelib.portal_accounts.admin import update_account

    session, clinic = auth
    return json_response({"account": update_account(session, clinic, account_id, body.changes(),
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


@route(bp, BASE + "/{account_id}/form-requests", methods=("POST",), body=CreateFormRequestBody, guard=MANAGER)
def create_form_request(request, clinic_id, account_id, *, auth, body: CreateFormRequestBody):
    from chalicelib.portal_accounts.form_requests import create_request

    session, clinic = auth
    result = create_request(session, clinic, account_id, form_name=body.form_name, note=body.note,
                            due_date=body.due_date, info=request_info(request))
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
