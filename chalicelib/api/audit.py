"""The clinic's audit log, for staff who hold `audit.view`."""
from chalice import Blueprint

from chalicelib.api.access import authenticate_clinic
from chalicelib.api.http import json_response, route

bp = Blueprint(__name__)


@route(bp, "/api/clinics/{clinic_id}/audit")
def audit_log(request, clinic_id):
    from chalicelib.api import serializers
    from chalicelib.core.audit import list_events

    session, clinic = authenticate_clinic(request, clinic_id, permission="audit.view")
    events, cursor = list_events(clinic.clinic_key, (request.query_params or {}).get("cursor"))
    return json_response(serializers.page(events, cursor, lambda e: serializers.audit_event(e, clinic.clinic_id)))
