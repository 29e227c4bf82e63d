"""Signing in with a passkey (auth/passkeys/signin.py) with the software
authenticator: the session a password login gives, and every failure the same
generic 401, counted toward the lockout."""
from __future__ import annotations

import pytest

from tests.auth.passkey_authenticator import Authenticator, b64, unb64
from tests.auth.passkey_helpers import add_passkey, login_options, passkey_login, sign_in
from tests.conftest import ADMIN_PW, login, table_items
from tests.portal_helpers import clinician, patient, user_counters


def _events(outcome: str | None = None) -> list[dict]:
    """Login events, oldest first."""
    return sorted((e for e in table_items("audit_events") if e["kind"]["S"] == "login"
                   and (outcome is None or e["outcome"]["S"] == outcome)), key=lambda e: e["event_key"]["S"])


def _passkey() -> dict:
    (item,) = table_items("passkeys")
    return item


def _generic_401() -> dict:
    """The one body of every failed password login."""
    from chalicelib.auth.login import invalid_credentials

    error = invalid_credentials()
    return {"error": error.code, "message": error.message}


def test_the_generic_401_is_the_password_logins(gateway, seeded):
    assert login(gateway.browser(), "NobodyY", "wrong password").json() == _generic_401()


def _failures(login_type="staff", username_key="doej") -> int:
    counters = user_counters(login_type, username_key)
    return int(counters[0]["failures"]["N"]) if counters else 0


def test_a_passkey_signs_in_with_no_username_or_password(admin, gateway):
    device, added = add_passkey(admin)
    b = gateway.browser()
    options = login_options(b)
    assert options["rpId"] == "127.0.0.1" and options["allowCredentials"] == []
    assert options["userVerification"] == "required"
    r = passkey_login(b, device.get(options))
    assert r.status == 200, r.text
    assert r.json()["principal"]["username"] == "DoeJ"
    cookies = r.headers["Set-Cookie"]
    assert any(c.startswith("portal_session=") for c in cookies)
    assert any(c.startswith("portal_device_") and "Path=/api/clinics/SUNRISE/login" in c for c in cookies)
    assert b.get("/api/me").json()["principal"]["username"] == "DoeJ"

    stored = _passkey()
    assert stored["sign_count"]["N"] == "1" and "last_used_at" in stored
    event = _events("succeeded")[-1]
    assert event["details"]["M"]["method"]["S"] == "passkey"
    assert event["details"]["M"]["passkey"]["S"] == added["id"]
    listed = admin.get("/api/me/passkeys").json()["passkeys"]
    assert listed[0]["last_used_at"] is not None
    # The challenge is used up.
    assert not [t for t in table_items("tokens") if t["kind"]["S"].startswith("passkey_")]

    # Bearer delivery, as for a password login: the token in the body, no cookie.
    r = passkey_login(b, device.get(login_options(b)), session_delivery="bearer")
    assert r.status == 200 and r.json()["session_token"] and "Set-Cookie" not in r.headers


def test_a_portal_login_signs_in_on_the_patient_tab(gateway, seeded):
    ann = patient(gateway)
    device, _ = add_passkey(ann)
    b, r = sign_in(gateway, device, login_type="patient")
    assert r.status == 200, r.text
    assert r.json()["principal"]["kind"] == "patient"
    assert b.get("/api/portal/patients").status == 200


def test_a_passkey_is_two_factors(admin, gateway, clock):
    from tests.auth.mfa_helpers import enrol

    device, _ = add_passkey(admin)
    enrol(admin, clock)
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).json()["mfa_required"] is True
    b, r = sign_in(gateway, device)
    assert r.status == 200 and "mfa_required" not in r.json()
    assert b.get("/api/clinics/SUNRISE/staff").status == 200


def test_a_passkey_login_satisfies_the_clinics_2fa_requirement(admin, gateway):
    device, _ = add_passkey(admin)
    assert admin.patch("/api/clinics/SUNRISE/settings", json={"mfa_required_roles": ["admin"]}).status == 200
    # A password login must set 2FA up first; the passkey's session need not.
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).json()["mfa_enrolment_required"] is True
    b, r = sign_in(gateway, device)
    assert r.status == 200 and r.json()["mfa_enrolment_required"] is False
    assert b.get("/api/clinics/SUNRISE/staff").status == 200


def _refused(gateway, credential, clinic="SUNRISE"):
    r = passkey_login(gateway.browser(), credential, clinic)
    assert r.status == 401, r.text
    assert r.json() == _generic_401()
    return r


