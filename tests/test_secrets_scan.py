"""Secrets scan: run the flows that handle secrets (logins with known passwords,
CAPTCHA tokens, device cookies, accounts created with temporary passwords, invitations whose
tokens arrive by email, password changes and resets, reset links by email), then dump every table and
every log line the portal wrote and check that none of the plain secrets (taken
from the actual replies, cookies and emails) appears in them."""
from __future__ import annotations

import logging

from tests.conftest import ADMIN_PW, DESK_PW, LAKE_PW, PATIENT_PW, login
from tests.portal_helpers import STRONG_PW, all_tables, rep_body, reset_token_in, sent_messages, token_in

WRONG_PW = "wrong-guess-password-1234"
NEW_ADMIN_PW = "amber-glacier-pelican-trumpet-77"
NEW_ANN_PW = "quiet-meadow-saxophone-harbor-42"
NEW_STAFF_PW = "copper-lighthouse-juniper-falcon-9"
REP_PW = STRONG_PW
NEW_RESET_PW = "saffron-tundra-kestrel-violin-5"
MIN_LINE = 16  # email body lines this long or longer are looked for on their own


class Secrets:
    def __init__(self):
        self.found: dict[str, str] = {}   # secret -> what it is

    def add(self, what: str, value):
        assert isinstance(value, str) and len(value) >= 8, (what, value)
        self.found.setdefault(value, what)

    def session_of(self, what: str, browser, reply=None):
        if reply is not None and reply.header("set-cookie"):
            self.add(f"{what} session cookie", browser.cookies["portal_session"])
        for name, value in browser.cookies.items():
            if name.startswith("portal_device_"):
                self.add(f"{what} device cookie", value)
        if reply is not None and reply.body and "session_token" in (reply.json() or {}):
            self.add(f"{what} bearer token", reply.json()["session_token"])


def signed_in(gateway, secrets, what, username, password, **kw):
    b = gateway.browser()
    r = login(b, username, password, **kw)
    assert r.status == 200, r.text
    secrets.add(f"{what} password", password)
    secrets.session_of(what, b, r)
    return b


def collect_email(secrets, message, what):
    body = message.body
    secrets.add(f"{what} email body", body)
    for line in body.splitlines():
        if len(line.strip()) >= MIN_LINE:
            secrets.add(f"{what} email line", line.strip())
    if "/invite?token=" in body:
        secrets.add(f"{what} invitation token", token_in(message))
    if "/reset?token=" in body:
        secrets.add(f"{what} reset token", reset_token_in(message))


