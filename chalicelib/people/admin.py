"""What an administrator does to a person's account, the same way for staff and
for patient-portal accounts: read it for a change, change fields (diff, audit,
end sessions), reset the password, disable/enable, force a password change,
resend the invitation, and hand out first credentials.

Each domain describes what differs in a `Kind` (its model and key, its audit
names, which fields its sessions carry, staff's "the actor still manages staff"
guard and self-lockout refusals); the flows here are written once. Every change
is one named transaction (`core.records.write`) conditional on the revision that
was read, so a change from a stale read is a 409, never a silent overwrite.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.errors import Conflict
from chalicelib.core.ids import now
from chalicelib.people.kind import Kind, applied, commit, load, update_record

# The domain modules use the adapter and the reading helpers through this module.
__all__ = ["Kind", "load", "commit", "change_fields", "set_enabled", "reset_password", "force_password_change",
           "resend_invitation", "first_credentials", "hand_out", "Issued"]


# ---------------------------------------------------------------- flows

def change_fields(kind: Kind, session, clinic, item, changes: dict, info: RequestInfo, *,
                  own_session: Callable[[dict], list] | None = None):
    """Change the fields that differ; one audit event with before/after. A change of
    a field sessions carry ends the person's sessions (bumps their session epoch),
    but the actor's own current one, which moves to the new epoch in the same
    transaction with whatever `own_session(diff)` adds (update actions). A forced
    password change needs no bump: sessions read it from the record. A change that
    ends sessions, or of the address invitations go to (staff: email), also ends an
    outstanding invitation in the same transaction (resend it). Returns the item."""
    from chalicelib.auth.sessions import EndSessions, bump_epoch
    from chalicelib.models import SessionModel
    from chalicelib.people import invitations

    model = kind.model()
    diff = {}
    for name, value in changes.items():
        before = getattr(item, name)
        before = kind.normalize[name](before) if name in kind.normalize else before
        if before != value:
            diff[name] = {"before": before, "after": value}
    if not diff:
        return item
    settled = {name: change["after"] for name, change in diff.items()}
    settled.update({attr: derive(settled[name]) for name, (attr, derive) in kind.derived.items() if name in diff})
    actions = [getattr(model, name).set(value) if value is not None else getattr(model, name).remove()
               for name, value in settled.items()]
    ending = condition = None
    own = kind.is_own(session, item)
    session_actions = list(own_session(diff)) if own and own_session else []
    values = dict(settled)
    if any(name in diff for name in kind.session_fields):
        ending = EndSessions(kind.principal(item), keep_hash=session.token_hash if own else None)
        bump, condition, values["session_epoch"] = bump_epoch(model, item)
        actions.append(bump)
        if own:
            session_actions.append(SessionModel.session_epoch.set(values["session_epoch"]))
    cancelling = invitations.Cancelling(item, when=any(name in diff for name in
                                                       kind.session_fields + kind.address_fields))
    actions += cancelling.actions
    values.update(cancelling.values)

    def build(tx):
        update_record(tx, kind, session, item, actions, condition=condition)
        cancelling.add_to(tx)
        if ending:
            ending.add_to(tx)
        if session_actions:
            tx.update("session", session, actions=session_actions, condition=SessionModel.token_hash.exists())
        tx.audit(audit.event(clinic.clinic_key, f"{kind.event}_updated", info=info, outcome="succeeded",
                             actor=actor(session), subject=kind.subject(item),
                             details=cancelling.note({"changes": diff,
                                                      "sessions_ended": ending.count if ending else 0})))

    commit(kind, session, item, build)
    if ending:
        ending.finish()
    applied(item, values)
    return item


def set_enabled(kind: Kind, session, clinic, item, enabled: bool, info: RequestInfo):
    """Disable (no more logins; sessions and any outstanding invitation end) or
    enable again (an invitation is never revived: resend it). Doing it twice
    changes nothing."""
    from chalicelib.auth.sessions import EndSessions, bump_epoch
    from chalicelib.people import invitations

    if item.is_disabled != enabled:
        return item
    before = _status(item)
    after = item.status_when_enabled().value if enabled else "disabled"
    actions, values = item.enabled_change(enabled)
    ending = condition = None
    if not enabled:
        ending = EndSessions(kind.principal(item))
        bump, condition, values["session_epoch"] = bump_epoch(kind.model(), item)
        actions = actions + [bump]
    # Either way: a link left over from before (disabled before links were bound) dies too.
    cancelling = invitations.Cancelling(item)
    actions = actions + cancelling.actions
    values.update(cancelling.values)

    def build(tx):
        update_record(tx, kind, session, item, actions, condition=condition)
        cancelling.add_to(tx)
        if ending:
            ending.add_to(tx)
        if kind.follow_status is not None:
            kind.follow_status(tx, item, after)
        tx.audit(audit.event(clinic.clinic_key, f"{kind.event}_{'enabled' if enabled else 'disabled'}",
                             info=info, outcome="succeeded", actor=actor(session), subject=kind.subject(item),
                             details=cancelling.note({"status": {"before": before, "after": after},
                                                      "sessions_ended": ending.count if ending else 0})))

    commit(kind, session, item, build)
    if ending:
        ending.finish()
    applied(item, values)
    return item


def _status(item) -> str:
    status = item.status
    return getattr(status, "value", status)


@dataclass
class Credentials:
    """What a new or reset password hands out: the password (shown once) and its hash."""
    password: str
    password_hash: str


def temporary_credentials(clinic) -> Credentials:
    from chalicelib.auth.credentials import temporary_password
    from chalicelib.auth.passwords import hash_password

    password = temporary_password(clinic.settings.password_min_length)
    return Credentials(password, hash_password(password))


def credentials_json(kind: Kind, clinic, item, password: str, must_change: bool) -> dict:
    from chalicelib.auth.credentials import credentials

    return credentials(clinic, login_type=kind.name, username=item.username, password=password,
                       must_change=must_change)


def reset_password(kind: Kind, session, clinic, item, info: RequestInfo) -> dict:
    """A new temporary password (returned, shown once); the old one, any invitation
    and every session end; a change is forced at the next login; a lockout on the
    username is lifted. Returns the credentials."""
    from chalicelib.auth import lockout
    from chalicelib.auth.sessions import EndSessions, bump_epoch
    from chalicelib.models import LoginCounterModel
    from chalicelib.people import invitations

    model = kind.model()
    new = temporary_credentials(clinic)
    at = now()
    actions = [model.password_hash.set(new.password_hash), model.force_password_change.set(True),
               model.password_changed_at.set(at)]
    if item.invitation_token_hash:
        actions += [model.invitation_token_hash.remove(), model.invitation_expires_at.remove(),
                    model.invitation_status.remove()]
    ending = EndSessions(kind.principal(item))
    bump, condition, epoch = bump_epoch(model, item)
    actions.append(bump)
    counter = LoginCounterModel(lockout.user_counter_key(clinic.clinic_key, kind.name, item.username_key))

    def build(tx):
        update_record(tx, kind, session, item, actions, condition=condition)
        invitations.kill_token(tx, item.invitation_token_hash)
        tx.delete("lockout", counter)
        ending.add_to(tx)
        tx.audit(audit.event(clinic.clinic_key, f"{kind.event}_password_reset", info=info, outcome="succeeded",
                             actor=actor(session), subject=kind.subject(item),
                             details={"sessions_ended": ending.count}))

    commit(kind, session, item, build)
    ending.finish()
    values = {"password_hash": new.password_hash, "force_password_change": True, "password_changed_at": at,
              "session_epoch": epoch}
    if item.invitation_token_hash:
        values.update(invitation_token_hash=None, invitation_expires_at=None, invitation_status=None)
    applied(item, values)
    item.locked_until = None   # the lockout counter went with the old password (people/locks.py)
    return credentials_json(kind, clinic, item, new.password, True)


def force_password_change(kind: Kind, session, clinic, item, info: RequestInfo):
    """The person must choose a new password at their next login."""
    if item.password_hash is None:
        raise Conflict("This person has not set a password yet; they choose one when they accept "
                       "their invitation.", code="invitation_pending")
    if item.force_password_change:
        return item
    model = kind.model()

    def build(tx):
        update_record(tx, kind, session, item, [model.force_password_change.set(True)])
        tx.audit(audit.event(clinic.clinic_key, f"{kind.event}_updated", info=info, outcome="succeeded",
                             actor=actor(session), subject=kind.subject(item),
                             details={"changes": {"force_password_change": {"before": False, "after": True}}}))

    commit(kind, session, item, build)
    applied(item, {"force_password_change": True})
    return item


def resend_invitation(kind: Kind, session, clinic, item, *, to: str, info: RequestInfo):
    """A new invitation link by email; the previous link stops working. Returns the
    record as changed (with the email's status, "sent" or "failed")."""
    from chalicelib.people import invitations

    model = kind.model()
    invite = invitations.new_invite(clinic, kind.invitation_kind, kind.record_id(item), now(), record=item)

    def build(tx):
        invitations.kill_token(tx, item.invitation_token_hash)
        invitations.save_token(tx, invite)
        update_record(tx, kind, session, item, invitations.pending_actions(model, invite),
                      condition=model.invited_condition())
        tx.audit(audit.event(clinic.clinic_key, "invitation_resent", info=info, outcome="succeeded",
                             actor=actor(session), subject=kind.subject(item)))

    commit(kind, session, item, build)
    status = invitations.deliver(clinic, kind.invitation_kind, invite,
                                 record_key=model(item.clinic_key, kind.record_id(item)), to=to,
                                 first_name=item.first_name, username=item.username, info=info,
                                 actor=actor(session), subject=kind.subject(item))
    # No read after the commit: the change is made and the email gone, so a failed
    # read must not answer 503 (and invite a second resend).
    applied(item, {"invitation_token_hash": invite.token_hash, "invitation_expires_at": invite.expires_at,
                   "invitation_status": status})
    return item


# ---------------------------------------------------------------- a new person's first credentials

@dataclass
class Issued:
    """A record and the credentials handed out with it (shown this once), if any."""
    item: object
    credentials: dict | None = None


def first_credentials(kind: Kind, clinic, item, *, send_invitation: bool, force_password_change: bool | None,
                      at: int):
    """Give an unsaved record its first way in: a temporary password (the change is
    forced unless staff said otherwise) or an invitation (they choose their own).
    Returns (password or None, invitation or None); save the invitation's token in
    the record's transaction (`invitations.save_token`)."""
    from chalicelib.people import invitations

    if send_invitation:
        invite = invitations.new_invite(clinic, kind.invitation_kind, kind.record_id(item), at, record=item)
        item.invitation_token_hash, item.invitation_status = invite.token_hash, "pending"
        item.invitation_expires_at = invite.expires_at
        item.password_hash, item.force_password_change = None, False
        return None, invite
    new = temporary_credentials(clinic)
    item.password_hash, item.password_changed_at = new.password_hash, at
    item.force_password_change = True if force_password_change is None else force_password_change
    return new.password, None


def hand_out(kind: Kind, session, clinic, item, password: str | None, invite, *, to: str | None,
             info: RequestInfo) -> Issued:
    """After the record is committed: email the invitation (recording whether SES
    took it) or return the temporary password's credentials."""
    from chalicelib.people import invitations

    if invite is None:
        return Issued(item, credentials_json(kind, clinic, item, password, bool(item.force_password_change)))
    model = kind.model()
    item.invitation_status = invitations.deliver(
        clinic, kind.invitation_kind, invite, record_key=model(item.clinic_key, kind.record_id(item)), to=to,
        first_name=item.first_name, username=item.username, info=info, actor=actor(session),
        subject=kind.subject(item))
    return Issued(item)
