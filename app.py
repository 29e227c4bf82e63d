"""Wiring only: the Chalice app, its blueprints and the one middleware chain.

Business logic lives in chalicelib/; errors are mapped to HTTP in
chalicelib/api/http.py.
"""
from chalice import Chalice

from chalicelib.api import (
    audit,
    auth,
    clinic_settings,
    clinics,
    forms,
    homes,
    integrations,
    invitations,
    messages,
    mfa,
    pages,
    patients,
    portal,
    portal_accounts,
    recovery,
    sessions,
    staff,
    system,
)
from chalicelib.api.http import security_headers
from chalicelib.core.request_log import request_log

app = Chalice(app_name="clinic-portal")
app.api.binary_types = []  # every response is text (JSON, HTML, CSS, JS)

for blueprint in (system, clinics, auth, audit, pages, patients, portal_accounts, portal, forms, invitations,
                  recovery, staff, clinic_settings, mfa, sessions, homes, messages, integrations):
    app.register_blueprint(blueprint.bp)

app.register_middleware(request_log, "http")  # outermost: one JSON line per request
app.register_middleware(security_headers, "http")
