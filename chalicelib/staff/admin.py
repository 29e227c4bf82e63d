"""Staff management, for administrators (`staff.manage`): add a staff member
(credentials shown once, or a set-password invitation by email), list, change
names, email, roles and Staff Portal access, disable/enable, reset a password.
The flows shared with portal accounts live in `chalicelib.people.admin`; this
module says what is particular to staff.

Sessions carry roles and permissions, so a change of roles or portal access, a
disable and a password reset end that person's sessions: the change bumps the
person's session epoch in its transaction, and each request checks it
(`auth.sessions`); the `by_principal` sweep only cleans up.

Nobody can lock themself out: an administrator cannot remove their own
administrator role, turn off their own portal access or disable themself. Every
change also checks, in its transaction, that the acting administrator still is
one (enabled, with portal access), so two administrators demoting each other at
the same moment cannot leave the clinic without one.
"""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import Conflict, Forbidden, NotFound
from chalicelib.core.ids import normalize_key, now
from chalicelib.core.limits import STAFF_USERNAME_RE
from chalicelib.people import admin as people
from chalicelib.people.admin import Issued
from chalicelib.staff.records import new_staff_item
from chalicelib.staff.roles import ROLE_PERMISSIONS, permissions_for

PAGE_SIZE = 50
MANAGE = "staff.manage"


def staff_not_found() -> NotFound:
    return NotFound("No staff member with that username at this clinic.", code="staff_not_found")


def self_lockout(message: str) -> Conflict:
    return Conflict(message, code="self_lockout")


def username_taken() -> Conflict:
    return Conflict("That staff username is already in use at this clinic.", code="username_taken")


def not_permitted() -> Forbidden:
    return Forbidden("You do not have permission to do that.", code="forbidden")


def _managing_roles() -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if MANAGE in perms]


def still_manager(model):
    """Condition on a staff item: it may still manage staff (and sign in)."""
    roles = _managing_roles()
    condition = model.roles.contains(roles[0])
    for role in roles[1:]:
        condition |= model.roles.contains(role)
    return condition & model.active_condition()


def actor_guard(tx, session) -> None:
    """The acting administrator still manages staff (checked in the change's transaction)."""
    from chalicelib.models import StaffModel

    tx.check("actor", StaffModel, session.clinic_key, session.subject_id, condition=still_manager(StaffModel))


def _model():
    from chalicelib.models import StaffModel

    return StaffModel


KIND = people.Kind(
    name="staff", event="staff", model=_model, key_name="username_key",
    invitation_kind="staff_invitation", not_found=staff_not_found,
    session_fields=("roles", "portal_access"),  # sessions carry roles and permissions
    address_fields=("email",),                  # invitations go there
    normalize={"roles": lambda roles: sorted(roles or [])},
    actor_guard=actor_guard, own_condition=still_manager, actor_refused=not_permitted,
    derived={"email": ("email_key", lambda email: _email_key(email))},
)


def _email_key(email):
    from chalicelib.models.staff import email_key_of

    return email_key_of(email)


def get_staff(clinic_key: str, username: object, *, revision: int | None = None):
    if not isinstance(username, str) or not STAFF_USERNAME_RE.fullmatch(username):
        raise staff_not_found()
    return people.load(KIND, clinic_key, normalize_key(username), revision=revision)


def list_staff(clinic, cursor: str | None, limit: int = PAGE_SIZE) -> tuple[list, str | None]:
    """One page of the clinic's staff, by username: one Query. (items, next cursor)"""
    from chalicelib.models import StaffModel

    keys = ("clinic_key", "username_key")
    start = page_start(cursor, hash_name="clinic_key", hash_value=clinic.clinic_key, key_names=keys)
    items, last_key = query_page(StaffModel, StaffModel.query, clinic.clinic_key, limit=limit, start=start,
                                 key_names=keys)
    return items, encode_cursor(last_key)


