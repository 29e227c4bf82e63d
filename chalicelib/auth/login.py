"""Sign-in for staff and patient-portal accounts.

DynamoDB cost of a staff login: one TransactGet (clinic, staff record, username
counter, IP counter), one TransactWrite taking the attempt's slots on both counters
(before the password is checked, see lockout.py) and one TransactWrite settling it
with the outcome (success: session, audit event, counter reset, IP slot released,
last-login stamp; failure: both counters counted, audit event). A patient login
reads the account behind its username claim too. See docs/architecture.md.
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core import audit
from chalicelib.auth import lockout
from chalicelib.auth import principals
from chalicelib.auth import sessions
from chalicelib.core.audit import RequestInfo
from chalicelib.auth.captcha import require_captcha
from chalicelib.clinics.records import Clinic, clinic_key as make_clinic_key, clinic_not_found, CLINIC_ID_RE
from chalicelib.core.errors import Forbidden, InvalidCredentials, TooManyAttempts
from chalicelib.core.ids import normalize_key, now
from chalicelib.core.limits import LOGIN_USERNAME_MAX

INVALID_CREDENTIALS_MESSAGE = (
    "Incorrect username or password. Staff members sign in on the Staff Login tab; "
    "patients and their representatives on the Patient Login tab."
)


def invalid_credentials() -> InvalidCredentials:
    # One body for every failure reason: unknown user, wrong password, wrong tab, disabled.
    return InvalidCredentials(INVALID_CREDENTIALS_MESSAGE)


@dataclass
class LoginResult:
    token: str
    session: object


def _actor(login_type: str, username: str) -> dict:
    return {"kind": login_type, "username": username}


def login(clinic_id: str, login_type: str, username: str, password: str,
          captcha_token: str | None, info: RequestInfo) -> LoginResult:
    from chalicelib.models import ClinicModel, LoginCounterModel

    if not CLINIC_ID_RE.fullmatch(clinic_id):
        raise clinic_not_found()
    ckey = make_clinic_key(clinic_id)
    ukey = normalize_key(username)
    at = now()
    ip = info.source_ip or "unknown"
    from chalicelib.core.db import transact_get

    clinic_item, fetched, user_counter, ip_counter = transact_get(
        (ClinicModel, ckey),
        principals.login_request(ckey, login_type, ukey),
        (LoginCounterModel, lockout.user_counter_key(ckey, login_type, ukey)),
        (LoginCounterModel, lockout.ip_counter_key(ckey, ip, at)),
    )
    if clinic_item is None:
        raise clinic_not_found()
    clinic = Clinic.from_model(clinic_item)
    actor = _actor(login_type, username.strip()[:LOGIN_USERNAME_MAX])

    require_captcha(clinic, captcha_token, info.source_ip)

    def locked(wait):
        audit.record(ckey, "login", info=info, outcome="locked", actor=actor)
        raise TooManyAttempts("Too many failed attempts. Wait a while before trying again, "
                              "or ask your clinic to help.", retry_after=wait)

    wait = max(lockout.ip_seconds_left(ip_counter, clinic.settings, at),
               lockout.lock_seconds_left(user_counter, clinic.settings, at))
    if wait:
        locked(wait)
    # Counting before checking: the slot is taken before the password is verified.
    attempt = lockout.Attempt(ckey, login_type, ukey, ip, at, clinic.settings, user_counter, ip_counter)
    wait = attempt.take()
    if wait:
        locked(wait)
    with attempt.held():
        return _check(clinic, login_type, ckey, fetched, password, attempt, info, at, actor)


def _check(clinic, login_type, ckey, fetched, password, attempt, info, at, actor) -> LoginResult:
    from chalicelib.auth.passwords import verify_password
    from chalicelib.core.records import write

    record = principals.resolve(login_type, ckey, fetched)
    matches, needs_rehash = verify_password(record.password_hash if record else None, password)
    reason = None
    if record is None:
        reason = "unknown_user"
    elif not matches:
        reason = "wrong_password"
    elif not record.active:
        reason = "account_disabled"
    if reason:
        def failed(tx):
            attempt.failed(tx)
            tx.audit(audit.event(ckey, "login", info=info, outcome="failed", actor=actor,
                                 details={"reason": reason}))

        write(failed)
        attempt.settled = True
        raise invalid_credentials()
    if not record.portal_access:
        def refused(tx):
            attempt.released(tx)
            tx.audit(audit.event(ckey, "login", info=info, outcome="portal_access_disabled", actor=actor))

        write(refused)
        attempt.settled = True
        raise Forbidden("Your Staff Portal access is turned off. Ask your clinic's administrator "
                        "to turn it on.", code="portal_access_disabled")
    principals.preselect_patient(record)
    return _start_session(clinic, record, password, needs_rehash, attempt, info, at, actor)


def _start_session(clinic, record, password, needs_rehash, attempt, info, at, actor) -> LoginResult:
    from chalicelib.core.records import write
    from chalicelib.auth.passwords import hash_password

    token, session = sessions.new_session(record, clinic, at)
    model = type(record.item)
    actions = [model.last_login_at.set(at)]
    if needs_rehash:
        actions.append(model.password_hash.set(hash_password(password)))
    item, actions, condition = principals.credential_update(record, actions)

    def build(tx):
        tx.save("session", session)
        tx.audit(audit.event(clinic.clinic_key, "login", info=info, outcome="succeeded", actor=actor,
                             subject={"kind": record.kind, "id": record.subject_id}))
        attempt.succeeded(tx)
        tx.update("record", item, actions=actions, condition=condition)

    # The password or access changed between our read and this write.
    write(build, failed={"record": invalid_credentials})
    attempt.settled = True
    return LoginResult(token, session)


def logout(session, info: RequestInfo) -> None:
    from chalicelib.core.records import write

    def build(tx):
        tx.delete("session", session)
        tx.audit(audit.event(session.clinic_key, "logout", info=info, outcome="succeeded",
                             actor=audit.actor(session)))

    write(build)
