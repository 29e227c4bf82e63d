"""What front-desk staff do with patient-portal accounts: set one up (Self, with
credentials shown once, or an Authorized Representative, invited by email), change,
delete, reset the password, disable/enable, force a password change, resend the
invitation.

Each change is one TransactWrite: the record (conditional on the revision that was
read), whatever else must change with it (username claim, invitation token,
sessions), and the audit event. Account ids are only ever looked up under the
caller's own clinic key, so another clinic's account id is simply not found.
"""
from __future__ import annotations

import re

from chalicelib.core import audit
from chalicelib.people import invitations
from chalicelib.auth import lockout
from chalicelib.core.audit import RequestInfo
from chalicelib.core.changes import actor, bump, changed_names, iso, stale, unchanged
from chalicelib.auth.sessions import EndSessions
from chalicelib.core.errors import Conflict, InvalidRequest, NotFound
from chalicelib.core.ids import now
from chalicelib.portal_accounts.records import (PORTAL_SECTIONS, check_email, check_permissions,
                                        claim_condition, new_account_items, status_key)
from chalicelib.auth.sessions import principal_key

ACCOUNT_ID_RE = re.compile(r"^[0-9a-f]{32}$")
EDITABLE = ("first_name", "last_name", "access_type", "force_password_change", "permissions")
SESSION_FIELDS = ("access_type", "permissions")  # sessions carry these: changing them ends sessions


def account_not_found() -> NotFound:
    return NotFound("No portal account with that id at this clinic.", code="account_not_found")


def patient_not_found() -> NotFound:
    return NotFound("No patient with that id at this clinic.", code="patient_not_found")


def invitation_status(item, at: int | None = None) -> str | None:
    """The invitation's state as staff see it: pending, sent, failed, expired or accepted."""
    status = item.invitation_status
    if (item.status == "invited" and status in ("pending", "sent", "failed")
            and item.invitation_expires_at is not None and item.invitation_expires_at <= (at or now())):
        return "expired"
    return status


def account_json(item, clinic_id: str) -> dict:
    return {
        "account_id": item.account_id,
        "clinic_id": clinic_id,
        "username": item.username,
        "first_name": item.first_name,
        "last_name": item.last_name,
        "patient": {"patient_id": item.patient_id, "first_name": item.patient_first_name,
                    "last_name": item.patient_last_name},
        "access_type": item.access_type,
        "permissions": [p for p in PORTAL_SECTIONS if p in (item.permissions or [])],
        "status": item.status,
        "force_password_change": bool(item.force_password_change),
        "invitation_status": invitation_status(item),
        "invitation_expires_at": iso(item.invitation_expires_at) if item.status == "invited" else None,
        "last_login_at": iso(item.last_login_at),
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
    }


def _subject(item) -> dict:
    return {"kind": "patient", "id": item.account_id, "username": item.username}


def get_account(clinic_key: str, account_id: object, *, consistent: bool = True):
    from chalicelib.models import PortalAccountModel

    if not isinstance(account_id, str) or not ACCOUNT_ID_RE.match(account_id):
        raise account_not_found()
    try:
        return PortalAccountModel.get(clinic_key, account_id, consistent_read=consistent)
    except PortalAccountModel.DoesNotExist:
        raise account_not_found() from None


def _reload(item):
    def reload():
        from chalicelib.models import PortalAccountModel

        try:
            return PortalAccountModel.get(item.clinic_key, item.account_id, consistent_read=True)
        except PortalAccountModel.DoesNotExist:
            return None
    return reload


def _write(build, item):
    """Run a change's transaction; a failed condition becomes 404 (gone) or 409 (changed)."""
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.core.db import cancellation_codes, transact_write

    try:
        transact_write(build)
    except TransactWriteError as exc:
        if "ConditionalCheckFailed" in cancellation_codes(exc):
            raise stale(_reload(item), account_not_found()) from None
        raise


def _principal(item) -> str:
    return principal_key(item.clinic_key, "patient", item.account_id)


# ---------------------------------------------------------------- create

