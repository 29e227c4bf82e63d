"""Passkeys (auth/passkeys/): one's own (options, add, list, rename, remove; adding
needs a recent check, `POST /api/me/reauth`), and signing in with one."""
from chalice import Blueprint

from chalicelib.api.access import device_cookies, public_origin, signed_in
from chalicelib.api.http import json_response, request_info, route
from chalicelib.api.passkey_bodies import (
    AddPasskeyBody,
    PasskeyLoginBody,
    PasskeyLoginOptionsBody,
    ReauthBody,
    RenamePasskeyBody,
)

bp = Blueprint(__name__)
MINE = "/api/me/passkeys"
NO_STORE = {"Cache-Control": "no-store"}


def _shape(item) -> dict:
    from chalicelib.core.ids import iso

    return {"id": item.passkey_id, "name": item.name, "created_at": iso(item.created_at),
            "last_used_at": iso(item.last_used_at), "transports": list(item.transports or []),
            "synced": bool(item.backed_up)}


@route(bp, "/api/me/reauth", methods=("POST",), body=ReauthBody, guard=signed_in())
def reauth(request, *, auth, body: ReauthBody):
    from chalicelib.auth.reauth import reauthenticate
    from chalicelib.core.ids import iso

    until = reauthenticate(auth, body.password, body.code, request_info(request))
    return json_response({"recent_until": iso(until)})


@route(bp, MINE, guard=signed_in())
def list_passkeys(request, *, auth):
    from chalicelib.auth.passkeys.manage import list_own
    from chalicelib.auth.reauth import recent_until
    from chalicelib.core.ids import iso, now

    until = recent_until(auth)
    return json_response({"passkeys": [_shape(p) for p in list_own(auth)],
                          "recent_until": iso(until) if until > now() else None})


@route(bp, MINE + "/options", methods=("POST",), guard=signed_in())
def passkey_options(request, *, auth):
    """`{"publicKey": ...}` for navigator.credentials.create()."""
    from chalicelib.auth.passkeys.register import options

    return json_response({"publicKey": options(auth)}, headers=NO_STORE)


@route(bp, MINE, methods=("POST",), body=AddPasskeyBody, guard=signed_in())
def add_passkey(request, *, auth, body: AddPasskeyBody):
    from chalicelib.auth.passkeys.register import add

    return json_response({"passkey": _shape(add(auth, body.credential, body.name, request_info(request)))}, 201)


@route(bp, MINE + "/{passkey_id}/name", methods=("PUT",), body=RenamePasskeyBody, guard=signed_in())
def rename_passkey(request, passkey_id, *, auth, body: RenamePasskeyBody):
    from chalicelib.auth.passkeys.manage import rename

    return json_response({"passkey": _shape(rename(auth, passkey_id, body.name, request_info(request)))})


@route(bp, MINE + "/{passkey_id}", methods=("DELETE",), guard=signed_in())
def remove_passkey(request, passkey_id, *, auth):
    from chalicelib.auth.passkeys.manage import remove

    remove(auth, passkey_id, request_info(request))
    return json_response(None, 204)


# ---------------------------------------------------------------- signing in with a passkey

# Under the login URL, so the browser sends its device cookies (Path=/api/clinics/<id>/login).
SIGN_IN = "/api/clinics/{clinic_id}/login/passkey"


@route(bp, SIGN_IN + "/options", methods=("POST",), body=PasskeyLoginOptionsBody, guard=public_origin)
def passkey_login_options(request, clinic_id, *, auth, body: PasskeyLoginOptionsBody):
    """`{"publicKey": ...}` for navigator.credentials.get() on this clinic's login tab."""
    from chalicelib.auth.passkeys.signin import options

    return json_response({"publicKey": options(clinic_id, body.login_type, request_info(request))},
                         headers=NO_STORE)


@route(bp, SIGN_IN, methods=("POST",), body=PasskeyLoginBody, guard=public_origin)
def passkey_login(request, clinic_id, *, auth, body: PasskeyLoginBody):
    """The same reply and cookies as a password login (api/auth.signed_in_reply)."""
    from chalicelib.api.auth import signed_in_reply
    from chalicelib.auth.passkeys.signin import sign_in

    cookies = body.session_delivery != "bearer"
    presented = device_cookies(request) if cookies else {}
    result = sign_in(clinic_id, body.credential, request_info(request), device_cookies=presented,
                     issue_device=cookies)
    return signed_in_reply(clinic_id, result, presented, cookies)
