"""The invited person (no session yet): look at an invitation, accept it with a password.

The token travels in the request body, never in a path, so request logs and
access logs do not record it."""
from chalice import Blueprint

from chalicelib.api.http import check_origin, json_body, json_response, request_info, route

bp = Blueprint(__name__)


def _token(body):
    from chalicelib.people.invitations import token_invalid

    token = body.get("token")
    if not isinstance(token, str):
        raise token_invalid()
    return token


@route(bp, "/api/invitations/lookup", methods=("POST",))
def lookup_invitation(request):
    from chalicelib.people.invitations import lookup

    check_origin(request, required=False)
    body = json_body(request, required=("token",))
    return json_response({"invitation": lookup(_token(body))})


@route(bp, "/api/invitations/accept", methods=("POST",))
def accept_invitation(request):
    from chalicelib.api.http import text_field
    from chalicelib.people.invitations import accept
    from chalicelib.auth.passwords import MAX_PASSWORD_LENGTH

    check_origin(request, required=False)
    body = json_body(request, required=("token", "password"))
    token = _token(body)
    password = text_field(body, "password", max_length=MAX_PASSWORD_LENGTH * 2, allow_empty=True)
    accept(token, password, request_info(request))
    return json_response(None, 204)
