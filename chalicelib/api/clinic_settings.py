"""A clinic's settings, for administrators (`clinic.settings`)."""
from chalice import Blueprint

from chalicelib.api.http import (authenticate_clinic, expected_revision, json_body, record_response, request_info,
                                 revision_field, route)

bp = Blueprint(__name__)

PERMISSION = "clinic.settings"


def _reply(clinic):
    from chalicelib.api import serializers

    return record_response(serializers.clinic_settings(clinic), clinic)


@route(bp, "/api/clinics/{clinic_id}/settings")
def get_settings(request, clinic_id):
    session, clinic = authenticate_clinic(request, clinic_id, permission=PERMISSION)
    return _reply(clinic)


@route(bp, "/api/clinics/{clinic_id}/settings", methods=("PATCH",))
def change_settings(request, clinic_id):
    from chalicelib.clinics.admin import change_settings as use_case
    from chalicelib.clinics.records import ClinicSettings

    session, clinic = authenticate_clinic(request, clinic_id, permission=PERMISSION)
    body = json_body(request, optional=tuple(ClinicSettings().to_dict()) + ("revision",))
    revision = expected_revision(request, revision_field(body))
    changes = {k: v for k, v in body.items() if k != "revision"}
    return _reply(use_case(session, clinic, changes, request_info(request), revision=revision))