def create_staff(session, clinic, *, username: str, first_name: str, last_name: str, email: str | None,
                 roles: list, portal_access: bool, force_password_change: bool | None,
                 send_invitation: bool, info: RequestInfo) -> Issued:
    """A new staff member with a temporary password (in the credentials, shown once)
    or, with send_invitation, a set-password email."""
    from chalicelib.core.errors import InvalidRequest
    from chalicelib.core.records import write
    from chalicelib.models import StaffModel
    from chalicelib.people import invitations

    if send_invitation and not email:
        raise InvalidRequest("An invitation needs the staff member's email address.")
    at = now()
    item = new_staff_item(clinic.clinic_key, username=username, first_name=first_name, last_name=last_name,
                          email=email, roles=roles, portal_access=portal_access, password_hash=None,
                          force_password_change=False)
    item.updated_at = at
    password, invite = people.first_credentials(KIND, clinic, item, send_invitation=send_invitation,
                                                force_password_change=force_password_change, at=at)

    def build(tx):
        # Creating one's own username needs no actor check: the put's condition fails anyway.
        if item.username_key != session.subject_id:
            actor_guard(tx, session)
        tx.save("staff", item, condition=StaffModel.username_key.does_not_exist())
        if invite:
            invitations.save_token(tx, invite)
        tx.audit(audit.event(clinic.clinic_key, "staff_created", info=info, outcome="succeeded",
                             actor=actor(session), subject=KIND.subject(item),
                             details={"roles": roles, "portal_access": portal_access,
                                      "force_password_change": bool(item.force_password_change),
                                      "invitation": bool(invite)}))

    write(build, failed={"actor": not_permitted, "staff": username_taken})
    return people.hand_out(KIND, session, clinic, item, password, invite, to=email, info=info)


def _refuse_self_lockout(session, item, *, roles=None, portal_access=None, enabled=None) -> None:
    if not KIND.is_own(session, item):
        return
    if roles is not None and not any(r in roles for r in _managing_roles()):
        raise self_lockout("You cannot remove your own administrator role. Ask another administrator.")
    if portal_access is False:
        raise self_lockout("You cannot turn off your own Staff Portal access. Ask another administrator.")
    if enabled is False:
        raise self_lockout("You cannot disable your own account. Ask another administrator.")


def update_staff(session, clinic, username: str, changes: dict, info: RequestInfo, *,
                 revision: int | None = None):
    """Change names, email, roles, portal access or the forced password change.
    Your own roles change: your other sessions end, this one carries the new roles."""
    from chalicelib.models import SessionModel

    item = get_staff(clinic.clinic_key, username, revision=revision)
    _refuse_self_lockout(session, item, roles=changes.get("roles"), portal_access=changes.get("portal_access"))

    def own_session(diff) -> list:
        new_roles = diff.get("roles", {}).get("after")
        if new_roles is None:
            return []
        return [SessionModel.roles.set(new_roles), SessionModel.permissions.set(permissions_for(new_roles))]

    return people.change_fields(KIND, session, clinic, item, changes, info, own_session=own_session)


def set_enabled(session, clinic, username: str, enabled: bool, info: RequestInfo, *,
                revision: int | None = None):
    item = get_staff(clinic.clinic_key, username, revision=revision)
    _refuse_self_lockout(session, item, enabled=enabled)
    return people.set_enabled(KIND, session, clinic, item, enabled, info)


def reset_password(session, clinic, username: str, info: RequestInfo, *, revision: int | None = None) -> Issued:
    """A new temporary password (shown once); the old one, any invitation and every
    session end; a change is forced at the next login; a lockout is lifted."""
    item = get_staff(clinic.clinic_key, username, revision=revision)
    if KIND.is_own(session, item):
        raise self_lockout("To change your own password, use Change password.")
    credentials = people.reset_password(KIND, session, clinic, item, info)
    return Issued(item, credentials)


def unlock(session, clinic, username: str, info: RequestInfo, *, revision: int | None = None):
    """Lift a login lockout (audited); the reply shows `locked_until` null."""
    from chalicelib.people.locks import unlock as lift

    return lift(KIND, session, clinic, get_staff(clinic.clinic_key, username, revision=revision), info)


def reset_mfa(session, clinic, username: str, info: RequestInfo, *, revision: int | None = None):
    """Reset two-factor authentication (audited; sessions end; the person is emailed)."""
    from chalicelib.people.mfa_reset import reset_mfa as reset

    return reset(KIND, session, clinic, get_staff(clinic.clinic_key, username, revision=revision), info)


def remove_passkeys(session, clinic, username: str, info: RequestInfo, *, revision: int | None = None):
    """Remove every passkey of the staff member (audited; the person is emailed)."""
    from chalicelib.people.passkeys_admin import remove_passkeys as remove

    return remove(KIND, session, clinic, get_staff(clinic.clinic_key, username, revision=revision), info)


def resend_invitation(session, clinic, username: str, info: RequestInfo, *, revision: int | None = None):
    item = get_staff(clinic.clinic_key, username, revision=revision)
    if not item.awaiting_invitation:
        raise Conflict("This staff member is disabled or already has a password; reset the password instead.",
                       code="not_invited")
    if not item.email:
        raise Conflict("This staff member has no email address. Add one first.", code="email_missing")
    return people.resend_invitation(KIND, session, clinic, item, to=item.email, info=info)
