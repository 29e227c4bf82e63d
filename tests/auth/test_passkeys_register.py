"""Adding, listing, renaming and removing one's own passkeys (auth/passkeys/), with
the software authenticator of tests/auth/passkey_authenticator.py."""
from __future__ import annotations

from tests.auth.passkey_authenticator import Authenticator, b64, unb64
from tests.auth.passkey_helpers import add_passkey
from tests.conftest import ADMIN_PW, table_items
from tests.portal_helpers import desk, patient, sent_messages, user_counters


def _passkeys() -> list[dict]:
    return table_items("passkeys")


def _staff(username_key: str) -> dict:
    return next(i for i in table_items("staff") if i["username_key"]["S"] == username_key)


def _events(kind: str) -> list[dict]:
    return [e for e in table_items("audit_events") if e["kind"]["S"] == kind]


def test_a_person_adds_a_passkey_and_sees_it_listed(admin):
    r = admin.post("/api/me/passkeys/options")
    assert r.status == 200 and r.headers["Cache-Control"] == "no-store"
    options = r.json()["publicKey"]
    assert options["rp"] == {"id": "127.0.0.1", "name": "Sunrise Family Clinic"}
    assert options["user"]["name"] == "DoeJ" and options["user"]["displayName"] == "Jane Doe"
    assert "DoeJ" not in unb64(options["user"]["id"]).decode("latin-1")   # the handle names no one
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["attestation"] == "none" and options["excludeCredentials"] == []

    device = Authenticator()
    r = admin.post("/api/me/passkeys", json={"credential": device.create(options), "name": " Jane's iPhone "})
    assert r.status == 201, r.text
    passkey = r.json()["passkey"]
    assert passkey["name"] == "Jane's iPhone" and passkey["last_used_at"] is None
    assert passkey["transports"] == ["internal"]

    listed = admin.get("/api/me/passkeys").json()
    assert listed["passkeys"] == [passkey] and listed["recent_until"]
    (stored,) = _passkeys()
    assert stored["passkey_key"]["S"] == f"sunrise#{passkey['id']}"
    assert stored["owner_key"]["S"] == "sunrise#staff#doej" and stored["sign_count"]["N"] == "0"
    assert set(stored) >= {"public_key", "credential_id", "user_handle"}
    assert _staff("doej")["passkey_count"]["N"] == "1"
    assert _staff("doej")["passkey_user_id"]["S"] == options["user"]["id"]
    (event,) = _events("passkey_added")
    assert event["details"]["M"]["name"]["S"] == "Jane's iPhone"
    (mail,) = [m for m in sent_messages() if m.subject == "Sunrise Family Clinic: a passkey was added"]
    assert mail.destinations["ToAddresses"] == ["jane@sunrise.example"] and "iPhone" in mail.body
    # The challenge was used up: nothing of it is left.
    assert not [t for t in table_items("tokens") if t["kind"]["S"].startswith("passkey_")]


def test_a_second_passkey_excludes_the_first_and_keeps_the_handle(admin):
    first, added = add_passkey(admin)
    options = admin.post("/api/me/passkeys/options").json()["publicKey"]
    assert [c["id"] for c in options["excludeCredentials"]] == [b64(first.credentials[0].credential_id)]
    assert unb64(options["user"]["id"]) == first.credentials[0].user_handle
    add_passkey(admin, name="Security key")
    assert sorted(p["name"] for p in admin.get("/api/me/passkeys").json()["passkeys"]) == ["My phone", "Security key"]


def test_a_portal_login_adds_one_too(gateway, seeded):
    ann = patient(gateway)
    _, added = add_passkey(ann, name="Ann's phone")
    assert _passkeys()[0]["owner_key"]["S"].startswith("sunrise#patient#")
    assert [m for m in sent_messages() if m.subject.endswith("a passkey was added")][0] \
        .destinations["ToAddresses"] == ["ann@example.com"]


def test_adding_needs_a_recent_check(admin, clock):
    clock.advance(11 * 60)
    r = admin.post("/api/me/passkeys/options")
    assert r.status == 403 and r.json()["error"] == "reauth_required"
    assert admin.get("/api/me/passkeys").json()["recent_until"] is None

    r = admin.post("/api/me/reauth", json={"password": "not-it"})
    assert r.status == 400 and r.json()["error"] == "reauth_invalid"
    assert user_counters("staff", "doej")[0]["failures"]["N"] == "1"   # counted like a login
    assert _events("reauth")[0]["outcome"]["S"] == "failed"

    r = admin.post("/api/me/reauth", json={"password": ADMIN_PW})
    assert r.status == 200, r.text
    assert admin.post("/api/me/passkeys/options").status == 200
    assert [e["outcome"]["S"] for e in _events("reauth")].count("succeeded") == 1

    # The options were fetched in time, the answer comes too late: refused too.
    options = admin.post("/api/me/passkeys/options").json()["publicKey"]
    clock.advance(10 * 60)
    r = admin.post("/api/me/passkeys", json={"credential": Authenticator().create(options), "name": "Late"})
    assert r.status == 403 and r.json()["error"] == "reauth_required"
    assert _passkeys() == []


