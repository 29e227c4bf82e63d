"""A clinic's settings, for administrators (`clinic.settings`)."""
from chalice import Blueprint

from chalicelib.api.bodies import ChangeSettingsBody
from chalicelib.api.http import authenticate_clinic, clinic_permission, json_response, request_info, route

bp = Blueprint(__name__)

PERMISSION = "clinic.settings"


@route(bp, "/api/clinics/{clinic_id}/settings")
def get_settings(request, clinic_id):
    from chalicelib.clinics.admin import settings_json

    session, clinic = authenticate_clinic(request, clinic_id, permission=PERMISSION)
    return json_response(settings_json(clinic))


@route(bp, "/api/clinics/{clinic_id}/settings", methods=("PATCH",), body=ChangeSettingsBody,
       guard=clinic_permission(PERMISSION))
def change_settings(request, clinic_id, *, auth, body):
    from chalicelib.clinics.admin import change_settings as use_case

    session, clinic = auth
    return json_response(use_case(session, clinic, body.changes(), request_info(request)))
