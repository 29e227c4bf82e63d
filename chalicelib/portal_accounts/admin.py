"""What front-desk staff do with patient-portal accounts: set one up (Self, with
credentials shown once, or an Authorized Representative, invited by email), change,
delete, reset the password, disable/enable, force a password change, resend the
invitation. The flows shared with staff live in `chalicelib.people.admin`; this
module says what is particular to portal accounts.

Account ids are only ever looked up under the caller's own clinic key, so another
clinic's account id is simply not found. Every use case takes and returns domain
objects (the account item, `Issued`); the API shapes the JSON.
"""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.ids import now
from chalicelib.core.limits import RECORD_ID_RE
from chalicelib.core.records import write
from chalicelib.people import admin as people
from chalicelib.people.admin import Issued
from chalicelib.portal_accounts.records import PORTAL_SECTIONS, claim_condition, new_account_items


def account_not_found() -> NotFound:
    return NotFound("No portal account with that id at this clinic.", code="account_not_found")


def patient_not_found() -> NotFound:
    return NotFound("No patient with that id at this clinic.", code="patient_not_found")


def username_taken() -> Conflict:
    return Conflict("That username is already in use at this clinic.", code="username_taken")


def _model():
    from chalicelib.models import PortalAccountModel

    return PortalAccountModel


def ordered_sections(permissions) -> list[str]:
    return [p for p in PORTAL_SECTIONS if p in (permissions or [])]


KIND = people.Kind(
    name="patient", event="portal_account", model=_model, key_name="account_id",
    invitation_kind="invitation", not_found=account_not_found,
    session_fields=("access_type", "permissions"),  # sessions carry these
    normalize={"permissions": ordered_sections},
)


def get_account(clinic_key: str, account_id: object, *, revision: int | None = None):
    """The account (read consistently); 404 for an id that is not this clinic's,
    409 `conflict` if `revision` is given and no longer current."""
    if not isinstance(account_id, str) or not RECORD_ID_RE.fullmatch(account_id):
        raise account_not_found()
    return people.load(KIND, clinic_key, account_id, revision=revision)


# ---------------------------------------------------------------- create

def create_account(session, clinic, *, patient_id: str, username: str, first_name: str, last_name: str,
                   access_type: str, force_password_change: bool | None, permissions: list | None,
                   send_invitation: bool | None, info: RequestInfo) -> Issued:
    """Set up an account for a patient of the clinic. Self: the temporary password
    comes back as credentials (shown once). Authorized Rep (or Self with
    send_invitation): the account is `invited` and an invitation email goes out."""
    from chalicelib.core.errors import InvalidRequest
    from chalicelib.models import AccountStatus, PatientModel, PortalAccountModel
    from chalicelib.people import invitations

    if permissions is None:
        permissions = list(PORTAL_SECTIONS) if access_type == "self" else []
    if send_invitation is None:
        send_invitation = access_type == "authorized_rep"
    if access_type == "authorized_rep" and not send_invitation:
        raise InvalidRequest("An authorized representative chooses their own password from an invitation "
                             "email; send_invitation cannot be false for them.")
    ckey = clinic.clinic_key
    try:
        patient = PatientModel.get(ckey, patient_id)
    except PatientModel.DoesNotExist:
        raise patient_not_found() from None

    at = now()
    account, claim = new_account_items(
        ckey, patient_id=patient.patient_id, username=username, first_name=first_name, last_name=last_name,
        access_type=access_type, permissions=permissions,
        status=AccountStatus.INVITED if send_invitation else AccountStatus.ACTIVE,
        patient_first_name=patient.first_name, patient_last_name=patient.last_name, at=at)
    password, invite = people.first_credentials(KIND, clinic, account, send_invitation=send_invitation,
                                                force_password_change=force_password_change, at=at)

    def build(tx):
        tx.check("patient", PatientModel, ckey, patient.patient_id, condition=PatientModel.patient_id.exists())
        tx.save("account", account, condition=PortalAccountModel.account_id.does_not_exist())
        tx.save("claim", claim, condition=claim_condition())
        if invite:
            invitations.save_token(tx, invite)
        tx.audit(audit.event(ckey, "portal_account_created", info=info, outcome="succeeded", actor=actor(session),
                             subject=KIND.subject(account),
                             details={"patient_id": patient.patient_id, "access_type": access_type,
                                      "permissions": permissions,
                                      "force_password_change": bool(account.force_password_change),
                                      "invitation": bool(invite)}))

    write(build, failed={"patient": patient_not_found, "claim": username_taken})
    return people.hand_out(KIND, session, clinic, account, password, invite, to=username, info=info)


