"""A signed-in person changes their own password."""
from __future__ import annotations

from chalicelib.auth import lockout, principals, sessions
from chalicelib.clinics.records import get_clinic
from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import Conflict, InvalidRequest, NotAuthenticated, TooManyAttempts
from chalicelib.core.ids import now


def change_password(session, current_password: str, new_password: str, info: RequestInfo) -> None:
    """Check the current password, apply the clinic's policy, store the new hash,
    clear any forced change, and end every other session of this person: the
    person's session epoch is bumped and this session moves to the new one (one
    transaction)."""
    from chalicelib.models import LoginCounterModel

    clinic = get_clinic(session.clinic_id)
    record = principals.load(session.kind, session.clinic_key, session.subject_id)
    if record is None or not record.active:
        raise NotAuthenticated("Please log in.")
    at = now()
    ukey = record.item.username_key
    counter_key = lockout.user_counter_key(clinic.clinic_key, session.kind, ukey)
    try:
        counter = LoginCounterModel.get(counter_key)
    except LoginCounterModel.DoesNotExist:
        counter = None
    wait = lockout.lock_seconds_left(counter, clinic.settings, at)
    if wait:
        raise TooManyAttempts("Too many failed attempts. Wait a while before trying again.", retry_after=wait)
    # Counting before checking, as at login: the guess takes its slot before the check.
    attempt = lockout.Attempt(clinic.clinic_key, session.kind, ukey, info.source_ip or "unknown", at,
                              clinic.settings, counter, ip_slot=False)
    wait = attempt.take()
    if wait:
        raise TooManyAttempts("Too many failed attempts. Wait a while before trying again.", retry_after=wait)
    with attempt.held():
        _change(session, clinic, record, current_password, new_password, attempt, info, at)


def _change(session, clinic, record, current_password, new_password, attempt, info, at) -> None:
    from chalicelib.auth.passwords import check_policy, clinic_terms, hash_password, verify_password
    from chalicelib.core.records import write
    from chalicelib.models import SessionModel

    matches, _ = verify_password(record.password_hash, current_password)
    actor = {"kind": session.kind, "username": session.username}
    if not matches:
        # Guessing the current password from a stolen session counts like a failed login.
        def failed(tx):
            attempt.failed(tx)
            tx.audit(audit.event(clinic.clinic_key, "password_change", info=info, outcome="failed",
                                 actor=actor, details={"reason": "wrong_current_password"}))

        write(failed)
        attempt.settled = True
        raise InvalidRequest("Your current password is not correct.", code="wrong_current_password")
    check_policy(new_password, clinic.settings, record.user_inputs,
                 clinic_terms(clinic.clinic_id, clinic.name))
    if new_password == current_password:
        raise InvalidRequest("Choose a password different from your current one.", code="password_policy")

    model = type(record.item)
    bump, epoch_condition, epoch = sessions.bump_epoch(model, record.item)
    item, actions, condition = principals.credential_update(record, [
        model.password_hash.set(hash_password(new_password)),
        model.force_password_change.set(False),
        model.password_changed_at.set(at),
        bump,
    ])
    condition &= epoch_condition
    ending = sessions.EndSessions(session.principal_key, keep_hash=session.token_hash)

    def build(tx):
        tx.update("record", item, actions=actions, condition=condition)
        tx.update("session", session, actions=[SessionModel.password_change_required.set(False),
                                               SessionModel.session_epoch.set(epoch)],
                  condition=SessionModel.token_hash.exists())
        tx.audit(audit.event(clinic.clinic_key, "password_change", info=info, outcome="succeeded",
                             actor=actor, subject={"kind": record.kind, "id": record.subject_id},
                             details={"sessions_ended": ending.count}))
        ending.add_to(tx)
        attempt.released(tx)

    def changed_elsewhere():
        return Conflict("Your password was changed elsewhere at the same moment. Please try again.")

    # Our session ended meanwhile (logged out elsewhere) counts the same: nothing changed, try again.
    write(build, failed={"record": changed_elsewhere, "session": changed_elsewhere})
    attempt.settled = True
    ending.finish()
    if record.email:
        from chalicelib.auth.account_emails import password_changed_email, send_notice

        send_notice(password_changed_email(clinic, login_type=record.kind, to=record.email,
                                          first_name=record.first_name, username=record.username))
