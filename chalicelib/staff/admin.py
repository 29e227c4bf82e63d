"""Staff management, for administrators (`staff.manage`): add a staff member
(credentials shown once, or a set-password invitation by email), list, change
names, email, roles and Staff Portal access, disable/enable, reset a password.

Sessions carry roles and permissions, so a change of roles or portal access, a
disable and a password reset end that person's sessions (in the same transaction
as the change, for up to TRANSACTION_ROOM sessions).

Nobody can lock themself out: an administrator cannot remove their own
administrator role, turn off their own portal access or disable themself. Every
change also checks, in its transaction, that the acting administrator still is
one (enabled, with portal access), so two administrators demoting each other at
the same moment cannot leave the clinic without one.
"""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.people import invitations
from chalicelib.auth import lockout
from chalicelib.core.audit import RequestInfo
from chalicelib.core.changes import actor, bump, changed_names, iso, stale, unchanged
from chalicelib.core.db import page_start, query_page
from chalicelib.auth.sessions import EndSessions
from chalicelib.core.db import encode_cursor
from chalicelib.core.errors import Conflict, Forbidden, InvalidRequest, NotFound
from chalicelib.core.ids import normalize_key, now
from chalicelib.staff.roles import ROLE_PERMISSIONS, permissions_for
from chalicelib.auth.sessions import principal_key
from chalicelib.staff.records import STAFF_USERNAME_RE, check_roles, check_staff_username, new_staff_item

PAGE_SIZE = 50
MANAGE = "staff.manage"
EDITABLE = ("first_name", "last_name", "email", "roles", "portal_access", "force_password_change")
SESSION_FIELDS = ("roles", "portal_access")


def staff_not_found() -> NotFound:
    return NotFound("No staff member with that username at this clinic.", code="staff_not_found")


def self_lockout(message: str) -> Conflict:
    return Conflict(message, code="self_lockout")


def status_of(item) -> str:
    if not item.enabled:
        return "disabled"
    return "invited" if item.password_hash is None else "active"


def staff_json(item) -> dict:
    return {
        "username": item.username,
        "first_name": item.first_name,
        "last_name": item.last_name,
        "email": item.email,
        "roles": list(item.roles or []),
        "permissions": permissions_for(item.roles),
        "portal_access": bool(item.portal_access),
        "status": status_of(item),
        "force_password_change": bool(item.force_password_change),
        "invitation_status": item.invitation_status,
        "last_login_at": iso(item.last_login_at),
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
    }


def _subject(item) -> dict:
    return {"kind": "staff", "id": item.username_key, "username": item.username}


def _managing_roles() -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if MANAGE in perms]


def _still_manager(model):
    """Condition on a staff item: it may still manage staff (and sign in)."""
    roles = _managing_roles()
    condition = model.roles.contains(roles[0])
    for role in roles[1:]:
        condition |= model.roles.contains(role)
    return condition & (model.enabled == True) & (model.portal_access == True)  # noqa: E712


def _actor_check(tw, session, target_key: str | None) -> None:
    """Add the "actor still manages staff" check (when the actor is not the target,
    whose own update carries it instead: one transaction cannot touch an item twice)."""
    from chalicelib.models import StaffModel

    if target_key != session.subject_id:
        tw.condition_check(StaffModel, session.clinic_key, session.subject_id, condition=_still_manager(StaffModel))


def get_staff(clinic_key: str, username: object):
    from chalicelib.models import StaffModel

    if not isinstance(username, str) or not STAFF_USERNAME_RE.match(username):
        raise staff_not_found()
    try:
        return StaffModel.get(clinic_key, normalize_key(username), consistent_read=True)
    except StaffModel.DoesNotExist:
        raise staff_not_found() from None


def _reload(item):
    def reload():
        from chalicelib.models import StaffModel

        try:
            return StaffModel.get(item.clinic_key, item.username_key, consistent_read=True)
        except StaffModel.DoesNotExist:
            return None
    return reload


