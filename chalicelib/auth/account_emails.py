"""The emails that help a person back into their account: a password-reset link,
a staff member's usernames; and the security notices: "your password was changed",
two-factor authentication turned on, off or reset, new recovery codes. Like every email
of the portal: the clinic's name, a link to the portal, never a password and no
health information."""
from __future__ import annotations

from chalicelib.core.mail import Email, render

IGNORE = "If you did not ask for this, you can ignore this email: your password stays as it is."


def send_notice(email: Email) -> bool:
    """Send an email that follows a change already made: a refusal from SES is logged
    (by mail.send) and the change stands."""
    from chalicelib.core.mail import MailError, send

    try:
        send(email)
        return True
    except MailError:
        return False


def _portal(login_type: str) -> str:
    return "patient portal" if login_type == "patient" else "Staff Portal"


def reset_link(token: str, clinic_id: str, login_type: str) -> str:
    """The reset page's link. Like an invitation's, it names the clinic and the login
    tab (nothing secret) so the page can lead to the right login afterwards."""
    from urllib.parse import urlencode

    from chalicelib.core.settings import get_settings

    query = urlencode({"token": token, "clinicID": clinic_id,
                       "LoginType": "Patient" if login_type == "patient" else "Staff"})
    return f"{get_settings().public_base_url}/reset?{query}"


def reset_email(clinic, *, login_type: str, to: str, first_name: str, username: str, token: str,
                minutes: int) -> Email:
    subject, text, html = render(
        subject=f"{clinic.name}: choose a new password",
        greeting=f"Hello {first_name},",
        paragraphs=[f"Someone asked to reset the password of your {_portal(login_type)} account at "
                    f"{clinic.name}. Open the link below to choose a new password."],
        facts=[("Clinic", clinic.name), ("Clinic ID", clinic.clinic_id), ("Username", username)],
        link_text="Choose a new password",
        link=reset_link(token, clinic.clinic_id, login_type),
        closing=[f"The link works once and expires in {minutes} minutes. Choosing a new password "
                 "signs you out everywhere.", IGNORE],
    )
    return Email(to=to, subject=subject, text=text, html=html)


def username_email(clinic, *, to: str, usernames: list[str]) -> Email:
    from chalicelib.auth.credentials import login_url

    several = len(usernames) > 1
    subject, text, html = render(
        subject=f"{clinic.name}: your Staff Portal username" + ("s" if several else ""),
        greeting="Hello,",
        paragraphs=[f"Someone asked for the Staff Portal username{'s' if several else ''} at {clinic.name} "
                    f"that {'use' if several else 'uses'} this email address."],
        facts=[("Clinic", clinic.name), ("Clinic ID", clinic.clinic_id)]
        + [("Username", name) for name in usernames],
        link_text="Go to Staff Login",
        link=login_url(clinic.clinic_id, "staff"),
        closing=["If you have forgotten your password too, select \"Forgot password?\" on the login page.",
                 "If you did not ask for this, you can ignore this email."],
    )
    return Email(to=to, subject=subject, text=text, html=html)


def _security_notice(clinic, *, login_type: str, to: str, first_name: str, username: str, subject: str,
                     what: str, closing: str) -> Email:
    """A "something changed in your account" email: what happened, the clinic, a login link."""
    from chalicelib.auth.credentials import login_url

    subject, text, html = render(
        subject=f"{clinic.name}: {subject}",
        greeting=f"Hello {first_name},",
        paragraphs=[what.format(portal=_portal(login_type), clinic=clinic.name)],
        facts=[("Clinic", clinic.name), ("Clinic ID", clinic.clinic_id), ("Username", username)],
        link_text="Log in",
        link=login_url(clinic.clinic_id, login_type),
        closing=[closing.format(clinic=clinic.name)],
    )
    return Email(to=to, subject=subject, text=text, html=html)


def password_changed_email(clinic, *, login_type: str, to: str, first_name: str, username: str) -> Email:
    return _security_notice(
        clinic, login_type=login_type, to=to, first_name=first_name, username=username,
        subject="your password was changed",
        what="The password of your {portal} account at {clinic} was just changed, and you were signed out "
             "everywhere.",
        closing="If you did not change it, contact {clinic} right away.")


# What happened to a person's two-factor authentication: (subject, what, closing).
MFA_NOTICES = {
    "enabled": ("two-factor authentication is on",
                "Two-factor authentication was just turned on for your {portal} account at {clinic}. "
                "From now on you sign in with your password and a code from your authenticator app.",
                "If you did not turn it on, contact {clinic} right away."),
    "disabled": ("two-factor authentication is off",
                 "Two-factor authentication was just turned off for your {portal} account at {clinic}. "
                 "You now sign in with your password only.",
                 "If you did not turn it off, contact {clinic} right away."),
    "reset": ("two-factor authentication was reset",
              "An administrator of {clinic} reset the two-factor authentication of your {portal} account, "
              "and you were signed out everywhere. You can set it up again after you log in.",
              "If you did not ask for this, contact {clinic} right away."),
    "recovery_codes": ("new recovery codes",
                       "New recovery codes were just made for your {portal} account at {clinic}. "
                       "The old ones no longer work.",
                       "If you did not do this, contact {clinic} right away."),
}


def mfa_email(clinic, what: str, *, login_type: str, to: str, first_name: str, username: str) -> Email:
    subject, text, closing = MFA_NOTICES[what]
    return _security_notice(clinic, login_type=login_type, to=to, first_name=first_name, username=username,
                            subject=subject, what=text, closing=closing)


# What happened to a person's passkeys (auth/passkeys/): (subject, what, closing).
PASSKEY_NOTICES = {
    "added": ("a passkey was added",
              "A passkey named \"{name}\" was just added to your {portal} account at {clinic}. "
              "It can now sign you in without your password.",
              "If you did not add it, remove it from your security page and contact {clinic} right away."),
    "removed": ("a passkey was removed",
                "The passkey named \"{name}\" was just removed from your {portal} account at {clinic}. "
                "It can no longer sign you in.",
                "If you did not remove it, contact {clinic} right away."),
    "removed_all": ("your passkeys were removed",
                    "An administrator of {clinic} removed every passkey of your {portal} account. "
                    "Sign in with your password; you can add a passkey again afterwards.",
                    "If you did not ask for this, contact {clinic} right away."),
}


def passkey_email(clinic, what: str, *, login_type: str, to: str, first_name: str, username: str,
                  name: str = "") -> Email:
    subject, text, closing = PASSKEY_NOTICES[what]
    # The name is the person's own words: quoted as text, never formatted further.
    text = text.replace("{name}", name.replace("{", "(").replace("}", ")"))
    return _security_notice(clinic, login_type=login_type, to=to, first_name=first_name, username=username,
                            subject=subject, what=text, closing=closing)
