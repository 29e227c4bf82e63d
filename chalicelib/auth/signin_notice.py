"""Security email: "a sign-in from a browser that has not signed in before".

A new browser is a successful login that did not come with a valid device cookie
for this person (devices.py): no cookie, or a forged, expired or other person's
one, or one issued before their password changed; a bearer login never carries
one, so it always counts as new. The email is not sent

- on the very first sign-in of an account (no `last_login_at` before it): the
  person has just received or chosen their password, so every browser is new
  and the email would only be noise;
- when the person has no email address.

Like every email of the portal: the clinic's name, a link to the portal, no
health information and never a password. It names the browser, system, address
and time so the person can tell whether it was them, and what to do if not.

It is sent after the login's transaction committed, before the reply: a Lambda
may be frozen once it has answered, so a background thread could lose it. The
SES client fails fast (core/mail.py), and a refusal or an outage is logged and
the login stands: a failed email never fails a sign-in. Measured on moto: see
docs/architecture.md ("Security emails").
"""
from __future__ import annotations

import logging
import time

from chalicelib.auth import user_agents
from chalicelib.core.mail import Email, render

log = logging.getLogger("portal")


def _portal(login_type: str) -> str:
    return "patient portal" if login_type == "patient" else "Staff Portal"


def new_browser_email(clinic, record, info, at: int) -> Email:
    from chalicelib.auth.credentials import login_url

    browser, system = user_agents.describe(info.user_agent)
    subject, text, html = render(
        subject=f"{clinic.name}: a sign-in from a new browser",
        greeting=f"Hello {record.first_name},",
        paragraphs=[f"Your {_portal(record.kind)} account at {clinic.name} was just signed in to from a "
                    "browser that has not signed in to it before."],
        facts=[("Clinic", clinic.name), ("Username", record.username),
               ("When", time.strftime("%d %B %Y, %H:%M UTC", time.gmtime(at))),
               ("Browser", f"{browser} on {system}"), ("Network address", info.source_ip or "unknown")],
        link_text="Log in",
        link=login_url(clinic.clinic_id, record.kind),
        closing=["If this was you, there is nothing to do.",
                 "If it was not you, log in, change your password, and select \"Sign out everywhere else\" "
                 f"under \"Where you're signed in\"; then tell {clinic.name}."],
    )
    return Email(to=record.email, subject=subject, text=text, html=html)


def should_send(record, *, trusted: bool, first_sign_in: bool) -> bool:
    return not trusted and not first_sign_in and bool(record.email)


def after_login(clinic, record, info, at: int, *, trusted: bool, first_sign_in: bool) -> None:
    """Send the email when this sign-in calls for one; never raises."""
    from chalicelib.auth.account_emails import send_notice

    if not should_send(record, trusted=trusted, first_sign_in=first_sign_in):
        return
    try:
        send_notice(new_browser_email(clinic, record, info, at))
    except Exception:  # noqa: BLE001 - the login has committed; an email must not undo the reply
        log.warning("new-browser email not sent", exc_info=False)