# ---------------------------------------------------------------- change

def update_account(session, clinic, account_id: str, changes: dict, info: RequestInfo, *,
                   revision: int | None = None):
    """Change names, access type, forced password change or permissions. A change
    of access type or permissions ends the account's sessions (they carry both)."""
    item = get_account(clinic.clinic_key, account_id, revision=revision)
    return people.change_fields(KIND, session, clinic, item, changes, info)


def delete_account(session, clinic, account_id: str, info: RequestInfo, *, revision: int | None = None) -> None:
    """Remove the account and its username claim, end its sessions and any
    invitation. The audit log keeps its history; the username can be used again."""
    from chalicelib.auth.sessions import EndSessions
    from chalicelib.models import PortalAccountModel as M
    from chalicelib.models import PortalUsernameModel as U
    from chalicelib.people import invitations

    item = get_account(clinic.clinic_key, account_id, revision=revision)
    ending = EndSessions(KIND.principal(item))

    def build(tx):
        from chalicelib.core.records import unchanged

        tx.delete("record", item, condition=unchanged(M, M.account_id, item))
        # The username claim goes too: never another account's, and a missing one does not block.
        tx.delete("claim", U(f"{item.clinic_key}#{item.username_key}"),
                  condition=(U.account_id == item.account_id) | U.login_key.does_not_exist())
        invitations.kill_token(tx, item.invitation_token_hash)
        ending.add_to(tx)
        tx.audit(audit.event(clinic.clinic_key, "portal_account_deleted", info=info, outcome="succeeded",
                             actor=actor(session), subject=KIND.subject(item),
                             details={"patient_id": item.patient_id, "access_type": item.access_type,
                                      "permissions": list(item.permissions or []),
                                      "sessions_ended": ending.count}))

    people.commit(KIND, session, item, build)
    ending.finish()


def reset_password(session, clinic, account_id: str, info: RequestInfo, *, revision: int | None = None) -> Issued:
    """A new temporary password (shown once); the old one and every session end,
    a change is forced at the next login, and a lockout on the username is lifted."""
    item = get_account(clinic.clinic_key, account_id, revision=revision)
    if item.awaiting_invitation:
        raise Conflict("This person has not accepted their invitation yet. Resend the invitation instead.",
                       code="invitation_pending")
    credentials = people.reset_password(KIND, session, clinic, item, info)
    return Issued(item, credentials)


def set_enabled(session, clinic, account_id: str, enabled: bool, info: RequestInfo, *,
                revision: int | None = None):
    """Disable (no more logins, sessions end) or enable again (back to active, or to
    invited if the person never set a password). Doing it twice changes nothing."""
    item = get_account(clinic.clinic_key, account_id, revision=revision)
    return people.set_enabled(KIND, session, clinic, item, enabled, info)


def force_password_change(session, clinic, account_id: str, info: RequestInfo, *, revision: int | None = None):
    """The person must choose a new password at their next login."""
    item = get_account(clinic.clinic_key, account_id, revision=revision)
    return people.force_password_change(KIND, session, clinic, item, info)


def resend_invitation(session, clinic, account_id: str, info: RequestInfo, *, revision: int | None = None):
    """A new invitation link by email; the previous link stops working."""
    item = get_account(clinic.clinic_key, account_id, revision=revision)
    if not item.awaiting_invitation:
        message = ("This account is disabled. Enable it before resending the invitation."
                   if item.is_disabled else
                   "This person has already set a password. Reset the password instead.")
        raise Conflict(message, code="not_invited")
    return people.resend_invitation(KIND, session, clinic, item, to=item.username, info=info)
