"""Staff and patient login: success, the one identical 401, portal access, bad input."""
import json

import pytest

from tests.conftest import ADMIN_PW, CLINICIAN_PW, PATIENT_PW, login, table_items


def set_attrs(model_name, keys, **attrs):
    from chalicelib import models

    model = getattr(models, model_name)
    item = model.get(*keys)
    for k, v in attrs.items():
        setattr(item, k, v)
    item.save()


def test_staff_login_sets_a_strict_http_only_cookie(browser, seeded):
    r = login(browser, "DoeJ", ADMIN_PW)
    assert r.status == 200
    body = r.json()
    assert body["password_change_required"] is False
    assert body["principal"] == {
        "kind": "staff", "clinic_id": "SUNRISE", "username": "DoeJ", "display_name": "Jane Doe",
        "roles": ["admin"],
        "permissions": ["appointments.manage", "audit.view", "billing.manage", "clinic.settings", "documents.manage",
                        "forms.review", "medications.manage", "messages.manage", "patients.manage",
                        "portal_accounts.manage", "refills.manage", "staff.manage"],
    }
    cookie = r.header("set-cookie")
    assert cookie.startswith("portal_session=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # the test stage is served over plain http
    assert "session_token" not in body


def test_cookie_is_secure_on_deployed_stages(gateway, seeded, stage):
    stage(PORTAL_STAGE="dev", PORTAL_TABLE_PREFIX="test-", PORTAL_CAPTCHA_PROVIDER="recaptcha")
    r = login(gateway.browser(), "DoeJ", ADMIN_PW)
    assert r.status == 200
    assert "; Secure" in r.header("set-cookie")
    assert r.header("strict-transport-security")


@pytest.mark.parametrize("clinic,username", [("sunrise", "doej"), ("Sunrise", "DOEJ"), ("SUNRISE", " DoeJ ")])
def test_clinic_and_staff_username_match_case_insensitively(browser, seeded, clinic, username):
    r = login(browser, username, ADMIN_PW, clinic=clinic)
    assert r.status == 200
    assert r.json()["principal"]["clinic_id"] == "SUNRISE"


def test_patient_logs_in_by_email_in_any_case(browser, seeded):
    r = login(browser, "Ann@Example.COM", PATIENT_PW, login_type="patient")
    assert r.status == 200
    p = r.json()["principal"]
    assert p["kind"] == "patient" and p["patient_id"] == "P100" and p["access_type"] == "self"
    assert p["permissions"] == ["appointments", "messages"]


def test_bearer_delivery_returns_a_token_instead_of_a_cookie(gateway, seeded):
    b = gateway.browser()
    r = login(b, "DoeJ", ADMIN_PW, session_delivery="bearer")
    assert r.status == 200 and r.header("set-cookie") is None
    token = r.json()["session_token"]
    api = gateway.browser(origin=None)
    assert api.get("/api/me").status == 401
    me = api.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status == 200 and me.json()["principal"]["username"] == "DoeJ"


def _failure(gateway, **kw):
    b = gateway.browser()
    r = login(b, **kw)
    headers = {k.lower(): v for k, v in r.headers.items() if k.lower() not in ("date",)}
    return r.status, r.body, headers


def test_every_credential_failure_is_one_identical_401(gateway, seeded):
    set_attrs("StaffModel", ("sunrise", "patelr"), enabled=False)
    cases = [
        dict(username="nobody", password="whatever-password"),                 # unknown user
        dict(username="DoeJ", password="wrong-password-here"),                # wrong password
        dict(username="DoeJ", password=ADMIN_PW, login_type="patient"),        # staff on Patient tab
        dict(username="ann@example.com", password=PATIENT_PW),                 # patient on Staff tab
        dict(username="PatelR", password=CLINICIAN_PW),                        # disabled account
        dict(username="ghost@example.com", password="x" * 20, login_type="patient"),
    ]
    results = {_failure(gateway, **{"login_type": "staff", **c})[1] for c in cases}
    statuses = {_failure(gateway, **{"login_type": "staff", **c})[0] for c in cases}
    headers = [_failure(gateway, **{"login_type": "staff", **c})[2] for c in cases]
    assert statuses == {401}
    assert len(results) == 1, results
    assert all(h == headers[0] for h in headers)
    body = json.loads(results.pop())
    assert body["error"] == "invalid_credentials"
    assert "Incorrect username or password" in body["message"]
    assert "Staff Login tab" in body["message"]


def test_disabled_patient_account_gets_the_same_401(gateway, seeded):
    from chalicelib.models import PortalAccountModel

    acct = next(iter(PortalAccountModel.by_clinic.query("sunrise")))
    set_attrs("PortalAccountModel", ("sunrise", acct.account_id), status="disabled", enabled=False)
    wrong = _failure(gateway, login_type="patient", username="ann@example.com", password="nope-nope-nope")
    disabled = _failure(gateway, login_type="patient", username="ann@example.com", password=PATIENT_PW)
    assert wrong == disabled and disabled[0] == 401


def test_staff_with_portal_access_off_gets_a_distinct_403_only_with_the_right_password(browser, seeded):
    r = login(browser, "NoAccessN", CLINICIAN_PW)
    assert r.status == 403
    assert r.json()["error"] == "portal_access_disabled"
    assert "Staff Portal access" in r.json()["message"]
    assert r.header("set-cookie") is None
    wrong = login(browser, "NoAccessN", "not-the-password")
    assert wrong.status == 401 and wrong.json()["error"] == "invalid_credentials"


def test_unknown_clinic_is_404(browser, seeded):
    r = login(browser, "DoeJ", ADMIN_PW, clinic="NOWHERE")
    assert r.status == 404 and r.json()["error"] == "clinic_not_found"


BAD_BODIES = [
    (b"not json", "application/json", 400, "invalid_json"),
    (b"[1, 2]", "application/json", 400, "invalid_json"),
    (b'{"login_type": "staff", "username": "DoeJ"}', "application/json", 400, "invalid_request"),
    (b'{"login_type": "admin", "username": "DoeJ", "password": "x"}', "application/json", 400, "invalid_request"),
    (b'{"login_type": "staff", "username": 7, "password": "x"}', "application/json", 400, "invalid_request"),
    (b'{"login_type": "staff", "username": "DoeJ", "password": "x", "is_admin": true}', "application/json",
     400, "invalid_request"),
    (b'{"login_type": "staff", "username": "", "password": "x"}', "application/json", 400, "invalid_request"),
    (b'{"login_type": "staff", "username": "DoeJ", "password": "' + b"p" * 20000 + b'"}', "application/json",
     400, "body_too_large"),
    (b'{"login_type": "staff", "username": "' + b"u" * 300 + b'", "password": "x"}', "application/json",
     400, "invalid_request"),
    (b'\xff\xfe{}', "application/json", 400, "invalid_json"),
    (b'login_type=staff', "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
]


@pytest.mark.parametrize("raw,ctype,status,code", BAD_BODIES)
def test_malformed_login_bodies_get_a_clear_error_and_change_nothing(browser, seeded, raw, ctype, status, code):
    r = browser.post("/api/clinics/SUNRISE/login", body=raw, headers={"content-type": ctype})
    assert r.status == status, r.text
    body = r.json()
    assert body["error"] == code and isinstance(body["message"], str) and body["message"]
    assert table_items("login_counters") == []
    assert table_items("audit_events") == []
    assert table_items("sessions") == []


def test_wrong_origin_is_refused_before_anything_is_checked(gateway, seeded):
    evil = gateway.browser(origin="https://evil.example")
    r = login(evil, "DoeJ", ADMIN_PW)
    assert r.status == 403 and r.json()["error"] == "origin_mismatch"
    assert table_items("sessions") == []


def test_disabled_staff_with_portal_access_off_gets_the_generic_401_even_with_the_right_password(
        admin, gateway):
    """Only an enabled account learns its portal access is off: a disabled one,
    whatever its access switch, gets the same 401 as a wrong password."""
    r = admin.post("/api/clinics/SUNRISE/staff/noaccessn/disable")
    assert r.status == 200, r.text
    assert r.json()["staff"]["portal_access"] is False
    right = login(gateway.browser(), "NoAccessN", CLINICIAN_PW)
    wrong = login(gateway.browser(), "NoAccessN", "not-the-password")
    assert right.status == 401 and right.json()["error"] == "invalid_credentials"
    assert right.json() == wrong.json()
    assert right.header("set-cookie") is None
