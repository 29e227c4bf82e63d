"""Login, logout, the signed-in principal, and changing one's own password."""
from chalice import Blueprint

from chalicelib.api.http import (authenticate, check_origin, choice_field, json_body,
                                 json_response, request_info, route, session_cookie, text_field)

bp = Blueprint(__name__)

MAX_USERNAME = 254


@route(bp, "/api/clinics/{clinic_id}/login", methods=("POST",))
def login(request, clinic_id):
    from chalicelib.auth import login as use_case
    from chalicelib.auth.passwords import MAX_PASSWORD_LENGTH
    from chalicelib.auth.principals import LOGIN_TYPES

    check_origin(request, required=False)
    body = json_body(request, required=("login_type", "username", "password"),
                     optional=("captcha_token", "session_delivery"))
    login_type = choice_field(body, "login_type", LOGIN_TYPES)
    username = text_field(body, "username", max_length=MAX_USERNAME)
    password = text_field(body, "password", max_length=MAX_PASSWORD_LENGTH, allow_empty=False)
    captcha_token = body.get("captcha_token")
    if captcha_token is not None and not isinstance(captcha_token, str):
        captcha_token = ""  # present but not text: rejected like any bad token
    delivery = choice_field(body, "session_delivery", ("cookie", "bearer"), default="cookie")

    result = use_case.login(clinic_id, login_type, username, password, captcha_token, request_info(request))
    payload = {"principal": result.principal, "password_change_required": result.password_change_required}
    if delivery == "bearer":
        payload["session_token"] = result.token
        return json_response(payload)
    return json_response(payload, headers={"Set-Cookie": session_cookie(result.token)})


@route(bp, "/api/me")
def me(request):
    from chalicelib.auth.sessions import principal_json

    session = authenticate(request, allow_pending_change=True)
    return json_response({"principal": principal_json(session),
                          "password_change_required": bool(session.password_change_required)})


@route(bp, "/api/logout", methods=("POST",))
def logout(request):
    from chalicelib.auth import login as use_case
    from chalicelib.core.errors import NotAuthenticated

    try:
        session = authenticate(request, allow_pending_change=True)
    except NotAuthenticated:
        session = None  # already ended: logging out again is not an error
    if session is not None:
        use_case.logout(session, request_info(request))
    return json_response(None, 204, headers={"Set-Cookie": session_cookie(None)})


@route(bp, "/api/me/password", methods=("POST",))
def change_password(request):
    from chalicelib.auth.password_change import change_password as use_case
    from chalicelib.auth.passwords import MAX_PASSWORD_LENGTH

    session = authenticate(request, allow_pending_change=True)
    body = json_body(request, required=("current_password", "new_password"))
    current = text_field(body, "current_password", max_length=MAX_PASSWORD_LENGTH)
    new = text_field(body, "new_password", max_length=MAX_PASSWORD_LENGTH * 2, allow_empty=True)
    use_case(session, current, new, request_info(request))
    return json_response(None, 204)
