"""Two-factor authentication: the login's second step, and a person's own set-up
(auth/mfa.py, auth/mfa_account.py). The set-up routes are open to a session that
must still set 2FA up (the clinic requires it), like the password change."""
from chalice import Blueprint

from chalicelib.api.access import device_cookies, public_origin, signed_in
from chalicelib.api.bodies import MfaCodeBody, MfaDisableBody, MfaLoginBody
from chalicelib.api.http import json_response, request_info, route

bp = Blueprint(__name__)
PENDING_OK = signed_in(allow_pending_change=True)


@route(bp, "/api/clinics/{clinic_id}/login/mfa", methods=("POST",), body=MfaLoginBody, guard=public_origin)
def login_mfa(request, clinic_id, *, auth, body: MfaLoginBody):
    """The same reply and cookies as a password login without 2FA."""
    from chalicelib.api.auth import signed_in_reply
    from chalicelib.auth.mfa import second_step
    from chalicelib.core.errors import InvalidRequest

    if (body.code is None) == (body.recovery_code is None):
        raise InvalidRequest("Send the code from your authenticator app, or one recovery code.")
    cookies = body.session_delivery != "bearer"
    presented = device_cookies(request) if cookies else {}
    result = second_step(clinic_id, body.mfa_token, body.code, body.recovery_code, request_info(request),
                         issue_device=cookies)
    return signed_in_reply(clinic_id, result, presented, cookies)


@route(bp, "/api/me/mfa", guard=PENDING_OK)
def mfa_status(request, *, auth):
    from chalicelib.auth.mfa_account import status

    return json_response(status(auth))


@route(bp, "/api/me/mfa/setup", methods=("POST",), guard=PENDING_OK)
def mfa_setup(request, *, auth):
    """A new secret (as text, an otpauth URI and an inline SVG QR code), pending until confirmed."""
    from chalicelib.auth.mfa_account import start

    return json_response(start(auth, request_info(request)), headers={"Cache-Control": "no-store"})


@route(bp, "/api/me/mfa/confirm", methods=("POST",), body=MfaCodeBody, guard=PENDING_OK)
def mfa_confirm(request, *, auth, body: MfaCodeBody):
    from chalicelib.auth.mfa_account import confirm

    codes = confirm(auth, body.code, request_info(request))
    return json_response({"recovery_codes": codes}, headers={"Cache-Control": "no-store"})


@route(bp, "/api/me/mfa/recovery-codes", methods=("POST",), body=MfaCodeBody, guard=PENDING_OK)
def mfa_recovery_codes(request, *, auth, body: MfaCodeBody):
    from chalicelib.auth.mfa_account import regenerate

    codes = regenerate(auth, body.code, request_info(request))
    return json_response({"recovery_codes": codes}, headers={"Cache-Control": "no-store"})


@route(bp, "/api/me/mfa/disable", methods=("POST",), body=MfaDisableBody, guard=PENDING_OK)
def mfa_disable(request, *, auth, body: MfaDisableBody):
    from chalicelib.auth.mfa_account import disable

    disable(auth, body.password, body.code, request_info(request))
    return json_response(None, 204)
