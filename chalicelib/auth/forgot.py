"""Forgot password, forgot username: asked without a session, answered the same
way whoever asks.

The reply (202, one body) never says whether the person exists, has an email, is
disabled or locked, and the request does the same DynamoDB work either way:

- forgot password: one TransactGet (clinic, the staff record or the portal
  username claim; a patient's account is read next whether or not the claim
  exists), then one TransactWrite that takes the rate-limit slots and records the
  outcome (audit event; the reset token too when the person may have one);
- forgot username: one read of the clinic, one Query on the staff `by_email`
  index, then the same kind of TransactWrite.

**Counting before sending.** The slots (per username or email address, and per
source IP, each per hour) are conditional `ADD`s in the transaction that also
saves the token, so only a committed slot sends an email and a burst of
parallel requests sends at most the limit. A request over the limit answers the
same 202; no email goes out.

**Equal time.** The email goes out before the reply (a Lambda cannot send after
it answers). A request that sends none waits instead until its write and the
wait together take as long as this container's recent write-and-send did
(`MailPacer`, one per flow: the median of the last 32), so neither SES's latency nor the
token's extra item in the write tells the two apart. What remains is the spread
of those around their median (and a container's first requests, before it has
measured a send, pad to 50 ms).
"""
from __future__ import annotations

import threading
import time
from collections import deque
from datetime import UTC, datetime

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo
from chalicelib.core.ids import normalize_key, now

RESET_MINUTES = 30
PER_NAME = 3          # emails per username (or per email address) and hour
PER_IP = 20           # recovery emails asked from one source IP per hour, whatever for
WINDOW_S = 3600
STAFF_RESET_KIND = "staff_password_reset"
PATIENT_RESET_KIND = "password_reset"
RESET_KINDS = {STAFF_RESET_KIND: "staff", PATIENT_RESET_KIND: "patient"}

ACCEPTED_PASSWORD = ("If that username has an account at this clinic with an email address, a link to choose "
                     f"a new password is on its way. The link works for {RESET_MINUTES} minutes. "
                     "No email? Check the username and your spam folder, or ask your clinic.")
ACCEPTED_USERNAME = ("If staff accounts at this clinic use that email address, their usernames are on their way "
                     "to it. No email? Check the address and your spam folder, or ask your clinic's administrator.")


# ---------------------------------------------------------------- equal time