def test_no_secret_is_stored_or_logged_in_clear(gateway, seeded, capsys, caplog):
    caplog.set_level(logging.DEBUG, logger="portal")
    caplog.set_level(logging.INFO)
    secrets = Secrets()
    anon = gateway.browser()
    assert anon.get("/api/health").status == 200
    mails = len(sent_messages())

    # Logins: staff (cookie), patient (bearer), the other clinic; a failed guess.
    admin = signed_in(gateway, secrets, "admin", "DoeJ", ADMIN_PW)
    desk = signed_in(gateway, secrets, "desk", "SmithF", DESK_PW)
    ann = gateway.browser()
    r = login(ann, "ann@example.com", PATIENT_PW, login_type="patient", session_delivery="bearer")
    assert r.status == 200, r.text
    secrets.add("patient password", PATIENT_PW)
    secrets.session_of("patient", ann, r)
    ann_auth = {"authorization": f"Bearer {r.json()['session_token']}"}
    assert login(anon, "DoeJ", WRONG_PW).status == 401
    secrets.add("wrong password", WRONG_PW)
    # The administrator's browser is now a trusted device: a wrong guess from it, and
    # a sign-in again (its device cookie is replaced by a new one).
    assert login(admin, "DoeJ", WRONG_PW).status == 401
    r = login(admin, "DoeJ", ADMIN_PW)
    assert r.status == 200, r.text
    secrets.session_of("admin (trusted device)", admin, r)

    # CAPTCHA: Lakeside turns it on; its admin signs in with a local token.
    lake = signed_in(gateway, secrets, "lakeside admin", "KimS", LAKE_PW, clinic="Lakeside")
    assert lake.patch("/api/clinics/Lakeside/settings", json={"captcha_required": True}).status == 200
    r = anon.post("/api/clinics/Lakeside/captcha/local-token")
    assert r.status == 201, r.text
    captcha = r.json()["token"]
    secrets.add("captcha token", captcha)
    b = gateway.browser()
    r = login(b, "KimS", LAKE_PW, clinic="Lakeside", captcha_token=captcha)
    assert r.status == 200, r.text
    secrets.session_of("lakeside admin (captcha)", b, r)

    # Staff created with a temporary password, who signs in and changes it.
    r = admin.post("/api/clinics/SUNRISE/staff", json={"username": "NewS", "first_name": "Nell",
                                                       "last_name": "Stone", "roles": ["clinician"]})
    assert r.status == 201, r.text
    creds = r.json()["credentials"]
    secrets.add("staff temporary password", creds["temporary_password"])
    secrets.add("staff credentials message", creds["message"])
    new = signed_in(gateway, secrets, "new staff", "NewS", creds["temporary_password"])
    r = new.post("/api/me/password", json={"current_password": creds["temporary_password"],
                                           "new_password": NEW_STAFF_PW})
    assert r.status == 204, r.text
    secrets.add("staff new password", NEW_STAFF_PW)
    # ... reset by the administrator: a second temporary password.
    r = admin.post("/api/clinics/SUNRISE/staff/NewS/reset-password")
    assert r.status == 200, r.text
    secrets.add("staff reset password", r.json()["credentials"]["temporary_password"])

    # Staff invited by email.
    r = admin.post("/api/clinics/SUNRISE/staff", json={"username": "InvI", "first_name": "Ivy",
                                                       "last_name": "Inman", "roles": ["front_desk"],
                                                       "email": "ivy@sunrise.example", "send_invitation": True})
    assert r.status == 201, r.text
    collect_email(secrets, sent_messages()[-1], "staff invitation")
    r = anon.post("/api/invitations/lookup", json={"token": token_in(sent_messages()[-1])})
    assert r.status == 200, r.text
    assert anon.post("/api/invitations/accept", json={"token": token_in(sent_messages()[-1]),
                                                      "password": NEW_ADMIN_PW + "x"}).status == 204
    secrets.add("invited staff password", NEW_ADMIN_PW + "x")

    # A representative invited by email, who accepts; the desk resends and resets.
    r = desk.post("/api/clinics/SUNRISE/portal-accounts", json=rep_body(username="rep.secret@example.com"))
    assert r.status == 201, r.text
    account = r.json()["account"]["account_id"]
    collect_email(secrets, sent_messages()[-1], "portal invitation")
    r = desk.post(f"/api/clinics/SUNRISE/portal-accounts/{account}/resend-invitation")
    assert r.status == 200, r.text
    collect_email(secrets, sent_messages()[-1], "resent portal invitation")
    assert anon.post("/api/invitations/accept", json={"token": token_in(sent_messages()[-1]),
                                                      "password": REP_PW}).status == 204
    secrets.add("representative password", REP_PW)
    signed_in(gateway, secrets, "representative", "rep.secret@example.com", REP_PW, login_type="patient")
    r = desk.post(f"/api/clinics/SUNRISE/portal-accounts/{account}/reset-password")
    assert r.status == 200, r.text
    if "credentials" in r.json():
        secrets.add("portal reset password", r.json()["credentials"]["temporary_password"])
        secrets.add("portal credentials message", r.json()["credentials"]["message"])
    if len(sent_messages()) > mails:
        for i, message in enumerate(sent_messages()[mails:]):
            collect_email(secrets, message, f"email {i}")

    # Password changes: the administrator (cookie) and the patient (bearer).
    assert admin.post("/api/me/password", json={"current_password": WRONG_PW,
                                                "new_password": NEW_ADMIN_PW}).status == 400
    assert admin.post("/api/me/password", json={"current_password": ADMIN_PW,
                                                "new_password": NEW_ADMIN_PW}).status == 204
    secrets.add("admin new password", NEW_ADMIN_PW)
    assert ann.post("/api/me/password", headers=ann_auth,
                    json={"current_password": PATIENT_PW, "new_password": NEW_ANN_PW}).status == 204
    secrets.add("patient new password", NEW_ANN_PW)
    assert ann.post("/api/logout", headers=ann_auth).status == 204
    assert desk.post("/api/logout").status == 204

    # Forgot password: the reset link by email, a new password with it; a username reminder.
    mails = len(sent_messages())
    assert anon.post("/api/clinics/SUNRISE/password/forgot",
                     json={"login_type": "staff", "username": "DoeJ"}).status == 202
    reset_link = sent_messages()[-1]
    r = anon.post("/api/password/reset", json={"token": reset_token_in(reset_link), "password": NEW_RESET_PW})
    assert r.status == 204, r.text
    secrets.add("password chosen with a reset link", NEW_RESET_PW)
    assert anon.post("/api/clinics/SUNRISE/username/forgot", json={"email": "jane@sunrise.example"}).status == 202
    for i, message in enumerate(sent_messages()[mails:]):
        collect_email(secrets, message, f"recovery email {i}")

    # Two-factor authentication: the secret (as text and in its URI), the password step's
    # token, recovery codes (first and regenerated), the sign-in with one, the security emails.
    mails = len(sent_messages())
    _two_factor(gateway, secrets)
    for i, message in enumerate(sent_messages()[mails:]):
        collect_email(secrets, message, f"two-factor email {i}")

    # An EHR integration key: shown once, then used (a write and a refused, wrong secret) and revoked.
    keeper = signed_in(gateway, secrets, "admin after reset", "DoeJ", NEW_RESET_PW)
    r = keeper.post("/api/clinics/SUNRISE/integration-keys", json={"name": "Scan EHR", "scopes": ["patients"]})
    assert r.status == 201, r.text
    key = r.json()["key"]
    secrets.add("integration key", key)
    secrets.add("integration key secret", key[37:])   # cpk_ + 32 hex digits + _
    ehr = gateway.browser(origin=None)
    body = {"familyName": "Scan", "givenName": "Sam", "birthDate": "1990-01-02"}
    assert ehr.put("/api/integration/v1/patients/SCAN-1", json=body,
                   headers={"authorization": f"Bearer {key}"}).status == 201
    assert ehr.put("/api/integration/v1/patients/SCAN-1", json=body,
                   headers={"authorization": f"Bearer {key[:-4]}AAAA"}).status == 401
    key_id = r.json()["integration_key"]["key_id"]
    assert keeper.post(f"/api/clinics/SUNRISE/integration-keys/{key_id}/revoke").status == 200

    # The dumps.
    tables = all_tables()
    captured = capsys.readouterr()
    log_lines = (captured.out.splitlines() + captured.err.splitlines()
                 + [r.getMessage() for r in caplog.records] + caplog.text.splitlines())
    assert any('"event":"request"' in line for line in log_lines), "no request log line was captured"
    assert len(tables) >= 8 and sum(map(len, tables.values())) >= 20, {t: len(v) for t, v in tables.items()}
    kinds = set(secrets.found.values())
    assert sum("email body" in k for k in kinds) >= 3 and sum("session" in k or "bearer" in k for k in kinds) >= 6
    assert sum("device cookie" in k for k in kinds) >= 4
    assert any("reset token" in k for k in kinds)
    assert {"TOTP secret", "2FA token", "recovery code", "new recovery code"} <= kinds

    problems = []
    for secret, what in secrets.found.items():
        for table, items in tables.items():
            if any(secret in item for item in items):
                problems.append(f"{what} is stored in clear in {table}")
        hits = [line for line in log_lines if secret in line]
        if hits:
            problems.append(f"{what} is in the logs: {hits[0][:200]}")
    print(f"\nsecrets scan: {len(secrets.found)} secrets ({len(kinds)} kinds) checked against "
          f"{len(tables)} tables ({sum(map(len, tables.values()))} items) and {len(log_lines)} log lines")
    assert not problems, "\n".join(problems)


