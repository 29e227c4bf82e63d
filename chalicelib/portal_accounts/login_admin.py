"""What staff do with a portal *login* as a whole, whatever patients it holds
grants for: disable/enable it (disabling ends every session and so all of its
access; its grants keep their own status), reset its password, force a
password change, resend its invitation, lift a lockout. The flows are the ones staff records
share (`people.admin`); the row routes (`admin`) reach them through a grant."""
from __future__ import annotations

from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import Conflict
from chalicelib.people import admin as people
from chalicelib.people.admin import Issued


def _kind():
    from chalicelib.portal_accounts.admin import KIND

    return KIND


def reset_password(session, clinic, login, info: RequestInfo) -> Issued:
    """A new temporary password (shown once); the old one and every session end,
    a change is forced at the next login, and a lockout on the username is lifted."""
    if login.awaiting_invitation:
        raise Conflict("This person has not accepted their invitation yet. Resend the invitation instead.",
                       code="invitation_pending")
    return Issued(login, people.reset_password(_kind(), session, clinic, login, info))


def set_enabled(session, clinic, login, enabled: bool, info: RequestInfo):
    return people.set_enabled(_kind(), session, clinic, login, enabled, info)


def force_password_change(session, clinic, login, info: RequestInfo):
    return people.force_password_change(_kind(), session, clinic, login, info)


def unlock(session, clinic, login, info: RequestInfo):
    from chalicelib.people.locks import unlock as lift

    return lift(_kind(), session, clinic, login, info)


def reset_mfa(session, clinic, login, info: RequestInfo):
    from chalicelib.people.mfa_reset import reset_mfa as reset

    return reset(_kind(), session, clinic, login, info)


def remove_passkeys(session, clinic, login, info: RequestInfo):
    from chalicelib.people.passkeys_admin import remove_passkeys as remove

    return remove(_kind(), session, clinic, login, info)


def resend_invitation(session, clinic, login, info: RequestInfo):
    if not login.awaiting_invitation:
        message = ("This account is disabled. Enable it before resending the invitation."
                   if login.is_disabled else
                   "This person has already set a password. Reset the password instead.")
        raise Conflict(message, code="not_invited")
    return people.resend_invitation(_kind(), session, clinic, login, to=login.username, info=info)


def run(name: str, session, clinic, login_id: str, info: RequestInfo, *, revision: int | None = None, **kwargs):
    """A login action by login id (the /portal-logins routes)."""
    from chalicelib.portal_accounts.admin import get_login

    login = get_login(clinic.clinic_key, login_id, revision=revision)
    return globals()[name](session, clinic, login, info=info, **kwargs)
