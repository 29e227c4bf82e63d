"""The clinic's audit log, for staff who hold `audit.view`."""
from chalice import Blueprint

from chalicelib.api.http import authenticate_clinic, json_response, route

bp = Blueprint(__name__)


@route(bp, "/api/clinics/{clinic_id}/audit")
def audit_log(request, clinic_id):
    from chalicelib.core.audit import list_events

    session, clinic = authenticate_clinic(request, clinic_id, permission="audit.view")
    cursor = (request.query_params or {}).get("cursor")
    return json_response(list_events(clinic.clinic_key, clinic.clinic_id, cursor))
