"""Signing in with a passkey: no username, no password, no second step.

`options` hands out a challenge bound to the clinic and the login tab (discoverable
credentials: the browser lets the person pick one of their passkeys for this site).
`sign_in` takes the browser's answer and, when it checks out, starts the session
exactly as a password login does (login.py): the session, the audit event, the
lockout counter settled, the last-login stamp and a device cookie in one
TransactWrite, then the new-browser email. User verification is required, so the
passkey is two factors: a person with 2FA gets no second step, and the session
satisfies a clinic's 2FA requirement.

Counting before checking, as for passwords: once the passkey names a person, the
attempt takes its slot on that person's username counter (a trusted device: on its
own) and on the source IP's window before the signature is checked, and is refused
while either is locked. Every failure is the password login's one 401: a challenge
that is expired, used or of another tab, a passkey removed or of a disabled person,
a bad signature, user verification missing, a sign counter that did not move
forward (a cloned authenticator). A credential this clinic does not know (another
clinic's, a removed one) names nobody: it counts against the source IP only.
"""
from __future__ import annotations

from chalicelib.auth.passkeys import ceremony
from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import InvalidRequest, TooManyAttempts


def malformed() -> InvalidRequest:
    return InvalidRequest("That is not a passkey's answer.", code="invalid_request")


def _locked(ckey, info, actor, details, wait):
    from chalicelib.auth.login import LOCKED_MESSAGE

    audit.record(ckey, "login", info=info, outcome="locked", actor=actor, details=details)
    raise TooManyAttempts(LOCKED_MESSAGE, retry_after=wait)


def _clinic(clinic_id: str):
    from chalicelib.clinics.records import CLINIC_ID_RE, clinic_not_found
    from chalicelib.clinics.records import clinic_key as make_clinic_key

    if not CLINIC_ID_RE.fullmatch(clinic_id):
        raise clinic_not_found()
    return make_clinic_key(clinic_id)


def options(clinic_id: str, login_type: str, info: RequestInfo) -> dict:
    """`publicKey` options for navigator.credentials.get(); refused while the source IP is locked."""
    import json

    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import UserVerificationRequirement

    from chalicelib.auth import lockout
    from chalicelib.clinics.records import Clinic, clinic_not_found
    from chalicelib.core.db import transact_get
    from chalicelib.core.ids import now
    from chalicelib.models import ClinicModel, LoginCounterModel

    ckey, at = _clinic(clinic_id), now()
    clinic_item, ip_counter = transact_get(
        (ClinicModel, ckey), (LoginCounterModel, lockout.ip_counter_key(ckey, info.source_ip or "unknown", at)))
    if clinic_item is None:
        raise clinic_not_found()
    wait = lockout.ip_seconds_left(ip_counter, Clinic.from_model(clinic_item).settings, at)
    if wait:
        _locked(ckey, info, {"kind": login_type}, {"method": "passkey"}, wait)
    challenge, token = ceremony.new_challenge(ceremony.SIGN_IN + login_type, ckey, at)
    made = generate_authentication_options(rp_id=ceremony.rp_id(), challenge=challenge,
                                           timeout=ceremony.TIMEOUT_MS,
                                           user_verification=UserVerificationRequirement.REQUIRED)
    _store(token, ckey, info.source_ip or "unknown", at)
    return json.loads(options_to_json(made))


OPTIONS_PER_WINDOW = 100   # sign-in challenges per clinic and source IP per 15 minutes