def create_account(session, clinic, *, patient_id: str, username: str, first_name: str, last_name: str,
                   access_type: str, force_password_change: bool | None, permissions: list | None,
                   send_invitation: bool | None, info: RequestInfo) -> dict:
    """Set up an account. Self: {"account", "credentials"} (the temporary password,
    shown this once). Authorized Rep (or Self with send_invitation): the account is
    `invited` and an invitation email goes out; {"account"}."""
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.auth.credentials import credentials, temporary_password
    from chalicelib.core.db import cancellation_codes, transact_write
    from chalicelib.models import PatientModel, PortalAccountModel
    from chalicelib.auth.passwords import hash_password
    from chalicelib.patients.records import PATIENT_ID_RE

    username = check_email(username)
    if permissions is None:
        permissions = list(PORTAL_SECTIONS) if access_type == "self" else []
    else:
        permissions = check_permissions(permissions)
    if send_invitation is None:
        send_invitation = access_type == "authorized_rep"
    if access_type == "authorized_rep" and not send_invitation:
        raise InvalidRequest("An authorized representative chooses their own password from an invitation "
                             "email; send_invitation cannot be false for them.")
    ckey = clinic.clinic_key
    if not PATIENT_ID_RE.match(patient_id):
        raise patient_not_found()
    try:
        patient = PatientModel.get(ckey, patient_id)
    except PatientModel.DoesNotExist:
        raise patient_not_found() from None

    at = now()
    password = None
    if not send_invitation:
        password = temporary_password(clinic.settings.password_min_length)
        must_change = True if force_password_change is None else force_password_change
    else:
        must_change = False  # they choose their own password when they accept
    account, claim = new_account_items(
        ckey, patient_id=patient.patient_id, username=username, first_name=first_name, last_name=last_name,
        access_type=access_type, permissions=permissions, force_password_change=must_change,
        password_hash=hash_password(password) if password else None,
        status="invited" if send_invitation else "active",
        patient_first_name=patient.first_name, patient_last_name=patient.last_name)
    invite = None
    if send_invitation:
        invite = invitations.new_invite(clinic, invitations.PATIENT_KIND, account.account_id, at)
        account.invitation_token_hash = invite.token_hash
        account.invitation_status = "pending"
        account.invitation_expires_at = invite.expires_at
    who = actor(session)

    def write(tw):
        # Transaction items go out as: condition checks, deletes, puts, updates.
        tw.condition_check(PatientModel, ckey, patient.patient_id, condition=PatientModel.patient_id.exists())
        tw.save(account, condition=PortalAccountModel.account_id.does_not_exist())
        tw.save(claim, condition=claim_condition())
        if invite:
            invitations.save_token(tw, invite)
        tw.save(audit.event(ckey, "portal_account_created", info=info, outcome="succeeded", actor=who,
                            subject=_subject(account),
                            details={"patient_id": patient.patient_id, "access_type": access_type,
                                     "permissions": permissions, "force_password_change": must_change,
                                     "invitation": bool(invite)}))

    try:
        transact_write(write)
    except TransactWriteError as exc:
        codes = cancellation_codes(exc)
        if codes and codes[0] == "ConditionalCheckFailed":
            raise patient_not_found() from None
        if len(codes) > 2 and codes[2] == "ConditionalCheckFailed":
            raise Conflict("That username is already in use at this clinic.", code="username_taken") from None
        raise
    result = {}
    if invite:
        account.invitation_status = invitations.deliver(
            clinic, invitations.PATIENT_KIND, invite,
            record_key=PortalAccountModel(ckey, account.account_id), to=username,
            first_name=first_name, username=username, info=info, actor=who, subject=_subject(account))
    else:
        result["credentials"] = credentials(clinic, login_type="patient", username=username,
                                            password=password, must_change=must_change)
    result["account"] = account_json(account, clinic.clinic_id)
    return result


# ---------------------------------------------------------------- change

def check_changes(body: dict) -> dict:
    """Validate a PATCH body's values (the API layer has checked the field names)."""
    from chalicelib.portal_accounts.records import ACCESS_TYPES

    clean = {}
    clean.update(changed_names(body))
    if "access_type" in body:
        if body["access_type"] not in ACCESS_TYPES:
            raise InvalidRequest(f"access_type must be one of: {', '.join(ACCESS_TYPES)}.")
        clean["access_type"] = body["access_type"]
    if "force_password_change" in body:
        if not isinstance(body["force_password_change"], bool):
            raise InvalidRequest("force_password_change must be true or false.")
        clean["force_password_change"] = body["force_password_change"]
    if "permissions" in body:
        clean["permissions"] = check_permissions(body["permissions"])
    if not clean:
        raise InvalidRequest(f"Send at least one of: {', '.join(EDITABLE)}.")
    return clean


