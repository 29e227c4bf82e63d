"""Two-factor authentication (TOTP): enrolment, the login's second step, replay,
drift, recovery codes, lockout, the token's limits, and the secret kept encrypted."""
from __future__ import annotations

import pytest

from tests.auth.mfa_helpers import STEP, code, enrol, password_step, second_step
from tests.conftest import ADMIN_PW, DESK_PW, login, table_items
from tests.portal_helpers import sent_messages


@pytest.fixture
def desk(gateway, seeded):
    b = gateway.browser()
    assert login(b, "SmithF", DESK_PW).status == 200
    return b


def test_enrolment_then_login_with_a_code_and_a_replayed_code_is_refused(gateway, admin, clock):
    r = admin.post("/api/me/mfa/setup")
    assert r.status == 200
    setup = r.json()
    assert setup["qr_svg"].startswith("<svg") and "<script" not in setup["qr_svg"]
    assert setup["otpauth_uri"].startswith("otpauth://totp/") and setup["secret"] in setup["otpauth_uri"]
    assert admin.post("/api/me/mfa/confirm", json={"code": "000000" if code(setup["secret"], clock()) != "000000"
                                                   else "111111"}).status == 400
    assert admin.get("/api/me/mfa").json()["enabled"] is False
    r = admin.post("/api/me/mfa/confirm", json={"code": code(setup["secret"], clock())})
    assert r.status == 200
    codes = r.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert admin.get("/api/me/mfa").json() == {"enabled": True, "required": False, "recovery_codes_left": 10}
    clock.advance(STEP)

    token = password_step(gateway, "DoeJ", ADMIN_PW)
    b = gateway.browser()
    now_code = code(setup["secret"], clock())
    r = second_step(b, token, code=now_code)
    assert r.status == 200, r.text
    assert r.json()["principal"]["username"] == "DoeJ"
    assert b.get("/api/me").status == 200
    # The same code again, with a fresh password step: refused (it was used).
    token = password_step(gateway, "DoeJ", ADMIN_PW)
    r = second_step(gateway.browser(), token, code=now_code)
    assert r.status == 401 and r.json()["error"] == "mfa_code_invalid"


def test_the_password_step_alone_gives_no_session(gateway, admin, clock):
    enrol(admin, clock)
    b = gateway.browser()
    r = login(b, "DoeJ", ADMIN_PW)
    assert r.json().keys() == {"mfa_required", "mfa_token"}
    assert b.get("/api/me").status == 401


def test_drift_of_one_step_is_accepted_and_two_refused(gateway, admin, clock):
    secret, _ = enrol(admin, clock)
    clock.advance(10 * STEP)
    for steps, status in ((-2, 401), (2, 401), (-1, 200), (1, 200)):
        token = password_step(gateway, "DoeJ", ADMIN_PW)
        r = second_step(gateway.browser(), token, code=code(secret, clock(), steps))
        assert r.status == status, (steps, r.text)
        clock.advance(3 * STEP)


def test_a_recovery_code_works_once_and_new_ones_kill_the_old(gateway, admin, clock):
    secret, codes = enrol(admin, clock)
    token = password_step(gateway, "DoeJ", ADMIN_PW)
    assert second_step(gateway.browser(), token, recovery_code=codes[0].upper()).status == 200
    token = password_step(gateway, "DoeJ", ADMIN_PW)
    assert second_step(gateway.browser(), token, recovery_code=codes[0]).status == 401
    assert admin.get("/api/me/mfa").json()["recovery_codes_left"] == 9
    r = admin.post("/api/me/mfa/recovery-codes", json={"code": code(secret, clock())})
    assert r.status == 200
    fresh = r.json()["recovery_codes"]
    token = password_step(gateway, "DoeJ", ADMIN_PW)
    assert second_step(gateway.browser(), token, recovery_code=codes[1]).status == 401
    assert second_step(gateway.browser(), token, recovery_code=fresh[1]).status == 200
    subjects = [m.subject for m in sent_messages()]
    assert "Sunrise Family Clinic: two-factor authentication is on" in subjects
    assert "Sunrise Family Clinic: new recovery codes" in subjects


def test_regenerating_needs_a_right_fresh_code(admin, clock):
    secret, _ = enrol(admin, clock)
    assert admin.post("/api/me/mfa/recovery-codes", json={"code": "12345"}).status == 400
    used = code(secret, clock() - STEP)   # the enrolment's code: used already
    assert admin.post("/api/me/mfa/recovery-codes", json={"code": used}).status == 400


