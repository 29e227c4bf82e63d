"""What a signed-in portal login does for itself: the patients it may open (and
which one this session views), and per patient its form requests.

Every patient-side route names its patient in the path
(`/api/portal/patients/{patient_id}/...`) and is checked against the login's
grant for that patient, read with the session in one TransactGetItems
(`access.patient_access`); a section's routes use `sections.access.section_access`,
which also refuses a grant without the section (403 `section_not_permitted`), and
each view writes the access log. The older `GET /api/portal/form-requests` still
works: the open requests of the session's selected patient, or the login's only grant
(its `/complete` routes are retired: a form is submitted through the patient's
`.../form-requests/{request_id}/submit`).
"""
from chalice import Blueprint

from chalicelib.api.access import authenticate, authenticate_patient, patient_access
from chalicelib.api.http import json_response, request_info, route

bp = Blueprint(__name__)

FORMS = "forms"


def _portal_login(request):
    """The session of a portal login (staff: 403 `forbidden`)."""
    from chalicelib.core.errors import Forbidden

    session = authenticate(request)
    if session.kind != "patient":
        raise Forbidden("You do not have permission to do that.", code="forbidden")
    return session


@route(bp, "/api/portal/patients")
def my_patients(request):
    """The patients this login holds grants for (one Query on the grants' by_login
    index), with their status; `selected` marks the one this session views."""
    from chalicelib.api import serializers
    from chalicelib.portal_accounts.grants import of_login

    session = _portal_login(request)
    items = of_login(session.clinic_key, session.subject_id)
    return json_response({"items": [serializers.my_patient(g, session.patient_id) for g in items],
                          "next_cursor": None})


@route(bp, "/api/portal/patients/{patient_id}/select", methods=("POST",), guard=patient_access())
def select_patient(request, patient_id, *, auth):
    """View this patient's records in this session (remembered for the session)."""
    from chalicelib.api import serializers
    from chalicelib.models import SessionModel as S
    from chalicelib.portal_accounts.admin import ordered_sections

    session, grant = auth
    name = f"{grant.patient_first_name or ''} {grant.patient_last_name or ''}".strip() or None
    values = {"patient_id": grant.patient_id, "patient_name": name, "access_type": grant.access_type,
              "permissions": ordered_sections(grant.permissions)}
    changed = {k: v for k, v in values.items() if getattr(session, k) != v}
    if changed:  # choosing the patient already viewed writes nothing
        session.update(actions=[getattr(S, k).set(v) for k, v in changed.items()],
                       condition=S.token_hash.exists())
    return json_response(serializers.signed_in(session))


# ---------------------------------------------------------------- before patients were named

def _current_patient(request, **_params):
    """(session, grant) for the session's selected patient, or the login's only grant."""
    from chalicelib.core.errors import Conflict
    from chalicelib.portal_accounts.grants import of_login

    session = _portal_login(request)
    patient_id = session.patient_id
    if patient_id is None:
        grants = of_login(session.clinic_key, session.subject_id)
        if len(grants) != 1:
            raise Conflict("Choose whose records to view first.", code="patient_not_selected")
        patient_id = grants[0].patient_id
    return authenticate_patient(request, patient_id, permission=FORMS)


@route(bp, "/api/portal/form-requests", guard=_current_patient)
def my_form_requests(request, *, auth):
    from chalicelib.api import serializers
    from chalicelib.api.form_shapes import form_request
    from chalicelib.sections.forms.answers import list_for_grant

    session, grant = auth
    items, cursor = list_for_grant(session, grant, "open", (request.query_params or {}).get("cursor"),
                                   request_info(request))
    return json_response(serializers.page(items, cursor, lambda i: form_request(i, for_staff=False)))
