"""Checking a second factor (a TOTP code or a recovery code) against a person's
record, and the conditions that make a code work only once (auth/mfa.py)."""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core import audit


@dataclass
class Proof:
    """A factor that checked out, and the update that uses it up."""
    actions: list
    condition: object
    method: str   # "code" | "recovery_code"


def verify(record, code: object, recovery_code: object, at: int) -> Proof | None:
    """The proof `code` (or `recovery_code`) gives for `record`'s enrolled secret, or None."""
    from chalicelib.auth.mfa import principal_of
    from chalicelib.auth.mfa_secrets import recovery_hash, unseal

    item = record.item
    model = type(item)
    same_secret = model.mfa_secret == item.mfa_secret
    if recovery_code is not None:
        digest = recovery_hash(recovery_code)
        if digest is None or digest not in (item.mfa_recovery or set()):
            return None
        return Proof([model.mfa_recovery.delete({digest})], same_secret & model.mfa_recovery.contains(digest),
                     "recovery_code")
    secret = unseal(item.mfa_secret, item.clinic_key, principal_of(record))
    return used_code(model, item, secret, code, at, same_secret)


def used_code(model, item, secret: str, code: object, at: int, condition) -> Proof | None:
    """A TOTP code's proof: `mfa_last_step` moves to the code's step, only from an older one."""
    from chalicelib.auth.mfa_secrets import matching_step

    step = matching_step(secret, code, at)
    if step is None or step <= int(item.mfa_last_step if item.mfa_last_step is not None else -1):
        return None
    fresh = model.mfa_last_step.does_not_exist() | (model.mfa_last_step < step)
    return Proof([model.mfa_last_step.set(step)], condition & fresh, "code")


class Replayed(Exception):
    """The code (or recovery code) was used by another request at the same moment."""


def count_failure(clinic, record, attempt, info, actor, reason: str, event: str = "login") -> None:
    """A wrong (or replayed) factor: the slot becomes a counted failure, audited."""
    from chalicelib.core.records import write

    def failed(tx):
        attempt.failed(tx)
        tx.audit(audit.event(clinic.clinic_key, event, info=info, outcome="failed", actor=actor,
                             subject={"kind": record.kind, "id": record.subject_id},
                             details={"reason": reason, "step": "mfa"}))

    write(failed)
    attempt.settled = True


def check_and_sign_in(clinic, record, token, code, recovery_code, attempt, info, at, actor, device):
    """The second step's check and, when it holds, the session: one TransactWrite
    (session, token deleted, factor used up, counter reset, audit, device cookie)."""
    from chalicelib.auth import principals, sessions, signin_notice
    from chalicelib.auth.login import LoginResult
    from chalicelib.auth.mfa import code_invalid, token_invalid
    from chalicelib.core.records import write
    from chalicelib.models import TokenModel

    proof = verify(record, code, recovery_code, at)
    if proof is None:
        count_failure(clinic, record, attempt, info, actor, "wrong_code")
        raise code_invalid()
    principals.preselect_patient(record)
    session_token, session = sessions.new_session(record, clinic, at, info)
    first_sign_in = getattr(record.item, "last_login_at", None) is None
    model = type(record.item)
    item, actions, condition = principals.credential_update(record, [model.last_login_at.set(at)] + proof.actions)
    condition &= proof.condition & _same_epoch(model, token.session_epoch)

    def build(tx):
        tx.delete("token", TokenModel(token.token_hash), condition=TokenModel.token_hash.exists())
        tx.update("record", item, actions=actions, condition=condition)
        tx.save("session", session)
        attempt.succeeded(tx)
        tx.audit(audit.event(clinic.clinic_key, "login", info=info, outcome="succeeded", actor=actor,
                             subject={"kind": record.kind, "id": record.subject_id},
                             details={"mfa": proof.method}))
        if device is not None:
            tx.save("device", device[1])

    def replayed():
        return Replayed()

    try:
        write(build, failed={"token": token_invalid, "record": replayed})
    except Replayed:
        count_failure(clinic, record, attempt, info, actor, "code_already_used")
        raise code_invalid() from None
    attempt.settled = True
    signin_notice.after_login(clinic, record, info, at, trusted=bool(token.device_trusted),
                              first_sign_in=first_sign_in)
    return LoginResult(session_token, session, device[0] if device is not None else None)


def _same_epoch(model, epoch) -> object:
    epoch = int(epoch or 0)
    if epoch == 0:
        return model.session_epoch.does_not_exist() | (model.session_epoch == 0)
    return model.session_epoch == epoch
