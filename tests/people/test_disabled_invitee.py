"""A disabled invitee's link shows nothing and sets nothing: lookup and accept both
answer 400 token_invalid (no name, no clinic). Enabling the person again does not
bring that link back (disabling ended it); a resend sends one that works."""
import pytest

from tests.portal_helpers import STRONG_PW, accept, desk, invite_rep, sent_messages, token_in

STAFF = "/api/clinics/SUNRISE/staff"


def lookup(gateway, token):
    return gateway.browser().post("/api/invitations/lookup", json={"token": token})


def invited_rep(gateway):
    staff = desk(gateway)
    account, token = invite_rep(staff)
    # The login as a whole (a row's disable ends only that patient's access).
    path = f"/api/clinics/SUNRISE/portal-logins/{account['login']['login_id']}"
    return staff, path, token, ("Rita", "rep@example.com")


def invited_staff(gateway, admin):
    before = len(sent_messages())
    r = admin.post(STAFF, json={"username": "LopezM", "first_name": "Maria", "last_name": "Lopez",
                                "email": "maria@sunrise.example", "roles": ["front_desk"],
                                "send_invitation": True})
    assert r.status == 201, r.text
    assert len(sent_messages()) == before + 1
    return admin, f"{STAFF}/lopezm", token_in(sent_messages()[-1]), ("Maria", "LopezM")


@pytest.mark.parametrize("kind", ["portal_account", "staff"])
def test_a_disabled_invitees_link_is_token_invalid(gateway, admin, kind):
    manager, path, token, (first_name, username) = (
        invited_rep(gateway) if kind == "portal_account" else invited_staff(gateway, admin))
    assert lookup(gateway, token).status == 200  # a live invitation...

    assert manager.post(f"{path}/disable").status == 200  # ...until the person is disabled
    for r in (lookup(gateway, token), accept(gateway.browser(), token)):
        assert r.status == 400 and r.json()["error"] == "token_invalid", r.text
        assert first_name not in r.text and username not in r.text and "Sunrise" not in r.text

    assert manager.post(f"{path}/enable").status == 200
    for r in (lookup(gateway, token), accept(gateway.browser(), token, STRONG_PW)):
        assert r.status == 400 and r.json()["error"] == "token_invalid", r.text  # still dead

    assert manager.post(f"{path}/resend-invitation").status == 200
    fresh = token_in(sent_messages()[-1])
    r = lookup(gateway, fresh)
    assert r.status == 200 and r.json()["invitation"]["username"] == username
    assert accept(gateway.browser(), fresh, STRONG_PW).status == 204
