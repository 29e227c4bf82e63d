"""Invitations: single use, expiry, weak passwords, resend, SES failure, the email itself."""
import json

import pytest

from tests.conftest import login, table_items
from tests.portal_helpers import (
    ACCOUNTS,
    STRONG_PW,
    accept,
    create,
    desk,
    invite_rep,
    rep_body,
    sent_messages,
    token_in,
)


@pytest.fixture
def ses_down(monkeypatch):
    """SES refuses every SendEmail (as when the sender is unverified or throttled)."""
    import botocore.client
    from botocore.exceptions import ClientError

    original = botocore.client.BaseClient._make_api_call
    state = {"down": True}

    def call(self, operation_name, api_params):
        if state["down"] and operation_name == "SendEmail":
            raise ClientError({"Error": {"Code": "MessageRejected", "Message": "Email address is not verified."}},
                              operation_name)
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", call)
    return state


def test_a_weak_password_is_refused_and_the_token_stays_usable(gateway, seeded):
    _, token = invite_rep(desk(gateway))
    for weak in ("short", "rep@example.com-1234", "passwordpassword"):
        r = accept(gateway.browser(), token, password=weak)
        assert r.status == 400 and r.json()["error"] == "password_policy", weak
    assert accept(gateway.browser(), token).status == 204


@pytest.mark.parametrize("token", ["", "x", "A" * 43, "A" * 500, 12345, None])
def test_unknown_or_malformed_tokens(gateway, seeded, token):
    before = len(table_items("audit_events"))
    for path in ("/api/invitations/accept", "/api/invitations/lookup"):
        body = {"token": token, "password": STRONG_PW} if path.endswith("accept") else {"token": token}
        r = gateway.browser().post(path, json=body)
        assert r.status == 400 and r.json()["error"] == "token_invalid"
    assert len(table_items("audit_events")) == before


def test_lookup_shows_the_invitation_without_using_it(gateway, seeded):
    _, token = invite_rep(desk(gateway))
    r = gateway.browser().post("/api/invitations/lookup", json={"token": token})
    assert r.status == 200
    info = r.json()["invitation"]
    assert info["clinic_name"] == "Sunrise Family Clinic" and info["clinic_id"] == "SUNRISE"
    assert info["username"] == "rep@example.com" and info["login_type"] == "patient"
    assert info["password_policy"]["min_length"] == 12
    assert accept(gateway.browser(), token).status == 204
    r = gateway.browser().post("/api/invitations/lookup", json={"token": token})
    assert r.status == 400 and r.json()["error"] == "token_invalid"


def test_tokens_expire_after_the_clinics_invitation_hours(gateway, seeded, clock):
    staff = desk(gateway)
    r = staff.patch("/api/clinics/SUNRISE/settings", json={"invitation_hours": 2})
    assert r.status == 403  # front desk may not change settings
    from tests.conftest import ADMIN_PW
    from tests.portal_helpers import signed_in

    admin = signed_in(gateway, "DoeJ", ADMIN_PW)
    assert admin.patch("/api/clinics/SUNRISE/settings", json={"invitation_hours": 2}).status == 200
    account, token = invite_rep(admin)
    assert account["invitation_expires_at"] is not None
    clock.advance(2 * 3600 + 1)
    r = accept(gateway.browser(), token)
    assert r.status == 400 and r.json()["error"] == "token_invalid"
    assert "ask your clinic" in r.json()["message"].lower()
    admin = signed_in(gateway, "DoeJ", ADMIN_PW)
    listed = admin.get(ACCOUNTS + "?status=invited").json()["items"]
    assert [a["invitation_status"] for a in listed] == ["expired"]


