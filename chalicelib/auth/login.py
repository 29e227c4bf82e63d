"""Sign-in for staff and patient-portal accounts.

DynamoDB cost of a staff login: one TransactGet (clinic, staff record, username
counter, IP counter), one TransactWrite taking the attempt's slots on both counters
(before the password is checked, see lockout.py) and one TransactWrite settling it
with the outcome (success: session, audit event, counter reset, IP slot released,
last-login stamp; failure: both counters counted, audit event). A patient login
reads the account behind its username claim too. See docs/architecture.md.

A device cookie (devices.py) presented with the login is read in the same
TransactGet; when it vouches for this person the attempt is trusted: its slot
is taken on the device's counter and the username-wide lock does not refuse it.
A success issues a new device cookie in the settling TransactWrite.
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.auth import adaptive_captcha, devices, lockout, mfa, principals, sessions, signin_notice
from chalicelib.auth.captcha import require_captcha
from chalicelib.clinics.records import CLINIC_ID_RE, Clinic, clinic_not_found
from chalicelib.clinics.records import clinic_key as make_clinic_key
from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import Forbidden, InvalidCredentials, TooManyAttempts
from chalicelib.core.ids import normalize_key, now
from chalicelib.core.limits import LOGIN_USERNAME_MAX

INVALID_CREDENTIALS_MESSAGE = (
    "Incorrect username or password. Staff members sign in on the Staff Login tab; "
    "patients and their representatives on the Patient Login tab."
)

LOCKED_MESSAGE = ("Too many failed attempts. Wait a while before trying again, or ask your clinic's "
                  "administrator to unlock it.")


def invalid_credentials(captcha_required: bool = False) -> InvalidCredentials:
    # One body for every failure reason: unknown user, wrong password, wrong tab, disabled.
    error = InvalidCredentials(INVALID_CREDENTIALS_MESSAGE)
    if captcha_required:
        error.extra = {"captcha_required": True}   # adaptive_captcha.py
    return error


@dataclass
class LoginResult:
    token: str
    session: object
    device: devices.Issued | None = None   # the device cookie to hand out (cookie delivery)


def _actor(login_type: str, username: str) -> dict:
    return {"kind": login_type, "username": username}


def login(clinic_id: str, login_type: str, username: str, password: str,
          captcha_token: str | None, info: RequestInfo, *, device_cookies: dict | None = None,
          issue_device: bool = False) -> LoginResult:
    """`device_cookies`: the device cookies the browser sent ({name: token});
    `issue_device`: hand out a device cookie on success (cookie delivery)."""
    from chalicelib.models import ClinicModel, LoginCounterModel

    if not CLINIC_ID_RE.fullmatch(clinic_id):
        raise clinic_not_found()
    ckey = make_clinic_key(clinic_id)
    ukey = normalize_key(username)
    at = now()
    ip = info.source_ip or "unknown"
    from chalicelib.core.db import transact_get

    user_key = lockout.user_counter_key(ckey, login_type, ukey)
    token = (device_cookies or {}).get(devices.cookie_name(ckey, login_type, ukey))
    reads = [(ClinicModel, ckey), principals.login_request(ckey, login_type, ukey),
             (LoginCounterModel, user_key), (LoginCounterModel, lockout.ip_counter_key(ckey, ip, at))]
    if devices.well_formed(token):
        reads.append((LoginCounterModel, devices.device_key(ckey, token)))
    clinic_item, fetched, user_counter, ip_counter, *device_read = transact_get(*reads)
    if clinic_item is None:
        raise clinic_not_found()
    clinic = Clinic.from_model(clinic_item)
    actor = _actor(login_type, username.strip()[:LOGIN_USERNAME_MAX])

    # Trusted: the cookie names this username and was issued to this person as they are now.
    device = device_read[0] if device_read and devices.names(device_read[0], user_key, at) else None
    record = unresolved = object()
    if device is not None:
        record = principals.resolve(login_type, ckey, fetched)   # a patient's account: read now, not later
        if not devices.vouches_for(device, record):
            device = None
    trust = devices.TRUSTED if device is not None else devices.UNTRUSTED
    require_captcha(clinic, captcha_token, info.source_ip, required=adaptive_captcha.required(
        clinic.settings, [device if device is not None else user_counter, ip_counter], at))

    def locked(wait):
        audit.record(ckey, "login", info=info, outcome="locked", actor=actor, details={"device": trust})
        raise TooManyAttempts(LOCKED_MESSAGE, retry_after=wait)

    # A trusted device is refused by its own lock, never by the username's.
    wait = max(lockout.ip_seconds_left(ip_counter, clinic.settings, at),
               lockout.lock_seconds_left(device if device is not None else user_counter, clinic.settings, at))
    if wait:
        locked(wait)
    # Counting before checking: the slot is taken before the password is verified.
    attempt = lockout.Attempt(ckey, login_type, ukey, ip, at, clinic.settings, user_counter, ip_counter,
                              device=device)
    wait = attempt.take()
    if wait:
        locked(wait)
    with attempt.held():
        if record is unresolved:
            record = principals.resolve(login_type, ckey, fetched)
        return _check(clinic, login_type, ukey, record, password, attempt, info, at, actor,
                      trust, issue_device)


def _check(clinic, login_type, ukey, record, password, attempt, info, at, actor, trust,
           issue_device) -> LoginResult:
    from chalicelib.auth.passwords import verify_password
    from chalicelib.core.records import write

    ckey = clinic.clinic_key
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
                                 details={"reason": reason, "device": trust}))

        write(failed)
        attempt.settled = True
        raise invalid_credentials(adaptive_captcha.required_after_failure(
            clinic.settings, [attempt.user_counter, attempt.ip_counter], at))
    if not record.portal_access:
        def refused(tx):
            attempt.released(tx)
            tx.audit(audit.event(ckey, "login", info=info, outcome="portal_access_disabled", actor=actor,
                                 details={"device": trust}))

        write(refused)
        attempt.settled = True
        raise Forbidden("Your Staff Portal access is turned off. Ask your clinic's administrator "
                        "to turn it on.", code="portal_access_disabled")
    if mfa.enrolled(record.item):   # 2FA on: no session yet, a second step (auth/mfa.py)
        return mfa.challenge(clinic, login_type, record, attempt, info, at, actor, trust)
    principals.preselect_patient(record)
    device = devices.new_device(record, ckey, login_type, ukey, at) if issue_device else None
    return _start_session(clinic, record, password, needs_rehash, attempt, info, at, actor, trust, device)


def _start_session(clinic, record, password, needs_rehash, attempt, info, at, actor, trust,
                   device) -> LoginResult:
    from chalicelib.auth.passwords import hash_password
    from chalicelib.core.records import write

    token, session = sessions.new_session(record, clinic, at, info)
    first_sign_in = getattr(record.item, "last_login_at", None) is None
    model = type(record.item)
    actions = [model.last_login_at.set(at)]
    if needs_rehash:
        actions.append(model.password_hash.set(hash_password(password)))
    item, actions, condition = principals.credential_update(record, actions)

    def build(tx):
        tx.save("session", session)
        tx.audit(audit.event(clinic.clinic_key, "login", info=info, outcome="succeeded", actor=actor,
                             subject={"kind": record.kind, "id": record.subject_id}, details={"device": trust}))
        attempt.succeeded(tx)
        tx.update("record", item, actions=actions, condition=condition)
        if device is not None:
            tx.save("device", device[1])

    # The password or access changed between our read and this write.
    write(build, failed={"record": invalid_credentials})
    attempt.settled = True
    signin_notice.after_login(clinic, record, info, at, trusted=trust == devices.TRUSTED,
                              first_sign_in=first_sign_in)
    return LoginResult(token, session, device[0] if device is not None else None)


def logout(session, info: RequestInfo) -> None:
    from chalicelib.core.records import write

    def build(tx):
        tx.delete("session", session)
        tx.audit(audit.event(session.clinic_key, "logout", info=info, outcome="succeeded",
                             actor=audit.actor(session)))

    write(build)
