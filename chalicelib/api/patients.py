"""Patient search and demographics for the account setup form (the "wand")."""
from chalice import Blueprint

from chalicelib.api.access import authenticate_clinic
from chalicelib.api.http import json_response, route

bp = Blueprint(__name__)

PERMISSION = "portal_accounts.manage"


@route(bp, "/api/clinics/{clinic_id}/patients")
def search_patients(request, clinic_id):
    from chalicelib.api import serializers
    from chalicelib.patients.lookup import search

    session, clinic = authenticate_clinic(request, clinic_id, permission=PERMISSION)
    params = request.query_params or {}
    items, cursor = search(clinic, params.get("q"), params.get("cursor"))
    return json_response(serializers.page(items, cursor, serializers.patient))


@route(bp, "/api/clinics/{clinic_id}/patients/{patient_id}")
def get_patient(request, clinic_id, patient_id):
    from chalicelib.api import serializers
    from chalicelib.patients.lookup import get_patient as use_case

    session, clinic = authenticate_clinic(request, clinic_id, permission=PERMISSION)
    return json_response({"patient": serializers.patient(use_case(clinic, patient_id))})