class MailPacer:
    """Keeps the end of a request the same length whether it sends an email or not.
    From `start` (when the request knows whether it will send one: before its
    write), `send()` records how long the write and the send took; `pad(start)`,
    on a request that sends nothing, waits until the median of those has passed."""

    def __init__(self, keep: int = 32, default_s: float = 0.05):
        self._samples: deque = deque(maxlen=keep)
        self._lock = threading.Lock()
        self.default_s = default_s

    def send(self, email, start: float | None = None) -> bool:
        from chalicelib.core.mail import MailError, send

        start = time.perf_counter() if start is None else start
        try:
            send(email)
            return True
        except MailError:
            return False   # the reply stays the same; mail.send logged it
        finally:
            with self._lock:
                self._samples.append(time.perf_counter() - start)

    def typical(self) -> float:
        with self._lock:
            samples = sorted(self._samples)
        return samples[len(samples) // 2] if samples else self.default_s

    def pad(self, start: float) -> None:
        time.sleep(max(0.0, self.typical() - (time.perf_counter() - start)))


# One per flow: their writes and emails differ in length.
PASSWORD_PACER = MailPacer()
USERNAME_PACER = MailPacer()


# ---------------------------------------------------------------- rate limit

class _Limited(Exception):
    pass


def _counter_key(prefix: str, clinic_key: str, name: str, at: int) -> str:
    return f"{prefix}#{clinic_key}#{name}#{at // WINDOW_S}"


class Slots:
    """This request's slots: one on the name's counter, one on the source IP's,
    in the hour `at` falls in. `add_to(tx)` adds both conditional ADDs to the
    transaction; `commit(build)` runs it and says whether the slots were granted."""

    def __init__(self, name_prefix: str, clinic_key: str, name: str, info: RequestInfo, at: int):
        self.name_key = _counter_key(name_prefix, clinic_key, name, at)
        self.ip_key = _counter_key("recover_ip", clinic_key, info.source_ip or "unknown", at)
        self.expires = datetime.fromtimestamp((at // WINDOW_S + 1) * WINDOW_S + 3600, tz=UTC)

    def add_to(self, tx) -> None:
        from chalicelib.models import LoginCounterModel as C

        for name, key, limit in (("name", self.name_key, PER_NAME), ("ip", self.ip_key, PER_IP)):
            tx.update(name, C(key), actions=[C.attempts.add(1), C.expires_at.set(self.expires)],
                      condition=C.attempts.does_not_exist() | (C.attempts < limit))

    def commit(self, build) -> bool:
        """Run `build(tx)` with the slots in it: True when it committed, False when a
        limit was reached (or the counters stayed contended: refuse, never send more)."""
        from pynamodb.exceptions import TransactWriteError

        from chalicelib.core.records import contended, write

        def both(tx):
            self.add_to(tx)
            build(tx)

        try:
            write(both, failed={"name": _Limited, "ip": _Limited})
        except _Limited:
            return False
        except TransactWriteError as exc:
            if not contended(exc):
                raise                  # an outage is a 503
            return False
        return True


# ---------------------------------------------------------------- forgot password

def _refusal(record) -> str | None:
    """Why this person gets no reset link (None: they get one)."""
    if record is None:
        return "unknown_user"
    if record.item.awaiting_invitation:
        return "invitation_pending"
    if not record.active or record.password_hash is None:
        return "account_disabled"
    if not record.portal_access:
        return "portal_access_disabled"
    if not record.email:
        return "no_email"
    return None


def forgot_password(clinic_id: str, login_type: str, username: str, info: RequestInfo) -> None:
    """Email a single-use link to choose a new password, when the person exists, may
    sign in and has an email, and the limits allow; otherwise nothing (same reply)."""
    from chalicelib.auth import principals
    from chalicelib.auth.account_emails import reset_email
    from chalicelib.clinics.records import CLINIC_ID_RE, Clinic, clinic_not_found
    from chalicelib.clinics.records import clinic_key as make_clinic_key
    from chalicelib.core.db import transact_get
    from chalicelib.core.limits import LOGIN_USERNAME_MAX
    from chalicelib.models import ClinicModel
    from chalicelib.people import invitations

    if not CLINIC_ID_RE.fullmatch(clinic_id):
        raise clinic_not_found()
    ckey = make_clinic_key(clinic_id)
    ukey = normalize_key(username)
    at = now()
    clinic_item, fetched = transact_get((ClinicModel, ckey), principals.login_request(ckey, login_type, ukey))
    if clinic_item is None:
        raise clinic_not_found()
    clinic = Clinic.from_model(clinic_item)
    record = principals.resolve(login_type, ckey, fetched)   # the same reads whether or not it exists
    start = time.perf_counter()   # from here on the two paths differ: padded to the same length
    reason = _refusal(record)
    invite = None
    if reason is None:
        kind = STAFF_RESET_KIND if login_type == "staff" else PATIENT_RESET_KIND
        invite = invitations.new_invite(clinic, kind, record.subject_id, at, record=record.item,
                                        lifetime_s=RESET_MINUTES * 60)
    slots = Slots(f"recover_{login_type}", ckey, ukey, info, at)

    def build(tx):
        if invite is not None:
            invitations.save_token(tx, invite)
        subject = {"kind": record.kind, "id": record.subject_id, "username": record.username} if record else None
        tx.audit(audit.event(ckey, "password_reset_requested", info=info,
                             outcome="refused" if reason else "succeeded",
                             actor={"kind": login_type, "username": username.strip()[:LOGIN_USERNAME_MAX]},
                             subject=subject, details={"reason": reason} if reason else None))

    if not slots.commit(build):
        return
    if invite is None:
        PASSWORD_PACER.pad(start)
        return
    email = reset_email(clinic, login_type=login_type, to=record.email, first_name=record.first_name,
                        username=record.username, token=invite.token, minutes=RESET_MINUTES)
    PASSWORD_PACER.send(email, start)


# ---------------------------------------------------------------- forgot username (staff)

def forgot_username(clinic_id: str, email: str, info: RequestInfo) -> None:
    """Email the usernames of the clinic's staff who use this address and may sign in
    (one email listing them); otherwise nothing (same reply)."""
    from chalicelib.auth.account_emails import username_email
    from chalicelib.clinics.records import get_clinic
    from chalicelib.models import StaffModel
    from chalicelib.models.staff import email_key_of

    clinic = get_clinic(clinic_id)
    ekey = email_key_of(email)
    found = sorted((i for i in StaffModel.by_email.query(clinic.clinic_key, StaffModel.email_key == ekey)
                    if i.is_active and i.password_hash and i.portal_access), key=lambda i: i.username_key)
    start = time.perf_counter()
    slots = Slots("recover_username", clinic.clinic_key, ekey, info, now())

    def build(tx):
        tx.audit(audit.event(clinic.clinic_key, "username_reminder", info=info,
                             outcome="succeeded" if found else "refused", actor={"kind": "staff"},
                             subject={"kind": "staff", "id": found[0].username_key,
                                      "username": found[0].username} if len(found) == 1 else None,
                             details={"usernames": len(found)} if found else {"reason": "unknown_email"}))

    if not slots.commit(build):
        return
    if not found:
        USERNAME_PACER.pad(start)
        return
    USERNAME_PACER.send(username_email(clinic, to=found[0].email, usernames=[i.username for i in found]), start)
