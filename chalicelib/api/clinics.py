"""Clinic-ID lookup and the local CAPTCHA widget's tokens."""
from chalice import Blueprint

from chalicelib.api.access import check_origin
from chalicelib.api.http import json_response, request_info, route

bp = Blueprint(__name__)


@route(bp, "/api/clinics/{clinic_id}")
def clinic_lookup(request, clinic_id):
    from chalicelib.api import serializers
    from chalicelib.auth.adaptive_captcha import clinic_for_login_page
    from chalicelib.auth.captcha import public_config

    clinic, required = clinic_for_login_page(clinic_id, request_info(request).source_ip)
    return json_response(serializers.clinic(clinic, public_config(clinic, required=required)))


@route(bp, "/api/clinics/{clinic_id}/captcha/local-token", methods=("POST",))
def local_captcha_token(request, clinic_id):
    """The offline "I'm not a robot" checkbox of the local stack; absent elsewhere."""
    from chalicelib.auth.captcha import LOCAL_TOKEN_TTL_S, verifier
    from chalicelib.clinics.records import get_clinic
    from chalicelib.core.errors import NotFound

    check_origin(request, required=False)
    v = verifier()
    if v.provider != "local":
        raise NotFound("This stage uses reCAPTCHA.", code="not_found")
    clinic = get_clinic(clinic_id)
    return json_response({"token": v.issue(clinic.clinic_key), "expires_in": LOCAL_TOKEN_TTL_S}, 201)
