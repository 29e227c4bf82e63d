"""The invited person (no session yet): look at an invitation, accept it with a password.

The token travels in the request body, never in a path, so request logs and
access logs do not record it."""
from chalice import Blueprint

from chalicelib.api.access import public_origin
from chalicelib.api.bodies import InvitationAcceptBody, InvitationLookupBody
from chalicelib.api.http import json_response, request_info, route

bp = Blueprint(__name__)


@route(bp, "/api/invitations/lookup", methods=("POST",), body=InvitationLookupBody, guard=public_origin)
def lookup_invitation(request, *, auth, body: InvitationLookupBody):
    from chalicelib.api import serializers
    from chalicelib.people.invitations import lookup

    return json_response({"invitation": serializers.invitation(lookup(body.token))})


@route(bp, "/api/invitations/accept", methods=("POST",), body=InvitationAcceptBody, guard=public_origin)
def accept_invitation(request, *, auth, body: InvitationAcceptBody):
    from chalicelib.people.invitations import accept

    accept(body.token, body.password, request_info(request))
    return json_response(None, 204)