def _two_factor(gateway, secrets) -> None:
    import time

    import pyotp

    from tests.conftest import CLINICIAN_PW

    b = signed_in(gateway, secrets, "clinician", "PatelR", CLINICIAN_PW)
    setup = b.post("/api/me/mfa/setup").json()
    secrets.add("TOTP secret", setup["secret"])
    secrets.add("TOTP URI", setup["otpauth_uri"])
    totp = pyotp.TOTP(setup["secret"])
    r = b.post("/api/me/mfa/confirm", json={"code": totp.now()})
    assert r.status == 200, r.text
    for code in r.json()["recovery_codes"]:
        secrets.add("recovery code", code)
    r = login(gateway.browser(), "PatelR", CLINICIAN_PW)
    secrets.add("2FA token", r.json()["mfa_token"])
    signer = gateway.browser()
    r = signer.post("/api/clinics/SUNRISE/login/mfa", json={"mfa_token": r.json()["mfa_token"],
                                                            "recovery_code": code})
    assert r.status == 200, r.text
    secrets.session_of("clinician (2FA)", signer, r)
    r = b.post("/api/me/mfa/recovery-codes", json={"code": totp.at(time.time() + 30)})
    assert r.status == 200, r.text
    for code in r.json()["recovery_codes"]:
        secrets.add("new recovery code", code)
