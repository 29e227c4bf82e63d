"""What is stored: never a password or a token in plain text; failures leave nothing half-written."""
import pytest

from tests.conftest import ADMIN_PW, PATIENT_PW, SEED, login, table_items

TABLES = ("clinics", "staff", "patients", "portal_accounts", "portal_usernames", "sessions",
          "login_counters", "tokens", "audit_events")


def test_no_password_or_token_is_stored_in_plain_text(gateway, seeded):
    from chalicelib.models import ClinicModel

    ClinicModel.get("sunrise").update(actions=[ClinicModel.settings["captcha_required"].set(True)])
    secrets = {e["password"] for e in SEED["staff"]} | {PATIENT_PW}
    b = gateway.browser()
    unused_captcha = b.post("/api/clinics/SUNRISE/captcha/local-token").json()["token"]
    captcha = b.post("/api/clinics/SUNRISE/captcha/local-token").json()["token"]
    login(b, "DoeJ", "typo-" + ADMIN_PW, captcha_token=captcha)
    captcha = b.post("/api/clinics/SUNRISE/captcha/local-token").json()["token"]
    assert login(b, "DoeJ", ADMIN_PW, captcha_token=captcha).status == 200
    bearer = login(gateway.browser(), "DoeJ", ADMIN_PW, session_delivery="bearer",
                   captcha_token=b.post("/api/clinics/SUNRISE/captcha/local-token").json()["token"])
    secrets |= {"typo-" + ADMIN_PW, b.cookies["portal_session"], bearer.json()["session_token"], unused_captcha}
    dump = "\n".join(repr(table_items(t)) for t in TABLES)
    for secret in secrets:
        assert secret not in dump, "a secret is stored in plain text"
    hashes = [i["password_hash"]["S"] for i in table_items("staff")]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)


def test_a_dynamodb_outage_is_a_503_and_leaves_nothing_half_written(gateway, seeded, monkeypatch):
    import botocore.client
    from botocore.exceptions import ClientError

    original = botocore.client.BaseClient._make_api_call

    def failing(self, operation, params):
        if operation == "TransactWriteItems":
            raise ClientError({"Error": {"Code": "InternalServerError", "Message": "boom"}}, operation)
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", failing)
    b = gateway.browser()
    r = login(b, "DoeJ", ADMIN_PW)
    assert r.status == 503
    assert r.json() == {"error": "service_unavailable",
                        "message": "The service is briefly unavailable. Please try again in a moment."}
    assert r.header("retry-after") and r.header("set-cookie") is None
    assert table_items("sessions") == []
    assert [e for e in table_items("audit_events") if e["outcome"]["S"] == "succeeded"] == []
    monkeypatch.undo()
    assert login(b, "DoeJ", ADMIN_PW).status == 200


def test_an_unexpected_error_is_a_500_in_the_documented_shape_without_a_trace(gateway, seeded, monkeypatch):
    from chalicelib.auth import login as use_case

    def broken(*a, **k):
        raise ZeroDivisionError("secret internals")

    monkeypatch.setattr(use_case, "login", broken)
    r = login(gateway.browser(), "DoeJ", ADMIN_PW)
    assert r.status == 500
    assert r.json()["error"] == "internal_error"
    assert "secret internals" not in r.text and "Traceback" not in r.text


@pytest.mark.parametrize("path", ["/api/health"])
def test_health(browser, aws, path):
    r = browser.get(path)
    assert r.status == 200 and r.json() == {"status": "ok"}
