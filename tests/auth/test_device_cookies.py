"""Device cookies (OWASP): typing wrong passwords for someone's username cannot lock
them out of a browser they have signed in on before. Failures from that browser
count against it alone; every other client is locked per username as before."""
import pytest

from tests.auth.test_lockout_burst import burst, verified  # noqa: F401  (fixture)
from tests.conftest import ADMIN_PW, DESK_PW, LAKE_PW, PATIENT_PW, login, table_items

WRONG = "definitely-wrong-pw"
LOGIN_PATH = "/api/clinics/SUNRISE/login"


def device_name(username="doej", login_type="staff", clinic="sunrise"):
    from chalicelib.auth.devices import cookie_name

    return cookie_name(clinic, login_type, username)


def signed_in_before(gateway, username="DoeJ", password=ADMIN_PW, **kw):
    """A browser that signed in as the person and signed out again: it keeps the device cookie."""
    b = gateway.browser(source_ip="198.51.100.10")
    r = login(b, username, password, **kw)
    assert r.status == 200, r.text
    assert b.post("/api/logout").status == 204
    return b


def lock_out(gateway, username="DoeJ", **kw):
    """An attacker, elsewhere and without a cookie, types five wrong passwords."""
    attacker = gateway.browser(source_ip="203.0.113.99")
    for _ in range(5):
        assert login(attacker, username, WRONG, **kw).status == 401
    assert login(attacker, username, WRONG, **kw).status == 429
    return attacker


def login_outcomes():
    return [((e.get("details") or {}).get("M", {}).get("device", {}).get("S"), e["outcome"]["S"])
            for e in sorted(table_items("audit_events"), key=lambda e: e["event_key"]["S"])
            if e["kind"]["S"] == "login"]


def test_a_locked_username_still_signs_in_from_a_browser_it_used_before(gateway, seeded):
    desk = signed_in_before(gateway)
    attacker = lock_out(gateway)
    assert login(attacker, "DoeJ", ADMIN_PW).status == 429        # untrusted clients stay locked
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 429
    r = login(desk, "DoeJ", ADMIN_PW)
    assert r.status == 200, r.text
    assert desk.get("/api/me").json()["principal"]["username"] == "DoeJ"
    assert login(attacker, "DoeJ", ADMIN_PW).status == 429         # the user's success lifts nothing for them
    outcomes = login_outcomes()
    assert outcomes[0] == ("untrusted", "succeeded") and outcomes[-2:] == [("trusted", "succeeded"),
                                                                           ("untrusted", "locked")]
    assert outcomes.count(("untrusted", "failed")) == 5


def test_the_device_cookie_is_http_only_strict_scoped_to_the_login_url_and_expires(gateway, seeded):
    b = gateway.browser()
    r = login(b, "DoeJ", ADMIN_PW)
    assert isinstance(r.headers["Set-Cookie"], list)     # multiValueHeaders: one line per cookie
    session, device = r.header_values("set-cookie")
    assert session.startswith("portal_session=")
    name = device_name()
    assert device.startswith(name + "=")
    assert "; Path=/api/clinics/SUNRISE/login;" in device
    assert "HttpOnly" in device and "SameSite=Strict" in device and "Max-Age=7776000" in device
    assert "Secure" not in device                       # the test stage is plain http
    token = b.cookies[name]
    assert b.cookie_paths[name] == LOGIN_PATH
    # only its hash is stored, as the device's counter; nothing of it in the audit log
    keys = [i["counter_key"]["S"] for i in table_items("login_counters")]
    assert [k for k in keys if k.startswith("device#")] == [f"device#sunrise#{_sha(token)}"]
    assert all(token not in repr(i) for t in ("login_counters", "audit_events", "sessions")
               for i in table_items(t))


def test_the_device_cookie_is_secure_on_deployed_stages(gateway, seeded, stage):
    stage(PORTAL_STAGE="dev", PORTAL_TABLE_PREFIX="test-", PORTAL_CAPTCHA_PROVIDER="recaptcha")
    r = login(gateway.browser(), "DoeJ", ADMIN_PW)
    assert r.status == 200
    assert all("; Secure" in c for c in r.header_values("set-cookie"))