def update_account(session, clinic, account_id: str, changes: dict, info: RequestInfo) -> dict:
    """Change names, access type, forced password change or permissions. A change
    of access type or permissions ends the account's sessions (they carry both)."""
    from chalicelib.models import PortalAccountModel as M

    item = get_account(clinic.clinic_key, account_id)
    diff = {}
    for name, value in changes.items():
        before = getattr(item, name)
        if name == "permissions":
            before = [p for p in PORTAL_SECTIONS if p in (before or [])]
        if before != value:
            diff[name] = {"before": before, "after": value}
    if not diff:
        return account_json(item, clinic.clinic_id)
    at = now()
    actions = [getattr(M, name).set(change["after"]) for name, change in diff.items()]
    actions += [M.updated_at.set(at), bump(M)]
    ending = EndSessions(_principal(item)) if any(f in diff for f in SESSION_FIELDS) else None

    def write(tw):
        tw.update(item, actions=actions, condition=unchanged(M, M.account_id, item))
        if ending:
            ending.add_to(tw)
        tw.save(audit.event(clinic.clinic_key, "portal_account_updated", info=info, outcome="succeeded",
                            actor=actor(session), subject=_subject(item),
                            details={"changes": diff, "sessions_ended": ending.count if ending else 0}))

    _write(write, item)
    if ending:
        ending.finish()
    for name, change in diff.items():
        setattr(item, name, change["after"])
    item.updated_at = at
    return account_json(item, clinic.clinic_id)


def delete_account(session, clinic, account_id: str, info: RequestInfo) -> None:
    """Remove the account and its username claim, end its sessions and any
    invitation. The audit log keeps its history; the username can be used again."""
    from chalicelib.models import PortalAccountModel as M, PortalUsernameModel as U

    item = get_account(clinic.clinic_key, account_id)
    ending = EndSessions(_principal(item))

    def write(tw):
        tw.delete(item, condition=unchanged(M, M.account_id, item))
        # The username claim goes too: never another account's, and a missing one does not block.
        tw.delete(U(f"{item.clinic_key}#{item.username_key}"),
                  condition=(U.account_id == item.account_id) | U.login_key.does_not_exist())
        invitations.kill_token(tw, item.invitation_token_hash)
        ending.add_to(tw)
        tw.save(audit.event(clinic.clinic_key, "portal_account_deleted", info=info, outcome="succeeded",
                            actor=actor(session), subject=_subject(item),
                            details={"patient_id": item.patient_id, "access_type": item.access_type,
                                     "permissions": list(item.permissions or []),
                                     "sessions_ended": ending.count}))

    _write(write, item)
    ending.finish()


def reset_password(session, clinic, account_id: str, info: RequestInfo) -> dict:
    """A new temporary password (shown once); the old one and every session end,
    a change is forced at the next login, and a lockout on the username is lifted."""
    from chalicelib.auth.credentials import credentials, temporary_password
    from chalicelib.models import LoginCounterModel, PortalAccountModel as M
    from chalicelib.auth.passwords import hash_password

    item = get_account(clinic.clinic_key, account_id)
    if item.status == "invited":
        raise Conflict("This person has not accepted their invitation yet. Resend the invitation instead.",
                       code="invitation_pending")
    password = temporary_password(clinic.settings.password_min_length)
    at = now()
    actions = [M.password_hash.set(hash_password(password)), M.force_password_change.set(True),
               M.password_changed_at.set(at), M.updated_at.set(at), bump(M)]
    if item.invitation_token_hash:
        actions += [M.invitation_token_hash.remove(), M.invitation_expires_at.remove()]
    ending = EndSessions(_principal(item))
    counter = LoginCounterModel(lockout.user_counter_key(clinic.clinic_key, "patient", item.username_key))

    def write(tw):
        tw.update(item, actions=actions, condition=unchanged(M, M.account_id, item))
        invitations.kill_token(tw, item.invitation_token_hash)
        tw.delete(counter)
        ending.add_to(tw)
        tw.save(audit.event(clinic.clinic_key, "portal_account_password_reset", info=info,
                            outcome="succeeded", actor=actor(session), subject=_subject(item),
                            details={"sessions_ended": ending.count}))

    _write(write, item)
    ending.finish()
    item.force_password_change, item.updated_at = True, at
    item.invitation_token_hash = item.invitation_expires_at = None
    return {"account": account_json(item, clinic.clinic_id),
            "credentials": credentials(clinic, login_type="patient", username=item.username,
                                       password=password, must_change=True)}


