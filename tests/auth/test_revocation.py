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
def test_portal_disable_or_reset_ends_a_session_the_sweep_missed(admin, gateway, blind_index, action):
    person = ann(gateway)
    assert person.get("/api/me").status == 200
    login_id = admin.get(f"{ACCOUNTS}/{ann_account_id(admin)}").json()["account"]["login"]["login_id"]
    # The login as a whole (a row's disable ends one patient's access: see below).
    assert admin.post(f"/api/clinics/SUNRISE/portal-logins/{login_id}/{action}").status == 200
    assert refused(person)
    assert person.get("/api/portal/form-requests").status == 401


def test_portal_delete_ends_a_session_the_sweep_missed(admin, gateway, blind_index):
    person = ann(gateway)
    assert admin.delete(f"{ACCOUNTS}/{ann_account_id(admin)}").status == 204
    assert refused(person)


@pytest.mark.parametrize("change", [("patch", {"permissions": ["appointments"]}),
                                    ("post", "disable"), ("patch", {"expires_on": "2020-01-01"})],
                         ids=["sections", "disable", "expiry"])
def test_a_grant_change_takes_effect_on_the_next_request(admin, gateway, blind_index, change):
    """Sessions carry no grant: each patient-side request reads it, so no sweep is needed,
    and the login's session itself goes on (its other patients stay reachable)."""
    person = ann(gateway)
    path = f"{ACCOUNTS}/{ann_account_id(admin)}"
    assert admin.patch(path, json={"permissions": ["forms"]}).status == 200
    assert person.get("/api/portal/patients/P100/form-requests").status == 200
    method, what = change
    r = admin.patch(path, json=what) if method == "patch" else admin.post(f"{path}/{what}")
    assert r.status == 200, r.text
    assert person.get("/api/me").status == 200
    assert person.get("/api/portal/patients/P100/form-requests").status == 403


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
