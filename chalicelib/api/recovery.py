"""Getting back in without a session: forgot password (staff and patients), forgot
username (staff), and choosing a new password with the emailed link.

The forgot routes answer 202 with one body whatever happened (auth/forgot.py).
The token travels in request bodies only, never in a path, so request logs and
access logs do not record it."""
from chalice import Blueprint

from chalicelib.api.access import public_origin
from chalicelib.api.bodies import ForgotPasswordBody, ForgotUsernameBody, PasswordResetBody, PasswordResetLookupBody
from chalicelib.api.http import json_response, request_info, route

bp = Blueprint(__name__)


@route(bp, "/api/clinics/{clinic_id}/password/forgot", methods=("POST",), body=ForgotPasswordBody,
       guard=public_origin)
def forgot_password(request, clinic_id, *, auth, body: ForgotPasswordBody):
    from chalicelib.auth.forgot import ACCEPTED_PASSWORD
    from chalicelib.auth.forgot import forgot_password as use_case

    use_case(clinic_id, body.login_type, body.username, request_info(request))
    return json_response({"message": ACCEPTED_PASSWORD}, 202)


@route(bp, "/api/clinics/{clinic_id}/username/forgot", methods=("POST",), body=ForgotUsernameBody,
       guard=public_origin)
def forgot_username(request, clinic_id, *, auth, body: ForgotUsernameBody):
    from chalicelib.auth.forgot import ACCEPTED_USERNAME
    from chalicelib.auth.forgot import forgot_username as use_case

    use_case(clinic_id, body.email, request_info(request))
    return json_response({"message": ACCEPTED_USERNAME}, 202)


@route(bp, "/api/password/reset/lookup", methods=("POST",), body=PasswordResetLookupBody, guard=public_origin)
def lookup_reset(request, *, auth, body: PasswordResetLookupBody):
    from chalicelib.api import serializers
    from chalicelib.auth.password_reset import lookup

    return json_response({"reset": serializers.invitation(lookup(body.token))})


@route(bp, "/api/password/reset", methods=("POST",), body=PasswordResetBody, guard=public_origin)
def reset_password(request, *, auth, body: PasswordResetBody):
    from chalicelib.auth.password_reset import reset

    reset(body.token, body.password, request_info(request))
    return json_response(None, 204)
