"""The email a refill decision sends to every login acting for the patient with the
`refills` section: that the status of a refill request changed at the clinic, with
the login link. Never the medication, the pharmacy, the notes or the patient's name.
Sent after the decision is committed, best effort (as `sections/messages/notify`)."""
from __future__ import annotations

from chalicelib.core.mail import Email, render
from chalicelib.sections.refills import REFILLS


def status_changed_email(clinic, *, to: str) -> Email:
    from chalicelib.auth.credentials import login_url

    subject, text, html = render(
        subject=f"{clinic.name}: a refill request was updated",
        greeting="Hello,",
        paragraphs=[f"The status of a prescription refill request changed at {clinic.name}.",
                    "For your privacy this email does not say more. Log in to the patient portal to see it."],
        facts=[("Clinic", clinic.name), ("Clinic ID", clinic.clinic_id)],
        link_text="Log in to see it",
        link=login_url(clinic.clinic_id, "patient"),
        closing=[f"If you did not expect this email, contact {clinic.name}."],
    )
    return Email(to=to, subject=subject, text=text, html=html)


def addresses(clinic_key: str, patient_id: str) -> list[str]:
    from chalicelib.portal_accounts.grants import expired, of_patient

    return sorted({g.username_key for g in of_patient(clinic_key, patient_id)
                   if g.status == "active" and g.login_status == "active" and not expired(g)
                   and REFILLS in (g.permissions or [])})


def tell_patient_side(clinic, item) -> int:
    from chalicelib.core.mail import send
    from chalicelib.sections.messages.notify import _best_effort

    def go() -> int:
        sent = 0
        for address in addresses(clinic.clinic_key, item.patient_id):
            sent += _best_effort("a patient-side login",
                                 lambda a=address: (send(status_changed_email(clinic, to=a)), 1)[1])
        return sent

    return _best_effort("the patient side", go)
