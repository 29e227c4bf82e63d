"""A passkey sign-in once the passkey names a person (signin.py): the lockout slot,
the checks, and the session or the counted failure."""
from __future__ import annotations

import struct

from chalicelib.auth import devices, lockout, principals
from chalicelib.auth.passkeys import ceremony
from chalicelib.auth.passkeys.register import generation
from chalicelib.core import audit


class _Replayed(Exception):
    """The challenge, the passkey's counter or the person changed under the commit."""


def _sign_count(credential: dict) -> int | None:
    """The counter the authenticator data carries (bytes 33..36), or None if unreadable."""
    response = credential.get("response")
    data = ceremony.unb64url(response.get("authenticatorData")) if isinstance(response, dict) else None
    if not data or len(data) < 37:
        return None
    return struct.unpack(">I", data[33:37])[0]


class Ceremony:
    def __init__(self, clinic, credential, token, passkey, person, ip_counter, info, at, device_cookies,
                 issue_device):
        self.clinic, self.credential, self.token, self.passkey = clinic, credential, token, passkey
        self.person, self.ip_counter, self.info, self.at = person, ip_counter, info, at
        self.cookies, self.issue_device = device_cookies, issue_device
        self.kind = passkey.kind
        self.record = (principals.from_staff if self.kind == "staff" else principals.from_account)(person)
        self.ukey = person.username_key
        self.actor = {"kind": self.kind, "username": self.record.username}

    def _details(self, **more) -> dict:
        return {"method": "passkey", "passkey": self.passkey.passkey_id, "device": self.trust, **more}

    def run(self):
        from chalicelib.auth.passkeys.signin import _locked

        ckey, at, settings = self.clinic.clinic_key, self.at, self.clinic.settings
        user_counter, device = self._read_counters()
        self.trust = devices.TRUSTED if device is not None else devices.UNTRUSTED
        wait = max(lockout.ip_seconds_left(self.ip_counter, settings, at),
                   lockout.lock_seconds_left(device if device is not None else user_counter, settings, at))
        if not wait:
            self.attempt = lockout.Attempt(ckey, self.kind, self.ukey, self.info.source_ip or "unknown", at,
                                           settings, user_counter, self.ip_counter, device=device)
            wait = self.attempt.take()
        if wait:
            _locked(ckey, self.info, self.actor, self._details(), wait)
        with self.attempt.held():
            reason, new_count = self._check()
            if reason:
                self._fail(reason)
            if not self.record.portal_access:
                return self._no_portal_access()
            return self._start_session(new_count)

    def _read_counters(self):
        from chalicelib.core.db import transact_get
        from chalicelib.models import LoginCounterModel

        ckey = self.clinic.clinic_key
        user_key = lockout.user_counter_key(ckey, self.kind, self.ukey)
        cookie = self.cookies.get(devices.cookie_name(ckey, self.kind, self.ukey))
        reads = [(LoginCounterModel, user_key)]
        if devices.well_formed(cookie):
            reads.append((LoginCounterModel, devices.device_key(ckey, cookie)))
        user_counter, *device_read = transact_get(*reads)
        device = device_read[0] if device_read and devices.names(device_read[0], user_key, self.at) else None
        if device is not None and not devices.vouches_for(device, self.record):
            device = None
        return user_counter, device

    def _check(self) -> tuple[str | None, int]:
        """(the reason it fails, or None; the new sign count)."""
        from webauthn import verify_authentication_response

        token, passkey = self.token, self.passkey
        if token is None or not ceremony.live(token, token.kind, self.clinic.clinic_key, self.at):
            return "challenge_invalid", 0
        if token.kind != ceremony.SIGN_IN + self.kind:
            return "wrong_login_type", 0
        if int(passkey.generation or 0) != generation(self.person):
            return "passkey_removed", 0
        if not self.record.active:
            return "account_disabled", 0
        response = self.credential.get("response") or {}
        if response.get("userHandle") not in (None, passkey.user_handle):
            return "passkey_invalid", 0
        count = _sign_count(self.credential)
        stored = int(passkey.sign_count or 0)
        if count is not None and (count > 0 or stored > 0) and count <= stored:
            return "counter_regressed", 0   # a cloned authenticator, or a replayed answer
        try:
            verified = verify_authentication_response(
                credential=self.credential, expected_challenge=_challenge_bytes(self.credential),
                expected_rp_id=ceremony.rp_id(),
                expected_origin=ceremony.origins(), credential_public_key=ceremony.unb64url(passkey.public_key),
                credential_current_sign_count=stored, require_user_verification=True)
        except ceremony.verify_errors():
            return "passkey_invalid", 0
        return None, int(verified.new_sign_count)

    def _fail(self, reason: str):
        from chalicelib.auth.login import invalid_credentials
        from chalicelib.core.records import write
        from chalicelib.models import TokenModel

        def failed(tx):
            self.attempt.failed(tx)
            if self.token is not None:
                tx.delete("challenge", TokenModel(self.token.token_hash))
            tx.audit(audit.event(self.clinic.clinic_key, "login", info=self.info, outcome="failed",
                                 actor=self.actor, details=self._details(reason=reason)))

        write(failed)
        self.attempt.settled = True
        raise invalid_credentials()

    def _no_portal_access(self):
        from chalicelib.core.errors import Forbidden
        from chalicelib.core.records import write

        def refused(tx):
            self.attempt.released(tx)
            tx.audit(audit.event(self.clinic.clinic_key, "login", info=self.info, outcome="portal_access_disabled",
                                 actor=self.actor, details=self._details()))

        write(refused)
        self.attempt.settled = True
        raise Forbidden("Your Staff Portal access is turned off. Ask your clinic's administrator "
                        "to turn it on.", code="portal_access_disabled")

    def _start_session(self, new_count: int):
        from chalicelib.auth import sessions, signin_notice
        from chalicelib.auth.login import LoginResult
        from chalicelib.core.records import write
        from chalicelib.models import PasskeyModel

        record, person, passkey, clinic, at = self.record, self.person, self.passkey, self.clinic, self.at
        principals.preselect_patient(record)
        token, session = sessions.new_session(record, clinic, at, self.info)
        session.mfa_enrolment_required = False   # user verification: two factors already
        first_sign_in = getattr(person, "last_login_at", None) is None
        model = type(person)
        seen = person.passkey_generation   # "Remove all passkeys" meanwhile wins
        condition = model.active_condition() & (model.passkey_generation.does_not_exist() if seen is None
                                                else model.passkey_generation == seen)
        device = (devices.new_device(record, clinic.clinic_key, self.kind, self.ukey, at)
                  if self.issue_device else None)

        def build(tx):
            tx.save("session", session)
            ceremony.used_up(tx, self.token)
            tx.update("passkey", passkey, actions=[PasskeyModel.sign_count.set(new_count),
                                                   PasskeyModel.last_used_at.set(at)],
                      condition=PasskeyModel.sign_count == int(passkey.sign_count or 0))
            tx.update("record", person, actions=[model.last_login_at.set(at)], condition=condition)
            self.attempt.succeeded(tx)
            tx.audit(audit.event(clinic.clinic_key, "login", info=self.info, outcome="succeeded", actor=self.actor,
                                 subject={"kind": record.kind, "id": record.subject_id}, details=self._details()))
            if device is not None:
                tx.save("device", device[1])

        try:
            write(build, failed={"challenge": _Replayed, "passkey": _Replayed, "record": _Replayed})
        except _Replayed:
            self._fail("challenge_invalid")
        self.attempt.settled = True
        signin_notice.after_login(clinic, record, self.info, at, trusted=self.trust == devices.TRUSTED,
                                  first_sign_in=first_sign_in)
        return LoginResult(token, session, device[0] if device is not None else None)


def _challenge_bytes(credential: dict) -> bytes:
    """The challenge the browser signed: the one we stored, found by its hash (signin.py)."""
    return ceremony.unb64url(ceremony.client_challenge(credential))