def test_a_counter_that_goes_backwards_is_refused(admin, gateway):
    device, _ = add_passkey(admin)
    assert sign_in(gateway, device)[1].status == 200
    assert sign_in(gateway, device)[1].status == 200   # count 2
    b = gateway.browser()
    _refused(gateway, device.get(login_options(b), sign_count=2))   # the same count again: a clone
    _refused(gateway, device.get(login_options(b), sign_count=1))
    assert _events("failed")[-1]["details"]["M"]["reason"]["S"] == "counter_regressed"
    assert _failures() == 2
    assert _passkey()["sign_count"]["N"] == "2"
    # An authenticator without a counter (always 0) still works.
    zero = Authenticator(counts=False)
    add_passkey(admin, zero, name="Synced")
    assert sign_in(gateway, zero)[1].status == 200 and sign_in(gateway, zero)[1].status == 200


def test_another_clinics_credential_is_refused(admin, gateway):
    device, _ = add_passkey(admin)
    credential = device.get(login_options(gateway.browser(), clinic="Lakeside"))
    _refused(gateway, credential, clinic="Lakeside")
    event = [e for e in _events("failed") if e["clinic_key"]["S"] == "lakeside"][-1]
    assert event["details"]["M"]["reason"]["S"] == "unknown_passkey"
    # Counted against the source address (no username to count against at Lakeside).
    ip = [c for c in table_items("login_counters") if c["counter_key"]["S"].startswith("ip#lakeside#")]
    assert ip and ip[0]["failures"]["N"] == "1"
    # Lakeside's challenge on SUNRISE's login: not SUNRISE's challenge.
    _refused(gateway, device.get(login_options(gateway.browser(), clinic="Lakeside")))
    assert _events("failed")[-1]["details"]["M"]["reason"]["S"] == "challenge_invalid"


def test_a_removed_passkey_is_refused(admin, gateway):
    device, added = add_passkey(admin)
    assert admin.delete(f"/api/me/passkeys/{added['id']}").status == 204
    _refused(gateway, device.get(login_options(gateway.browser())))
    assert _events("failed")[-1]["details"]["M"]["reason"]["S"] == "unknown_passkey"


def test_a_disabled_person_is_refused(admin, gateway):
    member = clinician(gateway)
    device, _ = add_passkey(member)
    assert admin.post("/api/clinics/SUNRISE/staff/PatelR/disable").status == 200
    _refused(gateway, device.get(login_options(gateway.browser())))
    assert _events("failed")[-1]["details"]["M"]["reason"]["S"] == "account_disabled"
    assert _failures(username_key="patelr") == 1


def test_a_replayed_answer_is_refused(admin, gateway):
    device, _ = add_passkey(admin)
    credential = device.get(login_options(gateway.browser()))
    assert passkey_login(gateway.browser(), credential).status == 200
    _refused(gateway, credential)
    assert _events("failed")[-1]["details"]["M"]["reason"]["S"] in ("challenge_invalid", "counter_regressed")
    # A fresh answer to the used challenge (the counter moves on): the challenge decides.
    options = {"rpId": "127.0.0.1", "challenge": unb64(credential["response"]["clientDataJSON"]) and
               __import__("json").loads(unb64(credential["response"]["clientDataJSON"]))["challenge"]}
    _refused(gateway, device.get(options))
    assert _events("failed")[-1]["details"]["M"]["reason"]["S"] == "challenge_invalid"
    assert _failures() == 2


def test_an_expired_challenge_is_refused(admin, gateway, clock):
    device, _ = add_passkey(admin)
    options = login_options(gateway.browser())
    clock.advance(5 * 60)
    _refused(gateway, device.get(options))


def test_the_wrong_tab_is_refused(admin, gateway):
    device, _ = add_passkey(admin)
    _refused(gateway, device.get(login_options(gateway.browser(), login_type="patient")))
    assert _events("failed")[-1]["details"]["M"]["reason"]["S"] == "wrong_login_type"


@pytest.mark.parametrize("spoil", ["signature", "origin", "no_user_verification", "user_handle"])
def test_answers_that_do_not_check_out_are_refused(admin, gateway, spoil):
    device, _ = add_passkey(admin)
    options = login_options(gateway.browser())
    if spoil == "origin":
        credential = device.get(options, origin="https://evil.example")
    elif spoil == "no_user_verification":
        device.user_verified = False
        credential = device.get(options)
    else:
        credential = device.get(options)
    if spoil == "signature":
        sig = bytearray(unb64(credential["response"]["signature"]))
        sig[-1] ^= 1
        credential["response"]["signature"] = b64(bytes(sig))
    if spoil == "user_handle":
        credential["response"]["userHandle"] = b64(b"someone else")
    _refused(gateway, credential)
    assert _events("failed")[-1]["details"]["M"]["reason"]["S"] == "passkey_invalid"
    assert _failures() == 1