def set_enabled(session, clinic, account_id: str, enabled: bool, info: RequestInfo) -> dict:
    """Disable (no more logins, sessions end) or enable again (back to active, or to
    invited if the person never set a password). Doing it twice changes nothing."""
    from chalicelib.models import PortalAccountModel as M

    item = get_account(clinic.clinic_key, account_id)
    if (item.status != "disabled") == enabled:
        return account_json(item, clinic.clinic_id)
    new_status = "disabled" if not enabled else ("active" if item.password_hash else "invited")
    at = now()
    actions = [M.status.set(new_status), M.status_key.set(status_key(clinic.clinic_key, new_status)),
               M.enabled.set(enabled), M.updated_at.set(at), bump(M)]
    ending = None if enabled else EndSessions(_principal(item))

    def write(tw):
        tw.update(item, actions=actions, condition=unchanged(M, M.account_id, item))
        if ending:
            ending.add_to(tw)
        tw.save(audit.event(clinic.clinic_key, "portal_account_enabled" if enabled else "portal_account_disabled",
                            info=info, outcome="succeeded", actor=actor(session), subject=_subject(item),
                            details={"status": {"before": item.status, "after": new_status},
                                     "sessions_ended": ending.count if ending else 0}))

    _write(write, item)
    if ending:
        ending.finish()
    item.status, item.enabled, item.updated_at = new_status, enabled, at
    return account_json(item, clinic.clinic_id)


def force_password_change(session, clinic, account_id: str, info: RequestInfo) -> dict:
    """The person must choose a new password at their next login."""
    from chalicelib.models import PortalAccountModel as M

    item = get_account(clinic.clinic_key, account_id)
    if item.password_hash is None:
        raise Conflict("This person has not set a password yet; they choose one when they accept "
                       "their invitation.", code="invitation_pending")
    if item.force_password_change:
        return account_json(item, clinic.clinic_id)
    at = now()

    def write(tw):
        tw.update(item, actions=[M.force_password_change.set(True), M.updated_at.set(at), bump(M)],
                  condition=unchanged(M, M.account_id, item))
        tw.save(audit.event(clinic.clinic_key, "portal_account_updated", info=info, outcome="succeeded",
                            actor=actor(session), subject=_subject(item),
                            details={"changes": {"force_password_change": {"before": False, "after": True}}}))

    _write(write, item)
    item.force_password_change, item.updated_at = True, at
    return account_json(item, clinic.clinic_id)


def resend_invitation(session, clinic, account_id: str, info: RequestInfo) -> dict:
    """A new invitation link by email; the previous link stops working."""
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.core.db import cancellation_codes
    from chalicelib.models import PortalAccountModel as M

    item = get_account(clinic.clinic_key, account_id)
    if item.status != "invited":
        message = ("This account is disabled. Enable it before resending the invitation."
                   if item.status == "disabled" else
                   "This person has already set a password. Reset the password instead.")
        raise Conflict(message, code="not_invited")
    at = now()
    try:
        invitations.resend(
            clinic, invitations.PATIENT_KIND, item, subject_id=item.account_id,
            condition=unchanged(M, M.account_id, item) & (M.status == "invited"),
            extra_actions=[M.updated_at.set(at), bump(M)], to=item.username, first_name=item.first_name,
            username=item.username, info=info, actor=actor(session), subject=_subject(item))
    except TransactWriteError as exc:
        if "ConditionalCheckFailed" in cancellation_codes(exc):
            raise stale(_reload(item), account_not_found()) from None
        raise
    fresh = _reload(item)()  # with the email's recorded status ("sent" or "failed")
    if fresh is None:
        raise account_not_found()
    return account_json(fresh, clinic.clinic_id)
