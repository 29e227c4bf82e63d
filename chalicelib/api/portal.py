"""What a signed-in patient-portal account does for itself: its form requests."""
from chalice import Blueprint

from chalicelib.api.access import authenticate
from chalicelib.api.bodies import CompleteFormRequestBody
from chalicelib.api.http import json_response, request_info, route

bp = Blueprint(__name__)


@route(bp, "/api/portal/form-requests")
def my_form_requests(request):
    from chalicelib.api import serializers
    from chalicelib.portal_accounts.form_requests import open_for_account

    session = authenticate(request)
    items, cursor = open_for_account(session, (request.query_params or {}).get("cursor"))
    return json_response(serializers.page(items, cursor, lambda i: serializers.form_request(i, for_staff=False)))


def _forms_user(request, **_params):
    from chalicelib.portal_accounts.form_requests import require_forms

    session = authenticate(request)
    require_forms(session)
    return session


@route(bp, "/api/portal/form-requests/{request_id}/complete", methods=("POST",), body=CompleteFormRequestBody,
       guard=_forms_user)
def complete_form_request(request, request_id, *, auth, body: CompleteFormRequestBody):
    from chalicelib.api import serializers
    from chalicelib.portal_accounts.form_requests import complete

    item = complete(auth, request_id, body.answers, request_info(request))
    return json_response({"form_request": serializers.form_request(item, answers=True, for_staff=False)})