def test_failures_lock_the_username_for_passkeys_and_passwords_alike(admin, gateway):
    device, _ = add_passkey(admin)
    known = gateway.browser()   # signed in here before: its device cookie vouches for it
    assert passkey_login(known, device.get(login_options(known))).status == 200
    for _ in range(5):   # SUNRISE's threshold
        _refused(gateway, device.get(login_options(gateway.browser()), origin="https://evil.example"))
    r = sign_in(gateway, device)[1]
    assert r.status == 429 and r.json()["error"] == "too_many_attempts" and r.headers["Retry-After"]
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 429
    assert _events("locked")
    # The browser the person signed in on before is not locked out by the others' failures.
    assert passkey_login(known, device.get(login_options(known))).status == 200


def test_a_malformed_answer_is_a_400_and_counts_nothing(admin, gateway):
    b = gateway.browser()
    for credential in ({}, {"id": "x", "rawId": "x", "response": {"clientDataJSON": "!!"}},
                       {"id": "a", "rawId": "b", "response": {"clientDataJSON": b64(b'{"challenge":"' + b"A" * 43
                                                                                   + b'"}')}}):
        r = passkey_login(b, credential)
        assert r.status == 400 and r.json()["error"] == "invalid_request"
    device = Authenticator()
    device.create({"rp": {"id": "127.0.0.1"}, "user": {"id": b64(b"h")}, "challenge": b64(bytes(32))})
    credential = device.get({"rpId": "127.0.0.1", "challenge": b64(bytes(32))})
    assert passkey_login(b, credential, clinic="NOPE").status == 404
    assert _failures() == 0 and not _events("failed")


def test_sign_in_options_are_refused_while_the_address_is_locked(admin, gateway):
    assert admin.patch("/api/clinics/SUNRISE/settings", json={"ip_failure_limit": 2}).status in (200, 400)
    b = gateway.browser()
    r = b.post("/api/clinics/NOPE/login/passkey/options", json={"login_type": "staff"})
    assert r.status == 404
    r = b.post("/api/clinics/SUNRISE/login/passkey/options", json={"login_type": "nurse"})
    assert r.status == 400


def test_two_requests_racing_with_one_answer_sign_in_once(admin, gateway, atomic_dynamodb, monkeypatch):
    """Both have read the challenge and checked the signature before either writes: the
    challenge's conditional delete (and the counter's condition) lets only one commit."""
    import threading

    from chalicelib.auth.passkeys import signin_check
    from tests.auth.test_lockout_burst import burst

    device, _ = add_passkey(admin)
    credential = device.get(login_options(gateway.browser()))
    barrier = threading.Barrier(2, timeout=10)
    original = signin_check.Ceremony._check

    def check(self):
        result = original(self)
        barrier.wait()
        return result

    monkeypatch.setattr(signin_check.Ceremony, "_check", check)
    browsers = [gateway.browser(), gateway.browser()]
    replies = burst([lambda i=i: passkey_login(browsers[i], credential) for i in range(2)])
    assert sorted(r.status for r in replies) == [200, 401], [r.text for r in replies]
    assert _passkey()["sign_count"]["N"] == "1"
    assert _failures() == 1


def test_sign_in_challenges_are_limited_per_address(gateway, seeded, monkeypatch, clock):
    from chalicelib.auth.passkeys import signin

    monkeypatch.setattr(signin, "OPTIONS_PER_WINDOW", 3)
    b = gateway.browser()
    for _ in range(3):
        login_options(b)
    r = b.post("/api/clinics/SUNRISE/login/passkey/options", json={"login_type": "staff"})
    assert r.status == 429 and r.json()["error"] == "too_many_attempts" and int(r.headers["Retry-After"]) > 0
    other = gateway.browser(source_ip="203.0.113.9")
    assert other.post("/api/clinics/SUNRISE/login/passkey/options", json={"login_type": "staff"}).status == 200
    clock.advance(15 * 60)
    assert b.post("/api/clinics/SUNRISE/login/passkey/options", json={"login_type": "staff"}).status == 200