def _write(build, item, session):
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.core.db import cancellation_codes, transact_write

    try:
        transact_write(build)
    except TransactWriteError as exc:
        codes = cancellation_codes(exc)
        if "ConditionalCheckFailed" not in codes:
            raise
        if item.username_key != session.subject_id and codes[0] == "ConditionalCheckFailed":
            raise Forbidden("You do not have permission to do that.", code="forbidden") from None
        raise stale(_reload(item), staff_not_found()) from None


def _principal(item) -> str:
    return principal_key(item.clinic_key, "staff", item.username_key)


def list_staff(clinic, cursor: str | None, limit: int = PAGE_SIZE) -> dict:
    """One page of the clinic's staff, by username: one Query."""
    from chalicelib.models import StaffModel

    keys = ("clinic_key", "username_key")
    start = page_start(cursor, hash_name="clinic_key", hash_value=clinic.clinic_key, key_names=keys)
    items, last_key = query_page(StaffModel, StaffModel.query, clinic.clinic_key, limit=limit, start=start,
                                 key_names=keys)
    return {"items": [staff_json(i) for i in items], "next_cursor": encode_cursor(last_key)}


def create_staff(session, clinic, *, username: str, first_name: str, last_name: str, email: str | None,
                 roles: list, portal_access: bool, force_password_change: bool | None,
                 send_invitation: bool, info: RequestInfo) -> dict:
    """{"staff", "credentials"} (temporary password, shown once) or, with
    send_invitation, {"staff"} and a set-password email."""
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.auth.credentials import credentials, temporary_password
    from chalicelib.core.db import cancellation_codes, transact_write
    from chalicelib.models import StaffModel
    from chalicelib.auth.passwords import hash_password
    from chalicelib.portal_accounts.records import check_email

    check_staff_username(username)
    roles = check_roles(roles)
    if email is not None:
        email = check_email(email, "email")
    if send_invitation and not email:
        raise InvalidRequest("An invitation needs the staff member's email address.")
    at = now()
    password = None if send_invitation else temporary_password(clinic.settings.password_min_length)
    must_change = False if send_invitation else (True if force_password_change is None else force_password_change)
    item = new_staff_item(clinic.clinic_key, username=username, first_name=first_name, last_name=last_name,
                          email=email, roles=roles, portal_access=portal_access,
                          password_hash=hash_password(password) if password else None,
                          force_password_change=must_change)
    item.updated_at = at
    invite = None
    if send_invitation:
        invite = invitations.new_invite(clinic, invitations.STAFF_KIND, item.username_key, at)
        item.invitation_token_hash, item.invitation_status = invite.token_hash, "pending"
        item.invitation_expires_at = invite.expires_at
    who = actor(session)

    def write(tw):
        # (Creating one's own username needs no actor check: the put's condition fails anyway.)
        _actor_check(tw, session, item.username_key)
        tw.save(item, condition=StaffModel.username_key.does_not_exist())
        if invite:
            invitations.save_token(tw, invite)
        tw.save(audit.event(clinic.clinic_key, "staff_created", info=info, outcome="succeeded", actor=who,
                            subject=_subject(item),
                            details={"roles": roles, "portal_access": portal_access,
                                     "force_password_change": must_change, "invitation": bool(invite)}))

    try:
        transact_write(write)
    except TransactWriteError as exc:
        codes = cancellation_codes(exc)
        checked = item.username_key != session.subject_id  # the actor check came first
        if checked and codes and codes[0] == "ConditionalCheckFailed":
            raise Forbidden("You do not have permission to do that.", code="forbidden") from None
        put = 1 if checked else 0
        if len(codes) > put and codes[put] == "ConditionalCheckFailed":
            raise Conflict("That staff username is already in use at this clinic.", code="username_taken") from None
        raise
    result = {}
    if invite:
        item.invitation_status = invitations.deliver(
            clinic, invitations.STAFF_KIND, invite, record_key=StaffModel(clinic.clinic_key, item.username_key),
            to=email, first_name=first_name, username=username, info=info, actor=who, subject=_subject(item))
    else:
        result["credentials"] = credentials(clinic, login_type="staff", username=username, password=password,
                                            must_change=must_change)
    result["staff"] = staff_json(item)
    return result


