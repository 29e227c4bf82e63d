"""Wiring only: the Chalice app, its blueprints and the one middleware chain.

Business logic lives in chalicelib/; errors are mapped to HTTP in
chalicelib/api/http.py.
"""
from chalice import Chalice, Rate

from chalicelib.api import (
    appointments,
    audit,
    auth,
    billing,
    clinic_settings,
    clinics,
    documents,
    forms,
    homes,
    integrations,
    invitations,
    messages,
    mfa,
    pages,
    passkeys,
    patients,
    portal,
    portal_accounts,
    recovery,
    refills,
    sessions,
    staff,
    system,
)
from chalicelib.api.http import security_headers
from chalicelib.core.request_log import request_log

app = Chalice(app_name="clinic-portal")
app.api.binary_types = []  # every response is text (JSON, HTML, CSS, JS)

for blueprint in (system, clinics, auth, audit, pages, patients, portal_accounts, portal, forms, invitations,
                  recovery, staff, clinic_settings, mfa, sessions, homes, messages, appointments,
                  documents, refills, billing,
                  integrations, passkeys):
    app.register_blueprint(blueprint.bp)

app.register_middleware(request_log, "http")  # outermost: one JSON line per request
app.register_middleware(security_headers, "http")


@app.schedule(Rate(1, unit=Rate.HOURS))
def appointment_reminders(event):
    """Every hour: the day-before reminders for tomorrow's appointments (UTC), each sent
    once (chalicelib/sections/appointments/reminders.py)."""
    from chalicelib.sections.appointments.reminders import send_for_tomorrow

    return {"sent": send_for_tomorrow().sent}
