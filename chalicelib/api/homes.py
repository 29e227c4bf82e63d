"""The two homes' data (sections/homes.py): the patient home's tiles and the staff
workspace. Each answer is one DynamoDB request (the session, its grant or staff
record, and the counters in one TransactGetItems) and carries an ETag; a page that
refreshes itself sends it back (`If-None-Match`) and gets 304 while nothing changed.
A background poll (`X-Portal-Background: 1`) does not keep the session alive."""
from chalice import Blueprint

from chalicelib.api.access import authenticate_patient_with, authenticate_staff_with
from chalicelib.api.http import fresh_or_json, route

bp = Blueprint(__name__)


def _patient_home(request, patient_id, **_params):
    from chalicelib.sections.homes import patient_extra_keys

    return authenticate_patient_with(request, patient_id, patient_extra_keys(patient_id))


@route(bp, "/api/portal/patients/{patient_id}/home", guard=_patient_home)
def patient_home(request, patient_id, *, auth):
    """The tiles of the patient's home: one per section the grant permits and that is built."""
    from chalicelib.sections import homes

    _session, grant, extras = auth
    return fresh_or_json(request, homes.patient_etag(grant, extras), lambda: homes.patient_home(grant, extras))


def _workspace(request, clinic_id, **_params):
    from chalicelib.sections.homes import staff_extra_keys

    return authenticate_staff_with(request, clinic_id, staff_extra_keys)


@route(bp, "/api/clinics/{clinic_id}/workspace", guard=_workspace)
def workspace(request, clinic_id, *, auth):
    """What is waiting for this staff member, by their permissions."""
    from chalicelib.sections import homes

    session, extras = auth
    return fresh_or_json(request, homes.workspace_etag(session, extras), lambda: homes.workspace(session, extras))
