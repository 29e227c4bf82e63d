"""An invitation link is bound to what it was sent for: the address it went to and
the person's session epoch at that moment. Correcting the email, disabling (even if
enabled again), a change of roles or Staff Portal access (staff), of access type or
sections (portal accounts), a delete or a password reset kill it; the staff see
`invitation_status: cancelled`, and a resend sends a fresh link, to the address the
record has now, that works."""
import pytest

from tests.conftest import login, table_items
from tests.portal_helpers import ACCOUNTS, STRONG_PW, accept, desk, invite_rep, sent_messages, token_in

STAFF = "/api/clinics/SUNRISE/staff"
TOKEN_INVALID = ("This link no longer works: it was already used, it has expired, or a newer "
                 "invitation replaced it. Ask your clinic to send you a new invitation.")


def lookup(gateway, token):
    return gateway.browser().post("/api/invitations/lookup", json={"token": token})


class Invited:
    """One invited person: who manages them, where their record is, the link they got."""

    def __init__(self, kind, manager, path, token, username, address):
        self.kind, self.manager, self.path, self.token = kind, manager, path, token
        self.username, self.address = username, address
        self.reply_key = "staff" if kind == "staff" else "account"

    def record(self) -> dict:
        r = self.manager.get(self.path)
        assert r.status == 200, r.text
        return r.json()[self.reply_key]

    def listed(self) -> dict:
        url = STAFF if self.kind == "staff" else ACCOUNTS + "?status=invited"
        (item,) = [i for i in self.manager.get(url).json()["items"] if i["username"] == self.username]
        return item


def invited(kind, gateway, admin) -> Invited:
    if kind == "portal_account":
        manager = desk(gateway)
        account, token = invite_rep(manager)
        return Invited(kind, manager, f"{ACCOUNTS}/{account['account_id']}", token, "rep@example.com",
                       "rep@example.com")
    before = len(sent_messages())
    r = admin.post(STAFF, json={"username": "LopezM", "first_name": "Maria", "last_name": "Lopez",
                                "email": "maria@old.example", "roles": ["front_desk"], "send_invitation": True})
    assert r.status == 201, r.text
    assert len(sent_messages()) == before + 1
    return Invited(kind, admin, f"{STAFF}/lopezm", token_in(sent_messages()[-1]), "LopezM", "maria@old.example")


def assert_dead(gateway, person: Invited, token: str) -> None:
    """The link shows nothing and sets nothing: the person still has no password."""
    for r in (lookup(gateway, token), accept(gateway.browser(), token)):
        assert r.status == 400, r.text
        assert r.json() == {"error": "token_invalid", "message": TOKEN_INVALID}
    login_type = "staff" if person.kind == "staff" else "patient"
    assert login(gateway.browser(), person.username, STRONG_PW, login_type=login_type).status == 401


def assert_needs_resending(person: Invited) -> None:
    """Staff see that the invitation must be sent again, in the record and in the list."""
    for shown in (person.record(), person.listed()):
        assert shown["status"] == "invited" and shown["invitation_status"] == "cancelled", shown
        if person.kind == "portal_account":
            assert shown["invitation_expires_at"] is None


def resend_works(gateway, person: Invited, old_token: str, to: str, *, login_status: int = 200) -> None:
    before = len(sent_messages())
    r = person.manager.post(f"{person.path}/resend-invitation")
    assert r.status == 200, r.text
    assert r.json()[person.reply_key]["invitation_status"] == "sent"
    messages = sent_messages()
    assert len(messages) == before + 1 and messages[-1].destinations["ToAddresses"] == [to]
    new = token_in(messages[-1])
    assert lookup(gateway, new).json()["invitation"]["username"] == person.username
    assert accept(gateway.browser(), new, STRONG_PW).status == 204
    for r in (lookup(gateway, old_token), accept(gateway.browser(), old_token)):
        assert r.status == 400 and r.json()["error"] == "token_invalid"
    login_type = "staff" if person.kind == "staff" else "patient"
    assert login(gateway.browser(), person.username, STRONG_PW, login_type=login_type).status == login_status
    assert no_tokens_left()  # used up


def no_tokens_left() -> bool:
    return [t for t in table_items("tokens") if t["kind"]["S"] in ("invitation", "staff_invitation")] == []


# ---------------------------------------------------------------- what kills a link

CHANGES = {
    "staff": {
        "email": lambda p: p.manager.patch(p.path, json={"email": "maria@new.example"}),
        "email_removed": lambda p: p.manager.patch(p.path, json={"email": None}),
        "roles": lambda p: p.manager.patch(p.path, json={"roles": ["front_desk", "clinician"]}),
        "portal_access": lambda p: p.manager.patch(p.path, json={"portal_access": False}),
        "disable_enable": lambda p: (p.manager.post(f"{p.path}/disable"), p.manager.post(f"{p.path}/enable"))[-1],
    },
    "portal_account": {
        "access_type": lambda p: p.manager.patch(p.path, json={"access_type": "self"}),
        "permissions": lambda p: p.manager.patch(p.path, json={"permissions": ["appointments"]}),
        "disable_enable": lambda p: (p.manager.post(f"{p.path}/disable"), p.manager.post(f"{p.path}/enable"))[-1],
    },
}
CASES = [(kind, change) for kind, changes in CHANGES.items() for change in changes]


