"""The Forms section's routes (use cases: `chalicelib/sections/forms/`):

- templates, for `portal_accounts.manage`: /api/clinics/{clinic_id}/form-templates...
- requests of a User Management row, for `portal_accounts.manage`:
  /api/clinics/{clinic_id}/portal-accounts/{account_id}/form-requests...
- submitted forms, for `forms.review`: /api/clinics/{clinic_id}/form-submissions...
- the patient side, guard `section_access("forms")`:
  /api/portal/patients/{patient_id}/form-requests...
"""
from chalice import Blueprint

from chalicelib.api.access import clinic_permission
from chalicelib.api.form_bodies import (
    ChangeFormTemplateBody,
    CreateFormRequestBody,
    CreateFormTemplateBody,
    FormAnswersBody,
)
from chalicelib.api.http import expected_revision, json_response, record_response, request_info, route
from chalicelib.sections.access import section_access

bp = Blueprint(__name__)

MANAGER = clinic_permission("portal_accounts.manage")
REVIEWER = clinic_permission("forms.review")
TEMPLATES = "/api/clinics/{clinic_id}/form-templates"
REQUESTS = "/api/clinics/{clinic_id}/portal-accounts/{account_id}/form-requests"
SUBMISSIONS = "/api/clinics/{clinic_id}/form-submissions"
MINE = "/api/portal/patients/{patient_id}/form-requests"
PATIENT = section_access("forms")


def _params(request) -> dict:
    return request.query_params or {}


def _page(items, cursor, shape):
    from chalicelib.api import serializers

    return json_response(serializers.page(items, cursor, shape))


def _request(item, status: int = 200, **kwargs):
    from chalicelib.api.form_shapes import form_request

    return json_response({"form_request": form_request(item, **kwargs)}, status)


# ---------------------------------------------------------------- templates

def _template(item, status: int = 200):
    from chalicelib.api.form_shapes import form_template

    return record_response({"form_template": form_template(item)}, item, status)


@route(bp, TEMPLATES, guard=MANAGER)
def list_form_templates(request, clinic_id, *, auth):
    from chalicelib.api.form_shapes import form_template
    from chalicelib.sections.forms.templates import list_templates

    session, clinic = auth
    items, cursor = list_templates(clinic, _params(request).get("status") or "active", _params(request).get("cursor"))
    return _page(items, cursor, form_template)


@route(bp, TEMPLATES, methods=("POST",), body=CreateFormTemplateBody, guard=MANAGER)
def create_form_template(request, clinic_id, *, auth, body: CreateFormTemplateBody):
    from chalicelib.sections.forms.templates import create_template

    session, clinic = auth
    return _template(create_template(session, clinic, name=body.name, description=body.description,
                                     fields=body.fields, info=request_info(request)), 201)


@route(bp, TEMPLATES + "/{template_id}", guard=MANAGER)
def get_form_template(request, clinic_id, template_id, *, auth):
    from chalicelib.sections.forms.templates import get_template

    session, clinic = auth
    return _template(get_template(clinic.clinic_key, template_id))


@route(bp, TEMPLATES + "/{template_id}", methods=("PATCH",), body=ChangeFormTemplateBody, guard=MANAGER)
def update_form_template(request, clinic_id, template_id, *, auth, body: ChangeFormTemplateBody):
    from chalicelib.sections.forms.templates import update_template

    session, clinic = auth
    return _template(update_template(session, clinic, template_id, body.changes(), request_info(request),
                                     revision=expected_revision(request, body)))


def _archive(archived: bool):
    def view(request, clinic_id, template_id, *, auth):
        from chalicelib.sections.forms.templates import set_archived

        session, clinic = auth
        return _template(set_archived(session, clinic, template_id, request_info(request), archived=archived,
                                      revision=expected_revision(request)))
    view.__name__ = view.__qualname__ = "archive_form_template" if archived else "restore_form_template"
    return view


route(bp, TEMPLATES + "/{template_id}/archive", methods=("POST",), guard=MANAGER)(_archive(True))
route(bp, TEMPLATES + "/{template_id}/restore", methods=("POST",), guard=MANAGER)(_archive(False))


# ---------------------------------------------------------------- requests of a User Management row