def test_resend_sends_a_new_link_and_the_old_one_dies(gateway, seeded):
    staff = desk(gateway)
    account, old = invite_rep(staff)
    r = staff.post(f"{ACCOUNTS}/{account['account_id']}/resend-invitation")
    assert r.status == 200 and r.json()["account"]["invitation_status"] == "sent"
    assert len(sent_messages()) == 2
    new = token_in(sent_messages()[-1])
    assert new != old
    assert accept(gateway.browser(), old).json()["error"] == "token_invalid"
    assert accept(gateway.browser(), new).status == 204
    r = staff.post(f"{ACCOUNTS}/{account['account_id']}/resend-invitation")
    assert r.status == 409 and r.json()["error"] == "not_invited"
    assert len(table_items("tokens")) == 0  # both tokens are gone


def test_an_ses_failure_leaves_a_consistent_account_that_resend_repairs(gateway, seeded, ses_down):
    staff = desk(gateway)
    r = create(staff, rep_body())
    assert r.status == 201, r.text
    account = r.json()["account"]
    assert account["status"] == "invited" and account["invitation_status"] == "failed"
    assert sent_messages() == []
    # Whole, not half-created: the account, its username claim and its token all exist.
    (item,) = [a for a in table_items("portal_accounts") if a["account_id"]["S"] == account["account_id"]]
    assert item["invitation_status"]["S"] == "failed"
    assert [c for c in table_items("portal_usernames") if c["account_id"]["S"] == account["account_id"]]
    assert len(table_items("tokens")) == 1
    listed = staff.get(ACCOUNTS + "?status=invited").json()["items"]
    assert [(a["username"], a["invitation_status"]) for a in listed] == [("rep@example.com", "failed")]
    events = [e for e in table_items("audit_events") if e["kind"]["S"] == "invitation_email"]
    assert [e["outcome"]["S"] for e in events] == ["failed"]

    # Resend while SES is still down: still failed, still consistent.
    r = staff.post(f"{ACCOUNTS}/{account['account_id']}/resend-invitation")
    assert r.status == 200 and r.json()["account"]["invitation_status"] == "failed"

    ses_down["down"] = False
    r = staff.post(f"{ACCOUNTS}/{account['account_id']}/resend-invitation")
    assert r.status == 200 and r.json()["account"]["invitation_status"] == "sent"
    (message,) = sent_messages()
    assert len(table_items("tokens")) == 1  # only the newest link is alive
    assert accept(gateway.browser(), token_in(message)).status == 204
    assert login(gateway.browser(), "rep@example.com", STRONG_PW, login_type="patient").status == 200


def test_email_has_text_and_html_parts_and_goes_to_the_outbox(gateway, seeded, stage, tmp_path):
    staff = desk(gateway)
    stage(PORTAL_OUTBOX_DIR=str(tmp_path), PORTAL_PUBLIC_BASE_URL="https://portal.example.org/")
    staff.origin = "https://portal.example.org"  # the stage's own origin, the only one allowed now
    r = create(staff, rep_body(first_name="<b>Rita</b> & co"))
    assert r.status == 201
    (path,) = list(tmp_path.glob("*.json"))
    email = json.loads(path.read_text())
    assert set(email) == {"to", "subject", "text", "html"}
    assert email["to"] == "rep@example.com"
    assert "Sunrise Family Clinic" in email["subject"]
    for part in (email["text"], email["html"]):
        assert "Sunrise Family Clinic" in part and "rep@example.com" in part
        assert "https://portal.example.org/invite?token=" in part
    assert "Hello <b>Rita</b> & co," in email["text"]
    assert "&lt;b&gt;Rita&lt;/b&gt; &amp; co" in email["html"] and "<b>Rita</b>" not in email["html"]
    (message,) = sent_messages()
    assert token_in(message) in email["text"]


def test_deleting_an_invited_account_kills_its_link(gateway, seeded):
    staff = desk(gateway)
    account, token = invite_rep(staff)
    assert staff.delete(f"{ACCOUNTS}/{account['account_id']}").status == 204
    assert accept(gateway.browser(), token).json()["error"] == "token_invalid"
    assert table_items("tokens") == []
