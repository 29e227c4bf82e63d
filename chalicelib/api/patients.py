"""Patient records: the patients list and the patient page (read by staff who
manage patients or portal accounts; the account setup form's "wand" reads them
too), adding a patient and changing demographics (`patients.manage`)."""
from chalice import Blueprint

from chalicelib.api.access import clinic_any_permission, clinic_permission
from chalicelib.api.bodies import ChangePatientBody, CreatePatientBody
from chalicelib.api.http import expected_revision, json_response, record_response, request_info, route

bp = Blueprint(__name__)

PERMISSION = "patients.manage"
BASE = "/api/clinics/{clinic_id}/patients"
READER = clinic_any_permission(PERMISSION, "portal_accounts.manage")
MANAGER = clinic_permission(PERMISSION)


def _reply(item, status: int = 200):
    from chalicelib.api import serializers

    return record_response({"patient": serializers.patient(item)}, item, status)


@route(bp, BASE, guard=READER)
def search_patients(request, clinic_id, *, auth):
    from chalicelib.api import serializers
    from chalicelib.patients.lookup import search

    session, clinic = auth
    params = request.query_params or {}
    items, cursor = search(clinic, params.get("q"), params.get("cursor"))
    return json_response(serializers.page(items, cursor, serializers.patient))


@route(bp, BASE, methods=("POST",), body=CreatePatientBody, guard=MANAGER)
def create_patient(request, clinic_id, *, auth, body: CreatePatientBody):
    from chalicelib.patients.admin import create_patient as use_case

    session, clinic = auth
    fields = body.sent()
    fields.pop("patient_id", None)
    fields.setdefault("email", None)
    return _reply(use_case(session, clinic, patient_id=body.patient_id, fields=fields,
                           info=request_info(request)), 201)


@route(bp, BASE + "/{patient_id}", guard=READER)
def get_patient(request, clinic_id, patient_id, *, auth):
    from chalicelib.patients.lookup import view_patient as use_case

    session, clinic = auth
    return _reply(use_case(session, clinic, patient_id, request_info(request)))


@route(bp, BASE + "/{patient_id}", methods=("PATCH",), body=ChangePatientBody, guard=MANAGER)
def update_patient(request, clinic_id, patient_id, *, auth, body: ChangePatientBody):
    from chalicelib.patients.admin import update_patient as use_case

    session, clinic = auth
    return _reply(use_case(session, clinic, patient_id, body.changes(), request_info(request),
                           revision=expected_revision(request, body)))