def _store(token, ckey: str, ip: str, at: int) -> None:
    """The challenge, and its count on the source IP's window (`passkey_options#...`), in
    one transaction: past OPTIONS_PER_WINDOW the address waits for the next window (429)."""
    from datetime import UTC, datetime

    from chalicelib.auth import lockout
    from chalicelib.core.records import write
    from chalicelib.models import LoginCounterModel as C

    window = at // lockout.IP_WINDOW_S
    key = f"passkey_options#{ckey}#{ip}#{window}"
    expires = datetime.fromtimestamp((window + 1) * lockout.IP_WINDOW_S + 3600, tz=UTC)

    def build(tx):
        tx.save("challenge", token)
        tx.update("count", C(key), actions=[C.attempts.add(1), C.expires_at.set(expires)],
                  condition=C.attempts.does_not_exist() | (C.attempts < OPTIONS_PER_WINDOW))

    def full():
        from chalicelib.auth.login import LOCKED_MESSAGE

        return TooManyAttempts(LOCKED_MESSAGE, retry_after=lockout.IP_WINDOW_S - at % lockout.IP_WINDOW_S)

    write(build, failed={"count": full})


def sign_in(clinic_id: str, credential: dict, info: RequestInfo, *, device_cookies: dict | None = None,
            issue_device: bool = False):
    """The session (a login.LoginResult) for a passkey's answer that checks out."""
    from chalicelib.auth import lockout
    from chalicelib.clinics.records import Clinic, clinic_not_found
    from chalicelib.core.db import transact_get
    from chalicelib.core.ids import now
    from chalicelib.models import ClinicModel, LoginCounterModel, PasskeyModel, TokenModel

    ckey, at = _clinic(clinic_id), now()
    try:
        challenge = ceremony.client_challenge(credential)
        raw = ceremony.raw_id(credential)
    except ceremony.Malformed:
        raise malformed() from None
    ip = info.source_ip or "unknown"
    clinic_item, token, passkey, ip_counter = transact_get(
        (ClinicModel, ckey), (TokenModel, ceremony.token_key(challenge)),
        (PasskeyModel, f"{ckey}#{ceremony.passkey_id(raw)}"), (LoginCounterModel, lockout.ip_counter_key(ckey, ip, at)))
    if clinic_item is None:
        raise clinic_not_found()
    clinic = Clinic.from_model(clinic_item)
    if token is not None and not token.kind.startswith(ceremony.SIGN_IN):
        token = None   # some other ceremony's challenge: not ours to use up
    from chalicelib.auth.passkeys.signin_check import Ceremony

    person = _person(passkey)
    if person is None:
        return _nobody(clinic, token, ip_counter, info, at)
    return Ceremony(clinic, credential, token, passkey, person, ip_counter, info, at,
                    device_cookies or {}, issue_device).run()


def _person(passkey):
    from chalicelib.auth.sessions import person_model

    if passkey is None:
        return None
    model = person_model(passkey.kind)
    try:
        return model.get(passkey.clinic_key, passkey.subject_id, consistent_read=True)
    except model.DoesNotExist:
        return None


def _nobody(clinic, token, ip_counter, info, at):
    """A credential this clinic does not know: a failure on the source IP's window only."""
    from datetime import UTC, datetime

    from chalicelib.auth import lockout
    from chalicelib.auth.login import invalid_credentials
    from chalicelib.core.records import write
    from chalicelib.models import LoginCounterModel as C
    from chalicelib.models import TokenModel

    ckey = clinic.clinic_key
    wait = lockout.ip_seconds_left(ip_counter, clinic.settings, at)
    if wait:
        _locked(ckey, info, {}, {"method": "passkey"}, wait)
    ip_key = lockout.ip_counter_key(ckey, info.source_ip or "unknown", at)
    expires = datetime.fromtimestamp((at // lockout.IP_WINDOW_S + 1) * lockout.IP_WINDOW_S + 3600, tz=UTC)

    def failed(tx):
        tx.update("lockout_ip", C(ip_key), actions=[C.attempts.add(1), C.failures.add(1),
                                                     C.last_failure_at.set(at), C.expires_at.set(expires)])
        if token is not None:
            tx.delete("challenge", TokenModel(token.token_hash))
        tx.audit(audit.event(ckey, "login", info=info, outcome="failed", actor={},
                             details={"reason": "unknown_passkey", "method": "passkey"}))

    write(failed)
    raise invalid_credentials()
