"""Adaptive CAPTCHA: after a few failed logins, the CAPTCHA is required even at a
clinic that does not require it always.

Required when the clinic requires it always (`captcha_required`), or when the
failures counted for the attempt reach the clinic's `captcha_after_failures`
(default 3) on either of

- the username's counter (auth/lockout.py; it exists for unknown usernames too,
  so whether it is asked for says nothing about whether the username exists),
  or, for an attempt trusted by a device cookie, that device's own counter;
- the source IP's counter of the current 15-minute window.

Both counters are read by the login's existing TransactGet: no extra request. A
successful login resets the username's count, so the CAPTCHA is no longer asked
for that username; the IP's count runs until its window ends. The clinic-info
reply tells the page for the caller's IP (it does not know the username yet),
and a login refused for a wrong password or a missing CAPTCHA says
`"captcha_required": true` when the next attempt must carry one.
"""
from __future__ import annotations


def _failures(counter, at: int) -> int:
    from chalicelib.auth.lockout import live_counter

    counter = live_counter(counter, at)
    return int(counter.failures or 0) if counter is not None else 0


def required(settings, counters, at: int) -> bool:
    """The next attempt must carry a CAPTCHA, given the counters as read."""
    return settings.captcha_required or any(
        _failures(c, at) >= settings.captcha_after_failures for c in counters)


def required_after_failure(settings, counters, at: int) -> bool:
    """... once this attempt's failure is counted on each of them."""
    return settings.captcha_required or any(
        _failures(c, at) + 1 >= settings.captcha_after_failures for c in counters)


def clinic_for_login_page(clinic_id: str, source_ip: str | None):
    """(clinic, CAPTCHA required for this caller) for the clinic-info reply: the clinic
    and the caller's IP counter in one TransactGet (the page does not know the username yet)."""
    from chalicelib.auth.lockout import ip_counter_key
    from chalicelib.clinics.records import CLINIC_ID_RE, Clinic, clinic_key, clinic_not_found
    from chalicelib.core.db import transact_get
    from chalicelib.core.ids import now
    from chalicelib.models import ClinicModel, LoginCounterModel

    if not isinstance(clinic_id, str) or not CLINIC_ID_RE.fullmatch(clinic_id):
        raise clinic_not_found()
    key, at = clinic_key(clinic_id), now()
    item, counter = transact_get((ClinicModel, key),
                                 (LoginCounterModel, ip_counter_key(key, source_ip or "unknown", at)))
    if item is None:
        raise clinic_not_found()
    clinic = Clinic.from_model(item)
    return clinic, required(clinic.settings, [counter], at)
