"""The "access added" email: a login that already existed was given access for
one more patient. Like every email it carries no health information: the
clinic's name, that there is access for another patient, a link to sign in,
never the patient's name (they see it after signing in)."""
from __future__ import annotations

from chalicelib.core.audit import RequestInfo, actor


def login_link(clinic) -> str:
    from urllib.parse import quote

    from chalicelib.core.settings import get_settings

    return f"{get_settings().public_base_url}/?clinicID={quote(clinic.clinic_id)}&LoginType=Patient"


def access_added_email(clinic, login):
    from chalicelib.core.mail import Email, render

    subject, text, html = render(
        subject=f"{clinic.name}: you now have access for another patient",
        greeting=f"Hello {login.first_name},",
        paragraphs=[f"{clinic.name} has given your patient portal account access for another patient. "
                    "Sign in with your usual username and password to see whose records you can now view."],
        facts=[("Clinic", clinic.name), ("Clinic ID", clinic.clinic_id), ("Username", login.username)],
        link_text="Sign in",
        link=login_link(clinic),
        closing=[f"If you were not expecting this email, contact {clinic.name}."],
    )
    return Email(to=login.username, subject=subject, text=text, html=html)


def send_access_added(clinic, login, *, info: RequestInfo, session) -> str:
    """Send it (after the grant committed) and audit whether SES took it. Both are
    best effort: the grant is already there, so a failure here must not answer 503
    (a retry would only meet 409 grant_exists); a lost audit event is logged."""
    import logging

    from pynamodb.exceptions import PutError

    from chalicelib.core import audit
    from chalicelib.core.mail import MailError, send

    try:
        send(access_added_email(clinic, login))
        outcome = "sent"
    except MailError:
        outcome = "failed"
    try:
        audit.record(clinic.clinic_key, "access_added_email", info=info, outcome=outcome, actor=actor(session),
                     subject={"kind": "patient", "id": login.account_id, "username": login.username},
                     details={"to": login.username})
    except PutError as exc:
        logging.getLogger("portal").warning("access added email %s; its audit event was not recorded: %s",
                                            outcome, type(exc.cause).__name__ if exc.cause else "PutError")
    return outcome
