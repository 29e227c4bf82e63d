"""The clinic's audit log, for staff who hold `audit.view`: a page of events (filters:
person, kind, from/to dates in UTC) and the CSV export of the same filters."""
from chalice import Blueprint, Response

from chalicelib.api.access import authenticate_clinic
from chalicelib.api.http import json_response, request_info, route

bp = Blueprint(__name__)


@route(bp, "/api/clinics/{clinic_id}/audit")
def audit_log(request, clinic_id):
    from chalicelib.api import serializers
    from chalicelib.core.audit_search import parse_filters, search

    session, clinic = authenticate_clinic(request, clinic_id, permission="audit.view")
    params = request.query_params or {}
    filters = parse_filters(params)
    page = search(clinic.clinic_key, filters, params.get("cursor"))
    return json_response(serializers.page(page.events, page.cursor,
                                          lambda e: serializers.audit_event(e, clinic.clinic_id)))


@route(bp, "/api/clinics/{clinic_id}/audit/export.csv")
def audit_export(request, clinic_id):
    from chalicelib.core.audit_export import export, filename
    from chalicelib.core.audit_search import parse_filters

    session, clinic = authenticate_clinic(request, clinic_id, permission="audit.view")
    filters = parse_filters(request.query_params or {})
    body, rows, truncated = export(session, clinic, filters, request_info(request))
    return Response(body=body, status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename(clinic.clinic_id, filters)}"',
        "Cache-Control": "no-store",
        "X-Audit-Rows": str(rows),
        "X-Audit-Truncated": "true" if truncated else "false",
    })