@route(bp, REQUESTS, guard=MANAGER)
def list_form_requests(request, clinic_id, account_id, *, auth):
    from chalicelib.api.form_shapes import form_request
    from chalicelib.sections.forms.requests import list_for_account

    session, clinic = auth
    items, cursor = list_for_account(clinic, account_id, _params(request).get("cursor"))
    return _page(items, cursor, form_request)


@route(bp, REQUESTS, methods=("POST",), body=CreateFormRequestBody, guard=MANAGER)
def create_form_request(request, clinic_id, account_id, *, auth, body: CreateFormRequestBody):
    from chalicelib.sections.forms.requests import create_request

    session, clinic = auth
    return _request(create_request(session, clinic, account_id, template_id=body.template_id, note=body.note,
                                   due_date=body.due_date, info=request_info(request)), 201)


@route(bp, REQUESTS + "/{request_id}", guard=MANAGER)
def get_form_request(request, clinic_id, account_id, request_id, *, auth):
    from chalicelib.sections.forms.requests import get_for_staff

    session, clinic = auth
    return _request(get_for_staff(session, clinic, account_id, request_id, request_info(request)), answers=True)


@route(bp, REQUESTS + "/{request_id}/cancel", methods=("POST",), guard=MANAGER)
def cancel_form_request(request, clinic_id, account_id, request_id, *, auth):
    from chalicelib.sections.forms.requests import cancel_request

    session, clinic = auth
    return _request(cancel_request(session, clinic, account_id, request_id, request_info(request)))


# ---------------------------------------------------------------- submitted forms (staff review)

@route(bp, SUBMISSIONS, guard=REVIEWER)
def list_form_submissions(request, clinic_id, *, auth):
    from chalicelib.api.form_shapes import form_request
    from chalicelib.sections.forms.review import list_submitted

    session, clinic = auth
    items, cursor = list_submitted(clinic, _params(request).get("status") or "submitted",
                                   _params(request).get("cursor"))
    return _page(items, cursor, form_request)


@route(bp, SUBMISSIONS + "/{request_id}", guard=REVIEWER)
def get_form_submission(request, clinic_id, request_id, *, auth):
    from chalicelib.sections.forms.review import read_submitted

    session, clinic = auth
    return _request(read_submitted(session, clinic, request_id, request_info(request)), answers=True)


@route(bp, SUBMISSIONS + "/{request_id}/mark-reviewed", methods=("POST",), guard=REVIEWER)
def mark_form_reviewed(request, clinic_id, request_id, *, auth):
    from chalicelib.sections.forms.review import mark_reviewed

    session, clinic = auth
    return _request(mark_reviewed(session, clinic, request_id, request_info(request)))


# ---------------------------------------------------------------- the patient side

@route(bp, MINE, guard=PATIENT)
def patient_form_requests(request, patient_id, *, auth):
    from chalicelib.api.form_shapes import form_request
    from chalicelib.sections.forms.answers import list_for_grant

    session, grant = auth
    items, cursor = list_for_grant(session, grant, _params(request).get("status") or "open",
                                   _params(request).get("cursor"), request_info(request))
    return _page(items, cursor, lambda i: form_request(i, for_staff=False))


@route(bp, MINE + "/{request_id}", guard=PATIENT)
def patient_form_request(request, patient_id, request_id, *, auth):
    from chalicelib.sections.forms.answers import open_request

    session, grant = auth
    return _request(open_request(session, grant, request_id, request_info(request)), answers=True, for_staff=False)


@route(bp, MINE + "/{request_id}/draft", methods=("PUT",), body=FormAnswersBody, guard=PATIENT)
def save_form_draft(request, patient_id, request_id, *, auth, body: FormAnswersBody):
    from chalicelib.sections.forms.answers import save_draft

    session, grant = auth
    item = save_draft(session, grant, request_id, body.answers, request_info(request))
    return _request(item, answers=True, for_staff=False)


@route(bp, MINE + "/{request_id}/submit", methods=("POST",), body=FormAnswersBody, guard=PATIENT)
def submit_form(request, patient_id, request_id, *, auth, body: FormAnswersBody):
    from chalicelib.sections.forms.answers import submit

    session, grant = auth
    item = submit(session, grant, request_id, body.answers, request_info(request))
    return _request(item, answers=True, for_staff=False)
