"""An administrator resets a person's two-factor authentication (staff or portal
login): the secret, the recovery codes and any set-up in progress go, every
session of the person ends (session epoch bump), audited in the same
transaction; an email tells the person. They set 2FA up again after their next
login (straight away when the clinic requires it)."""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.errors import Conflict
from chalicelib.people.kind import Kind, applied, commit, update_record


def reset_mfa(kind: Kind, session, clinic, item, info: RequestInfo):
    from chalicelib.auth.mfa import enrolled
    from chalicelib.auth.mfa_account import clear_actions
    from chalicelib.auth.sessions import EndSessions, bump_epoch

    if not enrolled(item) and not item.mfa_pending_secret:
        raise Conflict("This person has not set up two-factor authentication.", code="mfa_not_enabled")
    model = kind.model()
    bump, epoch_condition, epoch = bump_epoch(model, item)
    ending = EndSessions(kind.principal(item))

    def build(tx):
        update_record(tx, kind, session, item, clear_actions(model) + [bump], condition=epoch_condition)
        ending.add_to(tx)
        tx.audit(audit.event(clinic.clinic_key, f"{kind.event}_mfa_reset", info=info, outcome="succeeded",
                             actor=actor(session), subject=kind.subject(item),
                             details={"sessions_ended": ending.count}))

    commit(kind, session, item, build)
    ending.finish()
    applied(item, {"session_epoch": epoch, "mfa_secret": None, "mfa_pending_secret": None,
                   "mfa_last_step": None, "mfa_recovery": None, "mfa_enabled_at": None})
    email = item.email if kind.name == "staff" else item.username
    if email:
        from chalicelib.auth.account_emails import mfa_email, send_notice

        send_notice(mfa_email(clinic, "reset", login_type=kind.name, to=email, first_name=item.first_name,
                              username=item.username))
    return item
