"""Helpers of the two-factor authentication tests: enrol a signed-in browser with
pyotp codes made from the secret the set-up answered, at the test's clock."""
from __future__ import annotations

import pyotp

from tests.conftest import login

STEP = 30


def code(secret: str, at: int, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(at + steps * STEP)


def enrol(browser, clock) -> tuple[str, list[str]]:
    """(secret, recovery codes) of a browser's person after a completed set-up."""
    r = browser.post("/api/me/mfa/setup")
    assert r.status == 200, r.text
    secret = r.json()["secret"]
    r = browser.post("/api/me/mfa/confirm", json={"code": code(secret, clock())})
    assert r.status == 200, r.text
    clock.advance(STEP)   # the code just used is spent: the next one is another step's
    return secret, r.json()["recovery_codes"]


def password_step(gateway, username, password, **kw) -> str:
    r = login(gateway.browser(), username, password, **kw)
    assert r.status == 200, r.text
    assert r.json()["mfa_required"] is True and "principal" not in r.json()
    assert "Set-Cookie" not in r.headers or "portal_session=;" in str(r.headers.get("Set-Cookie"))
    return r.json()["mfa_token"]


def second_step(browser, token, clinic="SUNRISE", **body):
    return browser.post(f"/api/clinics/{clinic}/login/mfa", json={"mfa_token": token, **body})


def enrolled_now(gateway, username, password, login_type="staff") -> str:
    """Sign a person in and set up 2FA at the real time (no test clock); their secret."""
    b = gateway.browser()
    assert login(b, username, password, login_type=login_type).status == 200
    secret = b.post("/api/me/mfa/setup").json()["secret"]
    assert b.post("/api/me/mfa/confirm", json={"code": pyotp.TOTP(secret).now()}).status == 200
    return secret
