"""The emails a new message sends: that there is a new secure message at the clinic,
and a link to log in. Never the subject, the topic, the text or the patient's name
(docs/architecture.md, "Sections: Messages").

They are sent after the message is committed, best effort: SES refusing, or the
read of whom to tell failing, is logged and the message stands (sent once, never
undone, never sent again by a retry; the person sees it on their next visit).
"""
from __future__ import annotations

import logging

from chalicelib.core.mail import Email, render

log = logging.getLogger("portal")
SECTION = "messages"


def new_message_email(clinic, *, to: str, login_type: str) -> Email:
    from chalicelib.auth.credentials import login_url

    portal = "patient portal" if login_type == "patient" else "Staff Portal"
    what = ("You have a new secure message from {clinic}." if login_type == "patient"
            else "A patient wrote a new secure message in a conversation assigned to you at {clinic}.")
    subject, text, html = render(
        subject=f"{clinic.name}: new secure message",
        greeting="Hello,",
        paragraphs=[what.format(clinic=clinic.name),
                    f"For your privacy this email does not include the message. Log in to the {portal} to read it."],
        facts=[("Clinic", clinic.name), ("Clinic ID", clinic.clinic_id)],
        link_text="Log in to read it",
        link=login_url(clinic.clinic_id, login_type),
        closing=[f"If you did not expect this email, contact {clinic.name}."],
    )
    return Email(to=to, subject=subject, text=text, html=html)


def _clinic(clinic_key: str):
    from chalicelib.clinics.records import Clinic
    from chalicelib.models import ClinicModel

    return Clinic.from_model(ClinicModel.get(clinic_key))


def _best_effort(what: str, send) -> int:
    """Run `send()`; a failure of SES or DynamoDB is logged, never raised."""
    from chalicelib.core.db import is_dependency_failure
    from chalicelib.core.mail import MailError

    try:
        return send()
    except MailError:
        return 0   # mail.send logged SES's answer
    except Exception as exc:
        if not is_dependency_failure(exc):
            raise
        log.warning("new message email to %s not sent: %s", what, type(exc).__name__)
        return 0


def tell_assignee(item) -> int:
    """A patient wrote: email the assigned staff member, if any and if they have an email."""
    from chalicelib.core.mail import send
    from chalicelib.models import StaffModel

    if not item.assigned_to:
        return 0

    def go() -> int:
        try:
            staff = StaffModel.get(item.clinic_key, item.assigned_to)
        except StaffModel.DoesNotExist:
            return 0
        if not staff.email or not staff.enabled:
            return 0
        send(new_message_email(_clinic(item.clinic_key), to=staff.email, login_type="staff"))
        return 1

    return _best_effort("the assignee", go)


def patient_side_addresses(clinic_key: str, patient_id: str) -> list[str]:
    """The usernames (email addresses) of the logins whose working grant for the
    patient holds `messages` (one Query on the grants' by_patient index)."""
    from chalicelib.portal_accounts.grants import expired, of_patient

    out = []
    for grant in of_patient(clinic_key, patient_id):
        if (grant.status == "active" and grant.login_status == "active" and not expired(grant)
                and SECTION in (grant.permissions or [])):
            out.append(grant.username_key)
    return sorted(set(out))


def tell_patient_side(item) -> int:
    """The clinic wrote: email every login acting for the patient with `messages`
    (each on its own: one refusal does not stop the others)."""
    from chalicelib.core.mail import send

    def go() -> int:
        addresses = patient_side_addresses(item.clinic_key, item.patient_id)
        if not addresses:
            return 0
        clinic = _clinic(item.clinic_key)
        sent = 0
        for address in addresses:
            sent += _best_effort("a patient-side login",
                                 lambda a=address: (send(new_message_email(clinic, to=a, login_type="patient")), 1)[1])
        return sent

    return _best_effort("the patient side", go)