def _sha(token):
    from chalicelib.core.ids import hash_token

    return hash_token(token)


def test_failures_from_a_trusted_browser_lock_only_that_browser(gateway, seeded, clock):
    desk = signed_in_before(gateway)
    for _ in range(5):
        assert login(desk, "DoeJ", WRONG).status == 401
    r = login(desk, "DoeJ", ADMIN_PW)
    assert r.status == 429 and int(r.header("retry-after")) == 15 * 60
    # the username is not locked: other browsers, and other people at this one, sign in
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 200
    assert login(desk, "SmithF", DESK_PW).status == 200
    assert [r for r in table_items("login_counters")
            if r["counter_key"]["S"] == "user#sunrise#staff#doej"][0]["failures"]["N"] == "0"
    clock.advance(15 * 60)
    assert login(desk, "DoeJ", WRONG).status == 401                # one more try, then twice as long
    r = login(desk, "DoeJ", ADMIN_PW)
    assert r.status == 429 and int(r.header("retry-after")) == 30 * 60
    clock.advance(30 * 60)
    assert login(desk, "DoeJ", ADMIN_PW).status == 200


def test_a_trusted_browsers_failures_are_forgotten_after_two_days(gateway, seeded, clock):
    desk = signed_in_before(gateway)
    for _ in range(4):
        assert login(desk, "DoeJ", WRONG).status == 401
    clock.advance(2 * 24 * 3600)
    for _ in range(4):
        assert login(desk, "DoeJ", WRONG).status == 401
    assert login(desk, "DoeJ", ADMIN_PW).status == 200


def _cookie_of(gateway, username, password, **kw):
    b = gateway.browser()
    assert login(b, username, password, **kw).status == 200
    return next(v for k, v in b.cookies.items() if k.startswith("portal_device_"))


@pytest.mark.parametrize("case", ["forged", "malformed", "other_person", "other_clinic", "other_login_type",
                                  "expired", "replayed_after_rotation"])
def test_a_cookie_that_is_not_this_persons_gives_no_trust(gateway, seeded, clock, case):
    desk = gateway.browser()
    name = device_name()
    if case == "forged":
        token = f"{clock.t}." + "A" * 43
    elif case == "malformed":
        token = "x" * 5000
    elif case == "other_person":
        token = _cookie_of(gateway, "SmithF", DESK_PW)
    elif case == "other_clinic":
        token = _cookie_of(gateway, "KimS", LAKE_PW, clinic="Lakeside")
    elif case == "other_login_type":
        token = _cookie_of(gateway, "ann@example.com", PATIENT_PW, login_type="patient")
    elif case == "expired":
        token = _cookie_of(gateway, "DoeJ", ADMIN_PW)
        clock.advance(90 * 24 * 3600)
    else:  # a stolen cookie, used after its owner signed in again (which issued a new one)
        owner = gateway.browser()
        assert login(owner, "DoeJ", ADMIN_PW).status == 200
        token = owner.cookies[name]
        assert login(owner, "DoeJ", ADMIN_PW).status == 200 and owner.cookies[name] != token
    desk.cookies[name] = token
    desk.cookie_paths[name] = LOGIN_PATH
    attacker = lock_out(gateway)
    r = login(desk, "DoeJ", ADMIN_PW)
    assert r.status == 429, r.text
    assert login(attacker, "DoeJ", ADMIN_PW).status == 429


@pytest.mark.parametrize("change", ["reset_password", "disable_then_enable"])
def test_a_staff_reset_or_disable_stops_trusting_the_old_device_cookie(gateway, seeded, admin, change):
    from tests.conftest import DESK_PW

    desk = signed_in_before(gateway, "SmithF", DESK_PW)
    if change == "reset_password":
        r = admin.post("/api/clinics/SUNRISE/staff/smithf/reset-password")
        assert r.status == 200, r.text
        password = r.json()["credentials"]["temporary_password"]
    else:
        assert admin.post("/api/clinics/SUNRISE/staff/smithf/disable").status == 200
        assert admin.post("/api/clinics/SUNRISE/staff/smithf/enable").status == 200
        password = DESK_PW
    lock_out(gateway, "SmithF")
    assert login(desk, "SmithF", password).status == 429


