"""What a signed-in patient-portal account does for itself: its form requests."""
from chalice import Blueprint

from chalicelib.api.http import authenticate, json_body, json_response, request_info, route

bp = Blueprint(__name__)


@route(bp, "/api/portal/form-requests")
def my_form_requests(request):
    from chalicelib.portal_accounts.form_requests import open_for_account

    session = authenticate(request)
    return json_response(open_for_account(session, (request.query_params or {}).get("cursor")))


@route(bp, "/api/portal/form-requests/{request_id}/complete", methods=("POST",))
def complete_form_request(request, request_id):
    from chalicelib.portal_accounts.form_requests import complete, require_forms

    session = authenticate(request)
    require_forms(session)
    body = json_body(request, required=("answers",))
    return json_response({"form_request": complete(session, request_id, body["answers"],
                                                   request_info(request))})