def test_reauth_with_a_two_factor_code(admin, clock):
    from tests.auth.mfa_helpers import code, enrol

    secret, _ = enrol(admin, clock)
    clock.advance(11 * 60)
    r = admin.post("/api/me/reauth", json={"code": code(secret, clock())})
    assert r.status == 200, r.text
    # The same code does not work twice.
    r = admin.post("/api/me/reauth", json={"code": code(secret, clock())})
    assert r.status == 400 and r.json()["error"] == "reauth_invalid"
    r = admin.post("/api/me/reauth", json={"password": ADMIN_PW, "code": "123456"})
    assert r.status == 400


def test_a_challenge_works_once(admin):
    options = admin.post("/api/me/passkeys/options").json()["publicKey"]
    credential = Authenticator().create(options)
    assert admin.post("/api/me/passkeys", json={"credential": credential, "name": "A"}).status == 201
    r = admin.post("/api/me/passkeys", json={"credential": credential, "name": "A"})
    assert r.status == 400 and r.json()["error"] == "passkey_challenge_invalid"
    # Another device answering the same (used) challenge: refused too.
    r = admin.post("/api/me/passkeys", json={"credential": Authenticator().create(options), "name": "B"})
    assert r.status == 400 and r.json()["error"] == "passkey_challenge_invalid"
    assert len(_passkeys()) == 1


def test_a_challenge_expires_after_five_minutes(admin, clock):
    options = admin.post("/api/me/passkeys/options").json()["publicKey"]
    clock.advance(5 * 60)
    r = admin.post("/api/me/passkeys", json={"credential": Authenticator().create(options), "name": "A"})
    assert r.status == 400 and r.json()["error"] == "passkey_challenge_invalid"


def test_another_persons_challenge_does_not_add_to_mine(admin, gateway):
    other = desk(gateway)
    options = admin.post("/api/me/passkeys/options").json()["publicKey"]
    r = other.post("/api/me/passkeys", json={"credential": Authenticator().create(options), "name": "A"})
    assert r.status == 400 and r.json()["error"] == "passkey_challenge_invalid"
    assert _passkeys() == []


def test_answers_that_do_not_check_out_are_refused(admin):
    def attempt(device, origin="http://127.0.0.1:8000", tamper=None):
        options = admin.post("/api/me/passkeys/options").json()["publicKey"]
        credential = device.create(options, origin)
        if tamper:
            tamper(credential)
        return admin.post("/api/me/passkeys", json={"credential": credential, "name": "X"})

    r = attempt(Authenticator(), origin="https://evil.example")
    assert r.status == 400 and r.json()["error"] == "passkey_invalid"
    r = attempt(Authenticator(user_verified=False))
    assert r.status == 400 and r.json()["error"] == "passkey_invalid"

    def other_id(credential):
        credential["id"] = credential["rawId"] = b64(b"another id")

    r = attempt(Authenticator(), tamper=other_id)
    assert r.status == 400 and r.json()["error"] == "passkey_invalid"

    def garbled(credential):
        credential["response"]["clientDataJSON"] = b64(b"not json")

    r = attempt(Authenticator(), tamper=garbled)
    assert r.status == 400 and r.json()["error"] == "passkey_invalid"
    r = admin.post("/api/me/passkeys", json={"credential": {"id": 1}, "name": "X"})
    assert r.status == 400
    assert _passkeys() == [] and "passkey_count" not in _staff("doej")


def test_rename_and_remove(admin, gateway):
    _, added = add_passkey(admin)
    r = admin.put(f"/api/me/passkeys/{added['id']}/name", json={"name": "Work phone"})
    assert r.status == 200 and r.json()["passkey"]["name"] == "Work phone"
    assert _events("passkey_renamed")

    # Someone else's session cannot see, rename or remove it.
    other = desk(gateway)
    assert other.get("/api/me/passkeys").json()["passkeys"] == []
    assert other.put(f"/api/me/passkeys/{added['id']}/name", json={"name": "Mine"}).status == 404
    assert other.delete(f"/api/me/passkeys/{added['id']}").status == 404
    assert admin.delete("/api/me/passkeys/not-an-id").status == 404

    r = admin.delete(f"/api/me/passkeys/{added['id']}")
    assert r.status == 204
    assert admin.get("/api/me/passkeys").json()["passkeys"] == [] and _passkeys() == []
    assert _staff("doej")["passkey_count"]["N"] == "0"
    (event,) = _events("passkey_removed")
    assert event["details"]["M"]["name"]["S"] == "Work phone"
    assert [m for m in sent_messages() if m.subject == "Sunrise Family Clinic: a passkey was removed"]
    assert admin.delete(f"/api/me/passkeys/{added['id']}").status == 404


def test_at_most_ten_passkeys(admin):
    for i in range(10):
        add_passkey(admin, name=f"Key {i}")
    r = admin.post("/api/me/passkeys/options")
    assert r.status == 409 and r.json()["error"] == "too_many_passkeys"


def test_names_are_checked(admin):
    options = admin.post("/api/me/passkeys/options").json()["publicKey"]
    credential = Authenticator().create(options)
    for name in ("", "x" * 65, "a\nb", 7):
        r = admin.post("/api/me/passkeys", json={"credential": credential, "name": name})
        assert r.status == 400, name
    assert _passkeys() == []