def test_wrong_codes_lock_and_the_second_step_is_refused_while_locked(gateway, admin, clock):
    secret, _ = enrol(admin, clock)
    token = password_step(gateway, "DoeJ", ADMIN_PW)
    wrong = "000000" if code(secret, clock()) != "000000" else "111111"
    statuses = [second_step(gateway.browser(), token, code=wrong).status for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    r = second_step(gateway.browser(), token, code=code(secret, clock()))
    assert r.status == 429 and r.headers.get("Retry-After")
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 429


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(gateway, admin, clock):
    secret, _ = enrol(admin, clock)
    wrong = "000000" if code(secret, clock()) != "000000" else "111111"
    for _ in range(5):
        token = password_step(gateway, "DoeJ", ADMIN_PW)
        assert second_step(gateway.browser(), token, code=wrong).status == 401
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 429


def test_the_token_expires_works_once_and_only_at_its_clinic(gateway, admin, clock):
    secret, _ = enrol(admin, clock)
    token = password_step(gateway, "DoeJ", ADMIN_PW)
    r = second_step(gateway.browser(), token, clinic="Lakeside", code=code(secret, clock()))
    assert r.status == 400 and r.json()["error"] == "mfa_token_invalid"
    assert second_step(gateway.browser(), token, code=code(secret, clock())).status == 200
    clock.advance(STEP)
    r = second_step(gateway.browser(), token, code=code(secret, clock()))
    assert r.status == 400 and r.json()["error"] == "mfa_token_invalid"
    token = password_step(gateway, "DoeJ", ADMIN_PW)
    clock.advance(5 * 60 + 1)
    r = second_step(gateway.browser(), token, code=code(secret, clock()))
    assert r.status == 400 and r.json()["error"] == "mfa_token_invalid"
    assert second_step(gateway.browser(), "x" * 43, code="123456").json()["error"] == "mfa_token_invalid"


def test_the_token_dies_when_the_sessions_end(gateway, admin, clock):
    secret, _ = enrol(admin, clock)
    token = password_step(gateway, "DoeJ", ADMIN_PW)
    from tests.portal_helpers import STRONG_PW

    assert admin.post("/api/me/password", json={"current_password": ADMIN_PW, "new_password": STRONG_PW}).status == 204
    r = second_step(gateway.browser(), token, code=code(secret, clock()))
    assert r.json()["error"] == "mfa_token_invalid"


def test_turning_off_needs_the_password_or_a_code(gateway, admin, clock):
    secret, _ = enrol(admin, clock)
    r = admin.post("/api/me/mfa/disable", json={"password": "not-it"})
    assert r.status == 400
    assert admin.post("/api/me/mfa/disable", json={}).status == 400
    assert admin.post("/api/me/mfa/disable", json={"password": ADMIN_PW}).status == 204
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).json()["principal"]["username"] == "DoeJ"
    assert "Sunrise Family Clinic: two-factor authentication is off" in [m.subject for m in sent_messages()]


def test_the_secret_is_stored_encrypted(admin, clock):
    secret, codes = enrol(admin, clock)
    dump = repr(table_items("staff")) + repr(table_items("audit_events")) + repr(table_items("tokens"))
    assert secret not in dump and secret.lower() not in dump
    assert not any(c in dump or c.replace("-", "") in dump for c in codes)
    (item,) = [i for i in table_items("staff") if i["username_key"]["S"] == "doej"]
    assert "mfa_secret" in item


def test_forced_enrolment_by_clinic_setting(gateway, admin, desk, clock):
    r = admin.patch("/api/clinics/SUNRISE/settings", json={"mfa_required_roles": ["front_desk"]})
    assert r.status == 200, r.text
    assert r.json()["settings"]["mfa_required_roles"] == ["front_desk"]
    assert admin.patch("/api/clinics/SUNRISE/settings", json={"mfa_required_roles": ["boss"]}).status == 400
    b = gateway.browser()
    r = login(b, "SmithF", DESK_PW)
    assert r.status == 200 and r.json()["mfa_enrolment_required"] is True
    r = b.get("/api/clinics/SUNRISE/patients")
    assert r.status == 403 and r.json()["error"] == "mfa_enrolment_required"
    assert b.get("/api/me").json()["mfa_enrolment_required"] is True
    secret, _ = enrol(b, clock)
    assert b.get("/api/me").json()["mfa_enrolment_required"] is False
    assert b.get("/api/clinics/SUNRISE/patients").status == 200
    assert b.post("/api/me/mfa/disable", json={"password": DESK_PW}).json()["error"] == "mfa_required_by_clinic"
    assert login(gateway.browser(), "SmithF", DESK_PW).json()["mfa_required"] is True


def test_an_admin_resets_a_persons_2fa(gateway, admin, desk, clock):
    enrol(desk, clock)
    assert admin.get("/api/clinics/SUNRISE/staff/SmithF").json()["staff"]["mfa_enabled"] is True
    r = admin.post("/api/clinics/SUNRISE/staff/SmithF/reset-2fa")
    assert r.status == 200, r.text
    assert r.json()["staff"]["mfa_enabled"] is False
    assert desk.get("/api/me").status == 401   # signed out everywhere
    assert login(gateway.browser(), "SmithF", DESK_PW).json()["principal"]["username"] == "SmithF"
    assert admin.post("/api/clinics/SUNRISE/staff/SmithF/reset-2fa").status == 409
    events = admin.get("/api/clinics/SUNRISE/audit?kind=staff_mfa_reset").json()["items"]
    assert events and "SmithF" in events[0]["description"]


def test_an_admin_resets_a_portal_logins_2fa_and_the_person_is_emailed(gateway, admin, clock):
    from tests.conftest import PATIENT_PW

    b = gateway.browser()
    assert login(b, "ann@example.com", PATIENT_PW, login_type="patient").status == 200
    enrol(b, clock)
    rows = admin.get("/api/clinics/SUNRISE/portal-accounts").json()["items"]
    login_id = [r for r in rows if r["username"] == "ann@example.com"][0]["login"]["login_id"]
    r = admin.post(f"/api/clinics/SUNRISE/portal-logins/{login_id}/reset-2fa")
    assert r.status == 200, r.text
    assert b.get("/api/me").status == 401
    (mail,) = [m for m in sent_messages() if m.subject.endswith("two-factor authentication was reset")]
    assert mail.destinations["ToAddresses"] == ["ann@example.com"]
    assert "Sunrise Family Clinic" in mail.body and "/?clinicID=SUNRISE" in mail.body