def test_a_patient_keeps_access_from_their_own_browser(gateway, seeded):
    own = signed_in_before(gateway, "ann@example.com", PATIENT_PW, login_type="patient")
    lock_out(gateway, "ann@example.com", login_type="patient")
    assert login(own, "Ann@Example.com", PATIENT_PW, login_type="patient").status == 200


def test_bearer_delivery_neither_gets_nor_uses_a_device_cookie(gateway, seeded):
    desk = signed_in_before(gateway)
    r = login(desk, "DoeJ", ADMIN_PW, session_delivery="bearer")
    assert r.status == 200 and r.header("set-cookie") is None and "device" not in r.text
    lock_out(gateway)
    assert login(desk, "DoeJ", ADMIN_PW, session_delivery="bearer").status == 429
    assert login(desk, "DoeJ", ADMIN_PW).status == 200


def test_a_trusted_login_is_still_three_dynamodb_requests(gateway, seeded, aws_calls):
    desk = signed_in_before(gateway)
    lock_out(gateway)
    aws_calls.reset()
    assert login(desk, "DoeJ", ADMIN_PW).status == 200
    assert aws_calls.count(service="dynamodb") == 3
    assert aws_calls.count(operation="TransactGetItems") == 1
    assert aws_calls.count(operation="TransactWriteItems") == 2


def test_one_browser_keeps_at_most_max_cookies(gateway, seeded, clock, monkeypatch):
    from chalicelib.auth import devices

    monkeypatch.setattr(devices, "MAX_COOKIES", 2)
    desk = gateway.browser()
    for username, password in (("DoeJ", ADMIN_PW), ("SmithF", DESK_PW), ("DoeJ", ADMIN_PW)):
        assert login(desk, username, password).status == 200
        clock.advance(60)
    from tests.conftest import CLINICIAN_PW

    r = login(desk, "PatelR", CLINICIAN_PW)       # a third person: the least recently issued goes
    assert r.status == 200
    assert sorted(k for k in desk.cookies if k.startswith("portal_device_")) == sorted(
        [device_name("doej"), device_name("patelr")])
    assert any(c.startswith(device_name("smithf") + "=;") and "Max-Age=0" in c for c in r.header_values("set-cookie"))


@pytest.mark.parametrize("size", [12, 20])
def test_a_burst_with_one_device_cookie_verifies_at_most_threshold_passwords(
        gateway, seeded, atomic_dynamodb, verified, size):  # noqa: F811
    desk = signed_in_before(gateway)
    verified.clear()
    copies = []
    for _ in range(size):
        b = gateway.browser(source_ip=desk.source_ip)
        b.cookies, b.cookie_paths = dict(desk.cookies), dict(desk.cookie_paths)
        copies.append(b)
    statuses = [r.status for r in burst([lambda b=b: login(b, "DoeJ", WRONG) for b in copies])]
    assert len(verified) == 5, statuses
    assert statuses.count(401) == 5 and statuses.count(429) == size - 5
    assert login(desk, "DoeJ", ADMIN_PW).status == 429                   # that device is locked
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 200      # the username is not


def test_a_deleted_and_re_created_account_does_not_inherit_the_old_device_cookie(gateway, seeded):
    from tests.portal_helpers import ACCOUNTS, STRONG_PW, accept, desk, invite_rep

    staff = desk(gateway)
    account, token = invite_rep(staff, username="rep.device@example.com")
    assert accept(gateway.browser(), token).status == 204
    own = signed_in_before(gateway, "rep.device@example.com", STRONG_PW, login_type="patient")
    assert staff.delete(f"{ACCOUNTS}/{account['account_id']}").status == 204
    _, token = invite_rep(staff, username="rep.device@example.com")
    assert accept(gateway.browser(), token).status == 204
    lock_out(gateway, "rep.device@example.com", login_type="patient")
    assert login(own, "rep.device@example.com", STRONG_PW, login_type="patient").status == 429
