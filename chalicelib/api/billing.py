"""The Billing section's routes (use cases: `chalicelib/sections/billing/`):

- a patient's statements, for `billing.manage`:
  /api/clinics/{clinic_id}/billing/{patient_id}/statements[/{statement_id}[/payments]]
- the patient side, guard `section_access("billing")`:
  /api/portal/patients/{patient_id}/statements (with the balance due and how to pay)
"""
from chalice import Blueprint

from chalicelib.api.access import clinic_permission
from chalicelib.api.billing_bodies import CreateStatementBody, RecordPaymentBody
from chalicelib.api.http import expected_revision, json_response, record_response, request_info, route

bp = Blueprint(__name__)

MANAGER = clinic_permission("billing.manage")
STATEMENTS = "/api/clinics/{clinic_id}/billing/{patient_id}/statements"
MINE = "/api/portal/patients/{patient_id}/statements"


def _params(request) -> dict:
    return request.query_params or {}


def _statement(item, status: int = 200):
    from chalicelib.api.section_shapes import statement

    return record_response({"statement": statement(item)}, item, status)


@route(bp, STATEMENTS, guard=MANAGER)
def list_statements(request, clinic_id, patient_id, *, auth):
    from chalicelib.api.section_shapes import statement
    from chalicelib.sections.billing.statements import list_for_staff

    session, clinic = auth
    patient, items, cursor = list_for_staff(session, clinic, patient_id, _params(request).get("cursor"),
                                            request_info(request))
    return json_response({"patient": {"patient_id": patient.patient_id, "first_name": patient.first_name,
                                      "last_name": patient.last_name},
                          "currency": clinic.settings.currency,
                          "items": [statement(i) for i in items], "next_cursor": cursor})


@route(bp, STATEMENTS, methods=("POST",), body=CreateStatementBody, guard=MANAGER)
def create_statement(request, clinic_id, patient_id, *, auth, body: CreateStatementBody):
    from chalicelib.sections.billing.statements import create

    session, clinic = auth
    return _statement(create(session, clinic, patient_id, statement_date=body.statement_date, due_date=body.due_date,
                             lines=body.lines, info=request_info(request)), 201)


@route(bp, STATEMENTS + "/{statement_id}", guard=MANAGER)
def get_statement(request, clinic_id, patient_id, statement_id, *, auth):
    from chalicelib.sections.billing.statements import get_for_staff

    session, clinic = auth
    return _statement(get_for_staff(session, clinic, patient_id, statement_id, request_info(request)))


@route(bp, STATEMENTS + "/{statement_id}/payments", methods=("POST",), body=RecordPaymentBody, guard=MANAGER)
def record_payment(request, clinic_id, patient_id, statement_id, *, auth, body: RecordPaymentBody):
    from chalicelib.sections.billing.statements import record_payment as use_case

    session, clinic = auth
    return _statement(use_case(session, clinic, patient_id, statement_id, amount_cents=body.amount_cents,
                               received_date=body.received_date, description=body.description,
                               info=request_info(request), revision=expected_revision(request, body)), 201)


def _with_summary(request, patient_id, **_params):
    from chalicelib.api.access import authenticate_patient_with
    from chalicelib.sections.billing.statements import summary_keys

    return authenticate_patient_with(request, patient_id, summary_keys(patient_id), permission="billing")


@route(bp, MINE, guard=_with_summary)
def patient_statements(request, patient_id, *, auth):
    from chalicelib.api.section_shapes import statement
    from chalicelib.sections.billing.statements import list_for_patient, summary

    session, grant, (counter, clinic_item) = auth
    items, cursor = list_for_patient(session, grant, _params(request).get("cursor"), request_info(request))
    return json_response({"summary": summary(counter, clinic_item),
                          "items": [statement(i, for_staff=False) for i in items], "next_cursor": cursor})
