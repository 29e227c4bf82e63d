"""The EHR integration API (`/api/integration/v1/...`, authenticated by an
integration key, never a session or cookie; no CORS, no Origin check: a server
calls it) and the administrators' integration keys (`clinic.settings`)."""
from chalice import Blueprint

from chalicelib.api.access import clinic_permission
from chalicelib.api.http import document_bodies_later, json_response, request_info, route
from chalicelib.api.integration_bodies import CreateIntegrationKeyBody

bp = Blueprint(__name__)

KEYS = "/api/clinics/{clinic_id}/integration-keys"
ADMIN = clinic_permission("clinic.settings")
RESOURCE = "/api/integration/v1/{resource}/{external_id}"


def key_shape(item) -> dict:
    from chalicelib.core.ids import iso

    return {"key_id": item.key_id, "name": item.name, "scopes": list(item.scopes or []),
            "created_at": iso(item.created_at), "created_by": item.created_by,
            "last_used_at": iso(item.last_used_at), "revoked_at": iso(item.revoked_at),
            "revoked_by": item.revoked_by, "status": "revoked" if item.revoked_at is not None else "active"}


def scopes_shape() -> list[dict]:
    from chalicelib.integrations.scopes import SCOPES

    return [{"name": s.name, "label": s.label, "available": s.available} for s in SCOPES.values()]


@route(bp, KEYS, guard=ADMIN)
def list_keys(request, clinic_id, *, auth):
    from chalicelib.integrations.keys import KEY_LIMIT
    from chalicelib.integrations.keys import list_keys as use_case

    _session, clinic = auth
    return json_response({"items": [key_shape(i) for i in use_case(clinic)], "scopes": scopes_shape(),
                          "limit": KEY_LIMIT})


@route(bp, KEYS, methods=("POST",), body=CreateIntegrationKeyBody, guard=ADMIN)
def create_key(request, clinic_id, *, auth, body: CreateIntegrationKeyBody):
    from chalicelib.integrations.keys import create_key as use_case

    session, clinic = auth
    item, key = use_case(session, clinic, name=body.name, scopes=body.scopes, info=request_info(request))
    return json_response({"integration_key": key_shape(item), "key": key}, 201)


@route(bp, KEYS + "/{key_id}/revoke", methods=("POST",), guard=ADMIN)
def revoke_key(request, clinic_id, key_id, *, auth):
    from chalicelib.integrations.keys import revoke_key as use_case

    session, clinic = auth
    return json_response({"integration_key": key_shape(use_case(session, clinic, key_id,
                                                                 info=request_info(request)))})


# ---------------------------------------------------------------- the API an EHR calls

def key_holder(request, **_params):
    from chalicelib.integrations.keys import authenticate

    return authenticate(request.headers.get("authorization"))


def _put(request, resource, external_id, auth):
    from chalicelib.integrations.records import put

    status, reply = put(auth, resource, external_id, request, request_info(request))
    return json_response(reply, status)


def _delete(request, resource, external_id, auth):
    from chalicelib.integrations.records import delete

    return json_response(delete(auth, resource, external_id, request_info(request)))


@route(bp, RESOURCE, methods=("PUT",), guard=key_holder)
def put_record(request, resource, external_id, *, auth):
    return _put(request, resource, external_id, auth)


@route(bp, RESOURCE, methods=("DELETE",), guard=key_holder)
def delete_record(request, resource, external_id, *, auth):
    return _delete(request, resource, external_id, auth)


# -- appointments and results: their own paths (a concrete path wins over
# {resource}, in API Gateway and Chalice alike), so the document names each body.
APPOINTMENTS = "/api/integration/v1/appointments/{external_id}"
RESULTS = "/api/integration/v1/results/{external_id}"


@route(bp, APPOINTMENTS, methods=("PUT",), guard=key_holder)
def put_appointment(request, external_id, *, auth):
    return _put(request, "appointments", external_id, auth)


@route(bp, APPOINTMENTS, methods=("DELETE",), guard=key_holder)
def delete_appointment(request, external_id, *, auth):
    return _delete(request, "appointments", external_id, auth)


@route(bp, RESULTS, methods=("PUT",), guard=key_holder)
def put_result(request, external_id, *, auth):
    return _put(request, "results", external_id, auth)


@route(bp, RESULTS, methods=("DELETE",), guard=key_holder)
def delete_result(request, external_id, *, auth):
    return _delete(request, "results", external_id, auth)


def _document_bodies(bodies) -> None:
    """The PUT's body is the resource's: the generic route documents the patients
    body; appointments and results have their own paths, each with its body."""
    from chalicelib.integrations.appointments import IntegrationAppointmentBody
    from chalicelib.integrations.patients import IntegrationPatientBody
    from chalicelib.integrations.result_fields import IntegrationResultBody

    bodies[("PUT", RESOURCE)] = IntegrationPatientBody
    bodies[("PUT", APPOINTMENTS)] = IntegrationAppointmentBody
    bodies[("PUT", RESULTS)] = IntegrationResultBody


document_bodies_later(_document_bodies)
