"""What a signed-in patient-portal account does for itself: its form requests."""
from chalice import Blueprint

from chalicelib.api.bodies import CompleteFormRequestBody
from chalicelib.api.http import authenticate, json_response, request_info, route

bp = Blueprint(__name__)


@route(bp, "/api/portal/form-requests")
def my_form_requests(request):
    from chalicelib.portal_accounts.form_requests import open_for_account

    session = authenticate(request)
    return json_response(open_for_account(session, (request.query_params or {}).get("cursor")))


def _forms_user(request, **_params):
    from chalicelib.portal_accounts.form_requests import require_forms

    session = authenticate(request)
    require_forms(session)
    return session


@route(bp, "/api/portal/form-requests/{request_id}/complete", methods=("POST",), body=CompleteFormRequestBody,
       guard=_forms_user)
def complete_form_request(request, request_id, *, auth, body: CompleteFormRequestBody):
    from chalicelib.portal_accounts.form_requests import complete

    return json_response({"form_request": complete(auth, request_id, body.answers, request_info(request))})
