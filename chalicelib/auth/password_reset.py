"""Choosing a new password with the link of a "forgot password" email.

The token is an emailed link like an invitation (`people.invitations`): stored
only as its SHA-256, bound to the person's address and session epoch when it was
sent, so any later password change, reset, disable or change of email kills it.
It works once and for `forgot.RESET_MINUTES`.

One transaction sets the password, bumps the session epoch (every session and
device cookie of the person ends), deletes the token (conditional: used once),
clears the lockout counter and writes the audit event; a "your password was
changed" email follows, best effort. A password the policy refuses changes
nothing: the link still works.
"""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import InvalidRequest
from chalicelib.core.ids import now

# A message, not a password (ruff's S105 reads "TOKEN" in the name).
TOKEN_INVALID_MESSAGE = (
    "This link no longer works: it was already used, it has expired, or your password changed since it "  # noqa: S105
    "was sent. Ask for a new one with \"Forgot password?\" on the login page.")


def token_invalid() -> InvalidRequest:
    return InvalidRequest(TOKEN_INVALID_MESSAGE, code="token_invalid")


def _resolve(token: object):
    from chalicelib.auth.forgot import RESET_KINDS
    from chalicelib.people.invitations import read_bound

    item, clinic, record = read_bound(token, RESET_KINDS, invalid=token_invalid)
    if not record.active or record.password_hash is None:
        raise token_invalid()
    return item, clinic, record


def lookup(token: object):
    """What the reset page shows of a live link (an `invitations.Invitation`), without using it up."""
    from chalicelib.people.invitations import Invitation

    item, clinic, record = _resolve(token)
    return Invitation(clinic, record, item.expires_at.timestamp())


def reset(token: object, password: object, info: RequestInfo) -> None:
    from chalicelib.auth import lockout
    from chalicelib.auth.account_emails import password_changed_email, send_notice
    from chalicelib.auth.passwords import check_policy, clinic_terms, hash_password
    from chalicelib.auth.sessions import EndSessions, bump_epoch, principal_key
    from chalicelib.core.records import bump, write
    from chalicelib.models import LoginCounterModel, TokenModel
    from chalicelib.people.invitations import bound_condition

    item, clinic, record = _resolve(token)
    check_policy(password, clinic.settings, record.user_inputs, clinic_terms(clinic.clinic_id, clinic.name))
    at = now()
    model = type(record.item)
    epoch_bump, _, _ = bump_epoch(model, record.item)   # conditional on the epoch read: bound_condition
    actions = [model.password_hash.set(hash_password(password)), model.force_password_change.set(False),
               model.password_changed_at.set(at), model.updated_at.set(at), bump(model), epoch_bump]
    condition = (model.password_hash == record.password_hash) & model.active_condition() \
        & bound_condition(model, record.item)
    ending = EndSessions(principal_key(record.item.clinic_key, record.kind, record.subject_id))
    counter = LoginCounterModel(lockout.user_counter_key(clinic.clinic_key, record.kind, record.item.username_key))

    def build(tx):
        tx.delete("token", TokenModel(item.token_hash), condition=TokenModel.token_hash.exists())
        tx.update("record", record.item, actions=actions, condition=condition)
        tx.delete("lockout", counter)
        ending.add_to(tx)
        tx.audit(audit.event(clinic.clinic_key, "password_reset_by_email", info=info, outcome="succeeded",
                             actor={"kind": record.kind, "username": record.username},
                             subject={"kind": record.kind, "id": record.subject_id, "username": record.username},
                             details={"sessions_ended": ending.count}))

    # Used at the same moment, or the password changed meanwhile: the link no longer works.
    write(build, failed={"token": token_invalid, "record": token_invalid})
    ending.finish()
    send_notice(password_changed_email(clinic, login_type=record.kind, to=record.email,
                                      first_name=record.first_name, username=record.username))
