"""Passkeys (auth/passkeys/): one's own (options, add, list, rename, remove; adding
needs a recent check, `POST /api/me/reauth`), and signing in with one."""
from chalice import Blueprint

from chalicelib.api.access import signed_in
from chalicelib.api.http import json_response, request_info, route
from chalicelib.api.passkey_bodies import (
    AddPasskeyBody,
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

