"""Revocation is a read, not a sweep: a change that must end a person's sessions
(or send them to the password change) takes effect on the very next request, even
when the `by_principal` index (eventually consistent on real DynamoDB) has not yet
seen the session, so the clean-up sweep finds nothing."""
import pytest

from tests.conftest import ADMIN_PW, DESK_PW, PATIENT_PW, login
from tests.portal_helpers import ACCOUNTS, ann_account_id

STAFF = "/api/clinics/SUNRISE/staff"
STRONG = "violet-harbor-lantern-91"


@pytest.fixture
def blind_index(monkeypatch):
    """The by_principal index has not caught up: every sweep finds no session."""
    from chalicelib.auth import sessions

    monkeypatch.setattr(sessions, "other_sessions", lambda principal, keep_hash=None: [])


def signed_in(gateway, username, password, **kwargs):
    b = gateway.browser()
    assert login(b, username, password, **kwargs).status == 200
    return b


def desk(gateway):
    return signed_in(gateway, "SmithF", DESK_PW)


def ann(gateway):
    return signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient")


def refused(b) -> bool:
    return b.get("/api/me").status == 401


# ---------------------------------------------------------------- staff

@pytest.mark.parametrize("action", ["disable", "reset-password"])
def test_staff_disable_or_reset_ends_a_session_the_sweep_missed(admin, gateway, blind_index, action):
    frank = desk(gateway)
    assert frank.get("/api/me").status == 200
    assert admin.post(f"{STAFF}/smithf/{action}").status == 200
    assert refused(frank)
    assert frank.get("/api/clinics/SUNRISE/patients?q=Lee").status == 401


@pytest.mark.parametrize("change", [{"roles": ["clinician"]}, {"portal_access": False}])
def test_staff_role_or_access_change_ends_a_session_the_sweep_missed(admin, gateway, blind_index, change):
    frank = desk(gateway)
    assert admin.patch(f"{STAFF}/smithf", json=change).status == 200
    assert refused(frank)


def test_staff_forced_change_sends_a_live_session_to_the_password_change(admin, gateway, blind_index):
    frank = desk(gateway)
    assert frank.get("/api/me").json()["password_change_required"] is False
    assert admin.patch(f"{STAFF}/smithf", json={"force_password_change": True}).status == 200
    me = frank.get("/api/me")
    assert me.status == 200 and me.json()["password_change_required"] is True
    r = frank.get("/api/clinics/SUNRISE/patients?q=Lee")
    assert r.status == 403 and r.json()["error"] == "password_change_required"
    assert frank.post("/api/me/password", json={"current_password": DESK_PW, "new_password": STRONG}).status == 204
    assert frank.get("/api/me").json()["password_change_required"] is False
    assert frank.get("/api/clinics/SUNRISE/patients?q=Lee").status == 200


def test_a_name_or_email_change_keeps_sessions(admin, gateway):
    frank = desk(gateway)
    r = admin.patch(f"{STAFF}/smithf", json={"first_name": "Franklin", "email": "frank@sunrise.example"})
    assert r.status == 200
    assert frank.get("/api/me").status == 200


def test_own_role_change_keeps_the_current_session_and_ends_the_others(admin, gateway, blind_index):
    other = signed_in(gateway, "DoeJ", ADMIN_PW)
    assert admin.patch(f"{STAFF}/doej", json={"roles": ["admin", "clinician"]}).status == 200
    assert admin.get("/api/me").status == 200
    assert "clinician" in admin.get("/api/me").json()["principal"]["roles"]
    assert refused(other)


def test_own_password_change_keeps_this_session_and_ends_the_others(gateway, seeded, blind_index):
    laptop, phone = signed_in(gateway, "DoeJ", ADMIN_PW), signed_in(gateway, "DoeJ", ADMIN_PW)
    r = laptop.post("/api/me/password", json={"current_password": ADMIN_PW, "new_password": STRONG})
    assert r.status == 204
    assert laptop.get("/api/me").status == 200
    assert laptop.get("/api/clinics/SUNRISE/audit").status == 200
    assert refused(phone)


# ---------------------------------------------------------------- portal accounts

@pytest.mark.parametrize("action", ["disable", "reset-password"])
def test_portal_disable_or_reset_ends_a_session_the_sweep_missed(admin, gateway, blind_index, action):
    person = ann(gateway)
    assert person.get("/api/me").status == 200
    assert admin.post(f"{ACCOUNTS}/{ann_account_id(admin)}/{action}").status == 200
    assert refused(person)
    assert person.get("/api/portal/form-requests").status == 401


def test_portal_delete_ends_a_session_the_sweep_missed(admin, gateway, blind_index):
    person = ann(gateway)
    assert admin.delete(f"{ACCOUNTS}/{ann_account_id(admin)}").status == 204
    assert refused(person)


@pytest.mark.parametrize("change", [{"permissions": ["forms"]}, {"access_type": "authorized_rep"}])
def test_portal_access_change_ends_a_session_the_sweep_missed(admin, gateway, blind_index, change):
    person = ann(gateway)
    r = admin.patch(f"{ACCOUNTS}/{ann_account_id(admin)}", json=change)
    assert r.status == 200, r.text
    assert refused(person)


def test_portal_forced_change_sends_a_live_session_to_the_password_change(admin, gateway, blind_index):
    person = ann(gateway)
    assert admin.post(f"{ACCOUNTS}/{ann_account_id(admin)}/force-password-change").status == 200
    assert person.get("/api/me").json()["password_change_required"] is True
    r = person.get("/api/portal/form-requests")
    assert r.status == 403 and r.json()["error"] == "password_change_required"


def test_portal_name_change_keeps_sessions(admin, gateway):
    person = ann(gateway)
    assert admin.patch(f"{ACCOUNTS}/{ann_account_id(admin)}", json={"first_name": "Annie"}).status == 200
    assert person.get("/api/me").status == 200


# ---------------------------------------------------------------- cost

def test_me_is_exactly_one_dynamodb_request_reading_session_and_person(browser, seeded, clock, aws_calls):
    login(browser, "DoeJ", ADMIN_PW)
    clock.advance(5)
    aws_calls.reset()
    assert browser.get("/api/me").status == 200
    assert aws_calls.count(service="dynamodb") == 1
    assert aws_calls.count(operation="TransactGetItems") == 1


# ---------------------------------------------------------------- the token

def test_the_token_names_its_principal_but_only_the_whole_token_opens_the_session(gateway, seeded):
    import base64

    frank, jane = desk(gateway), signed_in(gateway, "DoeJ", ADMIN_PW)
    ref, _, secret = frank.cookies["portal_session"].partition(".")
    assert base64.urlsafe_b64decode(ref + "=" * (-len(ref) % 4)) == b"sunrise#staff#smithf"
    assert len(secret) >= 43  # 256 bits
    jane_ref = jane.cookies["portal_session"].partition(".")[0]
    for forged in (f"{jane_ref}.{secret}", secret, f"{ref}.", f".{secret}", f"{ref}.{secret}x",
                   "!!!." + secret, base64.urlsafe_b64encode(b"sunrise#admin#doej").decode() + "." + secret):
        thief = gateway.browser(cookies={"portal_session": forged})
        assert thief.get("/api/me").status == 401, forged
    assert frank.get("/api/me").json()["principal"]["username"] == "SmithF"