@pytest.mark.parametrize("kind,change", CASES, ids=[f"{k}-{c}" for k, c in CASES])
def test_a_change_kills_the_link_and_a_resend_sends_one_that_works(gateway, admin, kind, change):
    person = invited(kind, gateway, admin)
    assert lookup(gateway, person.token).status == 200  # a live link...

    r = CHANGES[kind][change](person)  # ...until the record changes under it
    assert r.status == 200, r.text
    assert r.json()[person.reply_key]["invitation_status"] == "cancelled"
    assert_dead(gateway, person, person.token)
    assert_needs_resending(person)
    assert no_tokens_left()  # the token itself is gone, in the change's transaction
    said = [e for e in table_items("audit_events")
            if e.get("details", {}).get("M", {}).get("invitation", {}).get("S") == "cancelled"]
    assert len(said) == 1  # and the audit log says so

    if change == "email_removed":
        r = person.manager.post(f"{person.path}/resend-invitation")
        assert r.status == 409 and r.json()["error"] == "email_missing"
        assert person.manager.patch(person.path, json={"email": "maria@new.example"}).status == 200
    to = "maria@new.example" if change.startswith("email") else person.address
    # (With Staff Portal access off the password is right, but the login is 403 access_disabled.)
    resend_works(gateway, person, person.token, to, login_status=403 if change == "portal_access" else 200)


def test_a_name_change_leaves_the_link_alone(gateway, admin):
    person = invited("staff", gateway, admin)
    assert admin.patch(person.path, json={"first_name": "María"}).status == 200
    assert person.record()["invitation_status"] == "sent"
    assert accept(gateway.browser(), person.token).status == 204


def test_deleting_an_invited_portal_account_kills_its_link(gateway, admin):
    person = invited("portal_account", gateway, admin)
    assert person.manager.delete(person.path).status == 204
    assert_dead(gateway, person, person.token)
    assert no_tokens_left()


def test_a_disabled_invitee_cannot_be_sent_a_new_link_until_enabled(gateway, admin):
    for kind in ("staff", "portal_account"):
        person = invited(kind, gateway, admin)
        assert person.manager.post(f"{person.path}/disable").status == 200
        assert person.manager.post(f"{person.path}/resend-invitation").status == 409
        assert person.record()["status"] == "disabled"
        assert_dead(gateway, person, person.token)


# ---------------------------------------------------------------- the binding itself

def _record_item(person: Invited):
    from chalicelib.models import PortalAccountModel, StaffModel

    if person.kind == "staff":
        return StaffModel.get("sunrise", "lopezm", consistent_read=True)
    account_id = person.path.rsplit("/", 1)[-1]
    return PortalAccountModel.get("sunrise", account_id, consistent_read=True)


@pytest.mark.parametrize("kind", ["staff", "portal_account"])
def test_a_link_is_refused_once_the_session_epoch_moved(gateway, admin, kind):
    """Even a change that forgot to end the invitation (the record still points at
    the token) cannot revive it: the token carries the epoch it was sent for."""
    person = invited(kind, gateway, admin)
    item = _record_item(person)
    item.update(actions=[type(item).session_epoch.set(int(item.session_epoch or 0) + 1)])
    assert_dead(gateway, person, person.token)
    assert person.record()["status"] == "invited"


def test_a_staff_link_is_refused_once_the_address_moved(gateway, admin):
    person = invited("staff", gateway, admin)
    item = _record_item(person)
    item.update(actions=[type(item).email.set("maria@new.example")])
    assert_dead(gateway, person, person.token)
    # A change of letter case is the same address: the link still works.
    item.update(actions=[type(item).email.set("Maria@OLD.example")])
    assert lookup(gateway, person.token).status == 200


def test_a_link_without_its_binding_is_refused(gateway, admin):
    """Links issued before the binding existed carry none: they are refused (resend)."""
    from chalicelib.models import TokenModel

    person = invited("portal_account", gateway, admin)
    for token in TokenModel.scan():
        if token.kind == "invitation":
            token.update(actions=[TokenModel.sent_to.remove(), TokenModel.session_epoch.remove()])
    assert_dead(gateway, person, person.token)


@pytest.mark.parametrize("moved", ["email", "session_epoch"])
def test_a_change_between_reading_and_accepting_wins(gateway, admin, monkeypatch, moved):
    """The acceptance is conditional on the address and epoch it checked: a change
    committed while the password was being checked makes it token_invalid."""
    from chalicelib.auth import passwords

    person = invited("staff", gateway, admin)
    original = passwords.check_policy

    def check_policy(*args, **kwargs):
        item = _record_item(person)
        value = "maria@new.example" if moved == "email" else int(item.session_epoch or 0) + 1
        item.update(actions=[getattr(type(item), moved).set(value)])
        return original(*args, **kwargs)

    monkeypatch.setattr(passwords, "check_policy", check_policy)
    r = accept(gateway.browser(), person.token)
    assert r.status == 400 and r.json()["error"] == "token_invalid"
    monkeypatch.undo()
    assert login(gateway.browser(), "LopezM", STRONG_PW).status == 401
    assert _record_item(person).password_hash is None
