"""Helpers of the passkey tests: add a passkey to a signed-in browser's person, and
sign in with one, through the API and the software authenticator."""
from __future__ import annotations

from tests.auth.passkey_authenticator import Authenticator


def add_passkey(browser, device: Authenticator | None = None, name: str = "My phone") -> tuple[Authenticator, dict]:
    device = device or Authenticator()
    r = browser.post("/api/me/passkeys/options")
    assert r.status == 200, r.text
    r = browser.post("/api/me/passkeys", json={"credential": device.create(r.json()["publicKey"]), "name": name})
    assert r.status == 201, r.text
    return device, r.json()["passkey"]


def login_options(browser, login_type: str = "staff", clinic: str = "SUNRISE") -> dict:
    r = browser.post(f"/api/clinics/{clinic}/login/passkey/options", json={"login_type": login_type})
    assert r.status == 200, r.text
    return r.json()["publicKey"]


def passkey_login(browser, credential: dict, clinic: str = "SUNRISE", **extra):
    return browser.post(f"/api/clinics/{clinic}/login/passkey", json={"credential": credential, **extra})


def sign_in(gateway, device: Authenticator, login_type: str = "staff", clinic: str = "SUNRISE", **kw):
    b = gateway.browser()
    r = passkey_login(b, device.get(login_options(b, login_type, clinic), **kw), clinic)
    return b, r