def check_changes(body: dict) -> dict:
    from chalicelib.portal_accounts.records import check_email

    clean = {}
    clean.update(changed_names(body))
    if "email" in body:
        clean["email"] = None if body["email"] in (None, "") else check_email(body["email"], "email")
    if "roles" in body:
        clean["roles"] = check_roles(body["roles"])
    for name in ("portal_access", "force_password_change"):
        if name in body:
            if not isinstance(body[name], bool):
                raise InvalidRequest(f"{name} must be true or false.")
            clean[name] = body[name]
    if not clean:
        raise InvalidRequest(f"Send at least one of: {', '.join(EDITABLE)}.")
    return clean


def _refuse_self_lockout(session, item, *, roles=None, portal_access=None, enabled=None) -> None:
    if item.username_key != session.subject_id:
        return
    if roles is not None and not any(r in roles for r in _managing_roles()):
        raise self_lockout("You cannot remove your own administrator role. Ask another administrator.")
    if portal_access is False:
        raise self_lockout("You cannot turn off your own Staff Portal access. Ask another administrator.")
    if enabled is False:
        raise self_lockout("You cannot disable your own account. Ask another administrator.")


def _own_update(tw, session, item, actions, condition):
    """Update a staff item; when it is the actor's own, the "still a manager" check rides along."""
    from chalicelib.models import StaffModel as S

    if item.username_key == session.subject_id:
        condition = condition & _still_manager(S)
    tw.update(item, actions=actions, condition=condition)


def update_staff(session, clinic, username: str, changes: dict, info: RequestInfo) -> dict:
    from chalicelib.models import SessionModel, StaffModel as S

    item = get_staff(clinic.clinic_key, username)
    _refuse_self_lockout(session, item, roles=changes.get("roles"), portal_access=changes.get("portal_access"))
    diff = {}
    for name, value in changes.items():
        before = getattr(item, name)
        if name == "roles":
            before = sorted(before or [])
        if before != value:
            diff[name] = {"before": before, "after": value}
    if not diff:
        return staff_json(item)
    at = now()
    actions = [getattr(S, name).set(change["after"]) if change["after"] is not None else getattr(S, name).remove()
               for name, change in diff.items()]
    actions += [S.updated_at.set(at), bump(S)]
    own = item.username_key == session.subject_id
    ending = None
    if any(f in diff for f in SESSION_FIELDS):
        # Your own roles change: your other sessions end, this one carries the new roles.
        ending = EndSessions(_principal(item), keep_hash=session.token_hash if own else None)
    new_roles = diff.get("roles", {}).get("after")

    def write(tw):
        _actor_check(tw, session, item.username_key)
        _own_update(tw, session, item, actions, unchanged(S, S.username_key, item))
        if ending:
            ending.add_to(tw)
        if own and new_roles is not None:
            tw.update(session, actions=[SessionModel.roles.set(new_roles),
                                        SessionModel.permissions.set(permissions_for(new_roles))],
                      condition=SessionModel.token_hash.exists())
        tw.save(audit.event(clinic.clinic_key, "staff_updated", info=info, outcome="succeeded",
                            actor=actor(session), subject=_subject(item),
                            details={"changes": diff, "sessions_ended": ending.count if ending else 0}))

    _write(write, item, session)
    if ending:
        ending.finish()
    for name, change in diff.items():
        setattr(item, name, change["after"])
    item.updated_at = at
    return staff_json(item)


