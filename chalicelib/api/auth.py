"""Login, logout, the signed-in principal, and changing one's own password."""
from chalice import Blueprint

from chalicelib.api.access import authenticate, device_cookie, device_cookies, public_origin, session_cookie, signed_in
from chalicelib.api.bodies import LoginBody, PasswordChangeBody
from chalicelib.api.http import json_response, request_info, route

bp = Blueprint(__name__)


@route(bp, "/api/clinics/{clinic_id}/login", methods=("POST",), body=LoginBody, guard=public_origin)
def login(request, clinic_id, *, auth, body: LoginBody):
    """Cookie delivery also presents and receives device cookies (auth/devices.py):
    the new one for this person, and clearing the oldest past devices.MAX_COOKIES.
    Bearer delivery does neither."""
    from chalicelib.auth import login as use_case

    cookies = body.session_delivery != "bearer"
    presented = device_cookies(request) if cookies else {}
    result = use_case.login(clinic_id, body.login_type, body.username, body.password, body.captcha_token,
                            request_info(request), device_cookies=presented, issue_device=cookies)
    if isinstance(result, use_case.mfa.Challenge):   # 2FA on: no session yet (POST .../login/mfa)
        return json_response({"mfa_required": True, "mfa_token": result.mfa_token})
    return signed_in_reply(clinic_id, result, presented, cookies)


def signed_in_reply(clinic_id, result, presented: dict, cookies: bool):
    """The session a login started: its body, and (cookie delivery) the session and device cookies."""
    from chalicelib.api import serializers
    from chalicelib.auth import devices

    payload = serializers.signed_in(result.session)
    if not cookies:
        payload["session_token"] = result.token
        return json_response(payload)
    set_cookies = [session_cookie(result.token)]
    if result.device is not None:
        set_cookies.append(device_cookie(result.device.name, result.device.token, clinic_id, result.device.max_age))
        set_cookies += [device_cookie(name, None, clinic_id, 0)
                        for name in devices.evicted(presented, result.device.name)]
    # A list: Chalice sends it as multiValueHeaders, one Set-Cookie line each.
    return json_response(payload, headers={"Set-Cookie": set_cookies})


@route(bp, "/api/me")
def me(request):
    from chalicelib.api import serializers
    from chalicelib.clinics.records import get_clinic

    session = authenticate(request, allow_pending_change=True)
    # The rules of a pending password change, stated before the first attempt.
    clinic = get_clinic(session.clinic_id) if session.password_change_required else None
    return json_response(serializers.signed_in(session, clinic))


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


@route(bp, "/api/me/password", methods=("POST",), body=PasswordChangeBody,
       guard=signed_in(allow_pending_change=True))
def change_password(request, *, auth, body: PasswordChangeBody):
    from chalicelib.auth.password_change import change_password as use_case

    use_case(auth, body.current_password, body.new_password, request_info(request))
    return json_response(None, 204)
