"""The day-before reminder emails.

`send_for_day(day)` sends one reminder per booked appointment of `day` (UTC) not
reminded yet. It runs from the scheduled Lambda (`app.py`, every hour, for
tomorrow: a booking made during the day for tomorrow still gets its reminder) and
from the command `python -m infra.admin send-reminders --date YYYY-MM-DD`.

- **Which clinics:** the registry `appointment_days` (one item per day and clinic,
  written in every booking's transaction): one Query for the day. Never a Scan of
  the clinics table, and clinics with nothing that day cost nothing.
- **Which appointments:** one Query of `by_clinic_day` per clinic (paged only when a
  day holds more than a page).
- **Never twice:** each appointment is first marked (`reminded_at` set on condition it
  is still booked and has no `reminded_at`); only the run whose mark succeeded sends.
  When no email could be sent at all, the mark is removed again (conditional on it
  being this run's), so a later run tries again.
- **What it says:** the clinic's name and the time, and a link to log in. Never the
  reason, the provider or the location (they can say what the visit is about).
- **To whom:** the portal logins whose working grant for the patient holds
  `appointments`, and the email address on the patient's record.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from chalicelib.core.mail import Email, render
from chalicelib.sections.appointments import SECTION, times

log = logging.getLogger("portal")


@dataclass
class Outcome:
    clinics: int = 0
    appointments: int = 0
    sent: int = 0             # appointments reminded by this run
    emails: int = 0
    skipped: int = 0          # already reminded, or no longer booked
    nobody: int = 0           # no address to send to
    failed: list = field(default_factory=list)

    def words(self) -> str:
        return (f"{self.sent} reminders sent ({self.emails} emails) for {self.appointments} appointments "
                f"in {self.clinics} clinics; {self.skipped} already reminded or not booked, "
                f"{self.nobody} without an address, {len(self.failed)} failed")


def reminder_email(clinic, start: str, *, to: str) -> Email:
    from chalicelib.auth.credentials import login_url

    when = times.long_words(start)
    subject, text, html = render(
        subject=f"{clinic.name}: appointment reminder",
        greeting="Hello,",
        paragraphs=[f"This is a reminder of an appointment at {clinic.name} on {when}.",
                    "To see or cancel it, log in to the patient portal. If you cannot come, please tell the "
                    "clinic as soon as you can."],
        facts=[("Clinic", clinic.name), ("When", when)],
        link_text="Log in to the patient portal",
        link=login_url(clinic.clinic_id, "patient"),
        closing=[f"If you did not expect this email, contact {clinic.name}."],
    )
    return Email(to=to, subject=subject, text=text, html=html)


def addresses(clinic_key: str, patient_id: str) -> list[str]:
    from chalicelib.models import PatientModel
    from chalicelib.portal_accounts.grants import expired, of_patient

    out = {g.username_key for g in of_patient(clinic_key, patient_id)
           if g.status == "active" and g.login_status == "active" and not expired(g)
           and SECTION in (g.permissions or [])}
    try:
        patient = PatientModel.get(clinic_key, patient_id)
        if patient.email:
            out.add(patient.email)
    except PatientModel.DoesNotExist:
        pass
    return sorted(a for a in out if a and "@" in a)


def _mark(item, at: int) -> bool:
    from chalicelib.core.db import is_conditional_failure
    from chalicelib.models import AppointmentModel as A

    try:
        item.update(actions=[A.reminded_at.set(at)],
                    condition=A.reminded_at.does_not_exist() & (A.status == "booked"))
        return True
    except Exception as exc:
        if is_conditional_failure(exc):
            return False
        raise


def _unmark(item, at: int) -> None:
    from chalicelib.models import AppointmentModel as A

    try:
        item.update(actions=[A.reminded_at.remove()], condition=A.reminded_at == at)
    except Exception as exc:  # noqa: BLE001 - best effort: a later run then skips it
        log.warning("reminder mark not removed: %s", type(exc).__name__)


def remind(clinic, item, outcome: Outcome) -> None:
    from chalicelib.core.ids import now
    from chalicelib.core.mail import MailError, send

    if item.status != "booked" or item.reminded_at is not None:
        outcome.skipped += 1
        return
    to = addresses(clinic.clinic_key, item.patient_id)
    if not to:
        outcome.nobody += 1
        return
    at = now()
    if not _mark(item, at):
        outcome.skipped += 1
        return
    sent = 0
    for address in to:
        try:
            send(reminder_email(clinic, item.start, to=address))
            sent += 1
        except MailError:
            pass   # mail.send logged SES's answer
    if sent:
        outcome.sent += 1
        outcome.emails += sent
    else:
        _unmark(item, at)
        outcome.failed.append(item.appointment_id)


def send_for_day(day: str) -> Outcome:
    from chalicelib.clinics.records import Clinic
    from chalicelib.models import AppointmentDayModel as D
    from chalicelib.models import AppointmentModel as A
    from chalicelib.models import ClinicModel

    outcome = Outcome()
    for entry in D.query(day):
        try:
            clinic = Clinic.from_model(ClinicModel.get(entry.clinic_key))
        except ClinicModel.DoesNotExist:
            continue
        outcome.clinics += 1
        for item in A.by_clinic_day.query(f"{entry.clinic_key}#{day}"):
            outcome.appointments += 1
            remind(clinic, item, outcome)
    log.info("appointment reminders for %s: %s", day, outcome.words())
    return outcome


def send_for_tomorrow() -> Outcome:
    from chalicelib.core.ids import now

    return send_for_day(times.add_days(times.today(now()), 1))