def set_enabled(session, clinic, username: str, enabled: bool, info: RequestInfo) -> dict:
    from chalicelib.models import StaffModel as S

    item = get_staff(clinic.clinic_key, username)
    _refuse_self_lockout(session, item, enabled=enabled)
    if bool(item.enabled) == enabled:
        return staff_json(item)
    at = now()
    ending = None if enabled else EndSessions(_principal(item))

    def write(tw):
        _actor_check(tw, session, item.username_key)
        _own_update(tw, session, item, [S.enabled.set(enabled), S.updated_at.set(at), bump(S)],
                    unchanged(S, S.username_key, item))
        if ending:
            ending.add_to(tw)
        tw.save(audit.event(clinic.clinic_key, "staff_enabled" if enabled else "staff_disabled", info=info,
                            outcome="succeeded", actor=actor(session), subject=_subject(item),
                            details={"sessions_ended": ending.count if ending else 0}))

    _write(write, item, session)
    if ending:
        ending.finish()
    item.enabled, item.updated_at = enabled, at
    return staff_json(item)


def reset_password(session, clinic, username: str, info: RequestInfo) -> dict:
    """A new temporary password (shown once); the old one, any invitation and every
    session end; a change is forced at the next login; a lockout is lifted."""
    from chalicelib.auth.credentials import credentials, temporary_password
    from chalicelib.models import LoginCounterModel, StaffModel as S
    from chalicelib.auth.passwords import hash_password

    item = get_staff(clinic.clinic_key, username)
    if item.username_key == session.subject_id:
        raise self_lockout("To change your own password, use Change password.")
    password = temporary_password(clinic.settings.password_min_length)
    at = now()
    actions = [S.password_hash.set(hash_password(password)), S.force_password_change.set(True),
               S.password_changed_at.set(at), S.updated_at.set(at), bump(S)]
    if item.invitation_token_hash:
        actions += [S.invitation_token_hash.remove(), S.invitation_expires_at.remove(),
                    S.invitation_status.remove()]
    ending = EndSessions(_principal(item))
    counter = LoginCounterModel(lockout.user_counter_key(clinic.clinic_key, "staff", item.username_key))

    def write(tw):
        _actor_check(tw, session, item.username_key)
        tw.update(item, actions=actions, condition=unchanged(S, S.username_key, item))
        invitations.kill_token(tw, item.invitation_token_hash)
        tw.delete(counter)
        ending.add_to(tw)
        tw.save(audit.event(clinic.clinic_key, "staff_password_reset", info=info, outcome="succeeded",
                            actor=actor(session), subject=_subject(item),
                            details={"sessions_ended": ending.count}))

    _write(write, item, session)
    ending.finish()
    fresh = _reload(item)()
    if fresh is None:
        raise staff_not_found()
    return {"staff": staff_json(fresh),
            "credentials": credentials(clinic, login_type="staff", username=item.username, password=password,
                                       must_change=True)}


def resend_invitation(session, clinic, username: str, info: RequestInfo) -> dict:
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.core.db import cancellation_codes
    from chalicelib.models import StaffModel as S

    item = get_staff(clinic.clinic_key, username)
    if status_of(item) != "invited":
        raise Conflict("This staff member is disabled or already has a password; reset the password instead.",
                       code="not_invited")
    if not item.email:
        raise Conflict("This staff member has no email address. Add one first.", code="email_missing")
    at = now()
    try:
        invitations.resend(
            clinic, invitations.STAFF_KIND, item, subject_id=item.username_key,
            condition=(unchanged(S, S.username_key, item) & S.password_hash.does_not_exist()
                       & (S.enabled == True)),  # noqa: E712
            extra_actions=[S.updated_at.set(at), bump(S)], to=item.email, first_name=item.first_name,
            username=item.username, info=info, actor=actor(session), subject=_subject(item))
    except TransactWriteError as exc:
        if "ConditionalCheckFailed" in cancellation_codes(exc):
            raise stale(_reload(item), staff_not_found()) from None
        raise
    fresh = _reload(item)()
    if fresh is None:
        raise staff_not_found()
    return staff_json(fresh)
