"""A clinic's settings, for administrators (`clinic.settings`)."""
from chalice import Blueprint

from chalicelib.api.http import authenticate_clinic, json_body, json_response, request_info, route

bp = Blueprint(__name__)

PERMISSION = "clinic.settings"


@route(bp, "/api/clinics/{clinic_id}/settings")
def get_settings(request, clinic_id):
    from chalicelib.clinics.admin import settings_json

    session, clinic = authenticate_clinic(request, clinic_id, permission=PERMISSION)
    return json_response(settings_json(clinic))


@route(bp, "/api/clinics/{clinic_id}/settings", methods=("PATCH",))
def change_settings(request, clinic_id):
    from chalicelib.clinics.admin import change_settings as use_case
    from chalicelib.clinics.records import ClinicSettings

    session, clinic = authenticate_clinic(request, clinic_id, permission=PERMISSION)
    body = json_body(request, optional=tuple(ClinicSettings().to_dict()))
    return json_response(use_case(session, clinic, body, request_info(request)))
