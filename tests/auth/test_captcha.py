"""CAPTCHA: checked before any password, local single-use tokens, reCAPTCHA siteverify."""
import json

import pytest

from tests.conftest import ADMIN_PW, aws_client, login, table_items


@pytest.fixture
def captcha_clinic(seeded):
    from chalicelib.models import ClinicModel

    ClinicModel.get("sunrise").update(actions=[ClinicModel.settings["captcha_required"].set(True)])


def local_token(browser, clinic="SUNRISE"):
    r = browser.post(f"/api/clinics/{clinic}/captcha/local-token")
    assert r.status == 201
    return r.json()["token"]


def test_clinic_lookup_says_whether_a_captcha_is_needed(browser, captcha_clinic):
    r = browser.get("/api/clinics/sunrise")
    assert r.json() == {"clinic_id": "SUNRISE", "name": "Sunrise Family Clinic",
                        "captcha": {"required": True, "provider": "local", "site_key": None},
                        "password_policy": {"min_length": 12, "min_classes": 0}}
    assert browser.get("/api/clinics/lakeside").json()["captcha"]["required"] is False


def test_missing_or_bad_captcha_is_rejected_before_the_password_is_checked(browser, captcha_clinic):
    for extra in ({}, {"captcha_token": ""}, {"captcha_token": "made-up"}, {"captcha_token": 12}):
        r = login(browser, "DoeJ", ADMIN_PW, **extra)
        assert r.status == 400 and r.json()["error"] == "captcha_invalid"
    # nothing was counted against the username, no session was made
    assert table_items("login_counters") == [] and table_items("sessions") == []


def test_a_local_token_works_once(browser, captcha_clinic):
    token = local_token(browser)
    assert login(browser, "DoeJ", ADMIN_PW, captcha_token=token).status == 200
    r = login(browser, "DoeJ", ADMIN_PW, captcha_token=token)
    assert r.status == 400 and r.json()["error"] == "captcha_invalid"


def test_a_local_token_is_for_one_clinic_and_expires(browser, captcha_clinic, clock):
    from chalicelib.models import ClinicModel

    ClinicModel.get("lakeside").update(actions=[ClinicModel.settings["captcha_required"].set(True)])
    other = local_token(browser, "LAKESIDE")
    assert login(browser, "DoeJ", ADMIN_PW, captcha_token=other).status == 400
    token = local_token(browser)
    clock.advance(121)
    assert login(browser, "DoeJ", ADMIN_PW, captcha_token=token).status == 400


def test_the_local_widget_does_not_exist_on_recaptcha_stages(browser, captcha_clinic, stage):
    stage(PORTAL_STAGE="staging", PORTAL_TABLE_PREFIX="test-", PORTAL_CAPTCHA_PROVIDER="recaptcha",
          PORTAL_PUBLIC_BASE_URL="http://127.0.0.1:8000")
    assert browser.post("/api/clinics/SUNRISE/captcha/local-token").status == 404


def test_the_local_verifier_is_refused_on_deployed_stages(stage):
    from chalicelib.core.settings import get_settings

    stage(PORTAL_STAGE="prod", PORTAL_CAPTCHA_PROVIDER="local")
    with pytest.raises(RuntimeError):
        get_settings()


class FakeSiteverify:
    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.requests = answer, error, []

    def __call__(self, request):
        from urllib.parse import parse_qs

        self.requests.append((request.full_url, parse_qs(request.data.decode())))
        if self.error:
            raise self.error
        return json.dumps(self.answer).encode()


@pytest.fixture
def recaptcha(captcha_clinic, stage, monkeypatch):
    from chalicelib.auth import captcha

    stage(PORTAL_STAGE="staging", PORTAL_TABLE_PREFIX="test-", PORTAL_CAPTCHA_PROVIDER="recaptcha",
          PORTAL_RECAPTCHA_SITE_KEY="site-key-123", PORTAL_RECAPTCHA_SECRET_PARAMETER="/portal/test/recaptcha",
          PORTAL_PUBLIC_BASE_URL="https://portal.example")
    aws_client("ssm").put_parameter(Name="/portal/test/recaptcha", Value="the-secret", Type="SecureString")
    captcha._secret_cache.clear()

    def install(**kw):
        fake = FakeSiteverify(**kw)
        monkeypatch.setattr(captcha, "_post", fake)
        return fake
    yield install
    captcha._secret_cache.clear()


def deployed_browser(gateway):
    return gateway.browser(origin="https://portal.example")


def test_recaptcha_success_lets_the_login_through(gateway, recaptcha):
    fake = recaptcha(answer={"success": True, "hostname": "portal.example"})
    b = deployed_browser(gateway)
    assert b.get("/api/clinics/SUNRISE").json()["captcha"] == {
        "required": True, "provider": "recaptcha", "site_key": "site-key-123"}
    r = login(b, "DoeJ", ADMIN_PW, captcha_token="g-response")
    assert r.status == 200
    url, form = fake.requests[0]
    assert url == "https://www.google.com/recaptcha/api/siteverify"
    assert form == {"secret": ["the-secret"], "response": ["g-response"], "remoteip": [b.source_ip]}


@pytest.mark.parametrize("answer", [
    {"success": False, "error-codes": ["invalid-input-response"]},
    {"success": True, "hostname": "evil.example"},
])
def test_recaptcha_rejection(gateway, recaptcha, answer):
    recaptcha(answer=answer)
    r = login(deployed_browser(gateway), "DoeJ", ADMIN_PW, captcha_token="g-response")
    assert r.status == 400 and r.json()["error"] == "captcha_invalid"


def test_recaptcha_outage_is_a_503_not_a_pass(gateway, recaptcha):
    recaptcha(error=OSError("unreachable"))
    r = login(deployed_browser(gateway), "DoeJ", ADMIN_PW, captcha_token="g-response")
    assert r.status == 503 and r.json()["error"] == "captcha_unavailable" and r.header("retry-after")
    assert table_items("sessions") == []


def test_recaptcha_secret_is_read_once_per_container(gateway, recaptcha, aws_calls):
    recaptcha(answer={"success": True, "hostname": "portal.example"})
    for _ in range(3):
        login(deployed_browser(gateway), "DoeJ", ADMIN_PW, captcha_token="g")
    assert aws_calls.count("ssm", "GetParameter") == 1
