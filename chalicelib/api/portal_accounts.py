"""Patient-portal accounts for staff with `portal_accounts.manage`: the setup form's
create / read / change / delete, the User Management list and its actions (the form
requests staff make of an account: `api/forms.py`). An "account" is a User Management
row: one access grant (`account_id` = grant id) with its login. The login as a
whole has its own actions under /portal-logins/{login_id}."""
from chalice import Blueprint

from chalicelib.api.access import clinic_permission
from chalicelib.api.bodies import ChangePortalAccountBody, CreatePortalAccountBody
from chalicelib.api.http import expected_revision, issued_response, json_response, register_actions, request_info, route

bp = Blueprint(__name__)

PERMISSION = "portal_accounts.manage"
BASE = "/api/clinics/{clinic_id}/portal-accounts"
MANAGER = clinic_permission(PERMISSION)


def _reply(clinic, result, status: int = 200):
    """`{"account": ...}` (+ `"credentials"` when a password was issued, `"access_added":
    true` when an existing login got one more grant), with its ETag."""
    from chalicelib.api import serializers
    from chalicelib.api.http import record_response
    from chalicelib.people.admin import Issued

    row = result.item if isinstance(result, Issued) else result
    body = {"account": serializers.account(row, clinic.clinic_id)}
    if isinstance(result, Issued) and result.credentials is not None:
        body["credentials"] = result.credentials
    if getattr(row, "attached", False):
        body["access_added"] = True
    return record_response(body, row, status)


@route(bp, BASE, guard=MANAGER)
def list_portal_accounts(request, clinic_id, *, auth):
    from chalicelib.api import serializers
    from chalicelib.people.locks import show_locks
    from chalicelib.portal_accounts.admin import KIND
    from chalicelib.portal_accounts.listing import list_accounts

    session, clinic = auth
    params = request.query_params or {}
    items, cursor = list_accounts(clinic, status=params.get("status") or "all",
                                  patient_id=params.get("patient_id") or None,
                                  q=params.get("q") or None, cursor=params.get("cursor"))
    show_locks(clinic, KIND, [row.login for row in items])   # one BatchGetItem of the page's counters
    return json_response(serializers.page(items, cursor, lambda i: serializers.account(i, clinic.clinic_id)))


@route(bp, BASE, methods=("POST",), body=CreatePortalAccountBody, guard=MANAGER)
def create_portal_account(request, clinic_id, *, auth, body: CreatePortalAccountBody):
    from chalicelib.portal_accounts.admin import create_account

    session, clinic = auth
    result = create_account(
        session, clinic, patient_id=body.patient_id, username=body.username, first_name=body.first_name,
        last_name=body.last_name, access_type=body.access_type, force_password_change=body.force_password_change,
        permissions=body.permissions, send_invitation=body.send_invitation, expires_on=body.expires_on,
        info=request_info(request))
    return _reply(clinic, result, 201)


@route(bp, BASE + "/{account_id}", guard=MANAGER)
def get_portal_account(request, clinic_id, account_id, *, auth):
    from chalicelib.portal_accounts.admin import get_account

    session, clinic = auth
    return _reply(clinic, get_account(clinic.clinic_key, account_id))


@route(bp, BASE + "/{account_id}", methods=("PATCH",), body=ChangePortalAccountBody, guard=MANAGER)
def update_portal_account(request, clinic_id, account_id, *, auth, body: ChangePortalAccountBody):
    from chalicelib.portal_accounts.admin import update_account

    session, clinic = auth
    return _reply(clinic, update_account(session, clinic, account_id, body.changes(), request_info(request),
                                         revision=expected_revision(request, body)))


@route(bp, BASE + "/{account_id}", methods=("DELETE",), guard=MANAGER)
def delete_portal_account(request, clinic_id, account_id, *, auth):
    from chalicelib.portal_accounts.admin import delete_account

    session, clinic = auth
    delete_account(session, clinic, account_id, request_info(request), revision=expected_revision(request))
    return json_response(None, 204)


def _action(name: str, **kwargs):
    """POST /{account_id}/<action>: the use case, the record's reply."""
    def view(request, clinic_id, account_id, *, auth):
        from chalicelib.portal_accounts import admin

        session, clinic = auth
        return _reply(clinic, getattr(admin, name)(session, clinic, account_id, info=request_info(request),
                                                   revision=expected_revision(request), **kwargs))
    return view


register_actions(bp, BASE + "/{account_id}", MANAGER, {
    "reset-password": ("reset_portal_password", "reset_password", {}),
    "disable": ("disable_portal_account", "set_enabled", {"enabled": False}),
    "enable": ("enable_portal_account", "set_enabled", {"enabled": True}),
    "force-password-change": ("force_portal_password_change", "force_password_change", {}),
    "resend-invitation": ("resend_portal_invitation", "resend_invitation", {}),
}, _action)


# ---------------------------------------------------------------- a login as a whole

LOGINS = "/api/clinics/{clinic_id}/portal-logins"


def _login_reply(clinic, result):
    from chalicelib.api import serializers

    return issued_response("login", lambda item: serializers.login(item, clinic.clinic_id), result)


@route(bp, LOGINS + "/{login_id}", guard=MANAGER)
def get_portal_login(request, clinic_id, login_id, *, auth):
    from chalicelib.portal_accounts.admin import get_login

    session, clinic = auth
    return _login_reply(clinic, get_login(clinic.clinic_key, login_id))


def _login_action(name: str, **kwargs):
    """POST /portal-logins/{login_id}/<action>: the login whatever patients it holds."""
    def view(request, clinic_id, login_id, *, auth):
        from chalicelib.portal_accounts import login_admin

        session, clinic = auth
        return _login_reply(clinic, login_admin.run(name, session, clinic, login_id, request_info(request),
                                                    revision=expected_revision(request), **kwargs))
    return view


register_actions(bp, LOGINS + "/{login_id}", MANAGER, {
    "reset-password": ("reset_portal_login_password", "reset_password", {}),
    "disable": ("disable_portal_login", "set_enabled", {"enabled": False}),
    "enable": ("enable_portal_login", "set_enabled", {"enabled": True}),
    "force-password-change": ("force_portal_login_password_change", "force_password_change", {}),
    "resend-invitation": ("resend_portal_login_invitation", "resend_invitation", {}),
    "unlock": ("unlock_portal_login", "unlock", {}),
    "reset-2fa": ("reset_portal_login_mfa", "reset_mfa", {}),
    "remove-passkeys": ("remove_portal_login_passkeys", "remove_passkeys", {}),
}, _login_action)
