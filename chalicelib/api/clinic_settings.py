"""A clinic's settings, for administrators (`clinic.settings`)."""
from chalice import Blueprint

from chalicelib.api.access import authenticate_clinic, clinic_permission
from chalicelib.api.bodies import ChangeSettingsBody
from chalicelib.api.http import expected_revision, record_response, request_info, route

bp = Blueprint(__name__)

PERMISSION = "clinic.settings"


def _reply(clinic):
    from chalicelib.api import serializers

    return record_response(serializers.clinic_settings(clinic), clinic)


@route(bp, "/api/clinics/{clinic_id}/settings")
def get_settings(request, clinic_id):
    session, clinic = authenticate_clinic(request, clinic_id, permission=PERMISSION)
    return _reply(clinic)


@route(bp, "/api/clinics/{clinic_id}/settings", methods=("PATCH",), body=ChangeSettingsBody,
       guard=clinic_permission(PERMISSION))
def change_settings(request, clinic_id, *, auth, body):
    from chalicelib.clinics.admin import change_settings as use_case

    session, clinic = auth
    return _reply(use_case(session, clinic, body.changes(), request_info(request),
                           revision=expected_revision(request, body)))
