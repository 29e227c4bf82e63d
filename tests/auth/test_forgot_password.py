"""Forgot password: the emailed link, choosing a new password with it, and what
the request never tells (whether the person exists, has an email, is disabled or
locked). Emails are read back from moto's SES."""
from __future__ import annotations

import pytest

from tests.auth.test_lockout_burst import burst
from tests.conftest import ADMIN_PW, PATIENT_PW, login, table_items
from tests.portal_helpers import STRONG_PW, reset_token_in, sent_messages

CLINIC = "/api/clinics/SUNRISE"
FORGOT = CLINIC + "/password/forgot"
NEW_PW = "maple-orbit-tundra-5521"


def ask(gateway, username, login_type="staff", *, ip="203.0.113.9", clinic=CLINIC):
    return gateway.browser(source_ip=ip).post(f"{clinic}/password/forgot",
                                              json={"login_type": login_type, "username": username})


reset_token = reset_token_in


def mails_to(address: str) -> list:
    return [m for m in sent_messages() if address in m.destinations["ToAddresses"]]


def reset(gateway, token, password=NEW_PW):
    return gateway.browser().post("/api/password/reset", json={"token": token, "password": password})


def lock(gateway, username, login_type="staff"):
    for _ in range(5):
        assert login(gateway.browser(), username, "wrong-password-x", login_type=login_type).status == 401
    assert login(gateway.browser(), username, "wrong-password-x", login_type=login_type).status == 429


# ---------------------------------------------------------------- the whole flow

@pytest.mark.parametrize("username,login_type,address,old", [
    ("DoeJ", "staff", "jane@sunrise.example", ADMIN_PW),
    ("ann@example.com", "patient", "ann@example.com", PATIENT_PW)])
def test_the_emailed_link_sets_a_new_password_and_ends_every_session(gateway, seeded, username, login_type,
                                                                     address, old):
    signed_in = gateway.browser()
    assert login(signed_in, username, old, login_type=login_type).status == 200
    r = ask(gateway, username.upper() if login_type == "staff" else username, login_type)
    assert r.status == 202, r.text
    (message,) = mails_to(address)
    assert "Sunrise Family Clinic" in message.subject
    assert "30 minutes" in message.body and old not in message.body
    token = reset_token(message)
    # Only the token's hash is stored.
    assert token not in str(table_items("tokens"))

    looked = gateway.browser().post("/api/password/reset/lookup", json={"token": token})
    assert looked.status == 200 and looked.json()["reset"]["username"] == username
    assert looked.json()["reset"]["password_policy"]["min_length"] == 12

    assert reset(gateway, token).status == 204
    # "Your password was changed": the clinic, a link, never a password.
    changed = mails_to(address)[-1]
    assert signed_in.get("/api/me").status == 401                     # every session ended
    assert login(gateway.browser(), username, old, login_type=login_type).status == 401
    assert login(gateway.browser(), username, NEW_PW, login_type=login_type).status == 200
    assert "password was changed" in changed.subject and "Sunrise Family Clinic" in changed.body
    assert NEW_PW not in changed.body and "/?clinicID=SUNRISE" in changed.body
    # Audited in plain words.
    events = gateway.browser()
    assert login(events, "DoeJ", NEW_PW if username == "DoeJ" else ADMIN_PW).status == 200
    kinds = [e["kind"] for e in events.get(CLINIC + "/audit").json()["items"]]
    assert "password_reset_by_email" in kinds and "password_reset_requested" in kinds


def test_a_used_link_is_refused(gateway, seeded):
    ask(gateway, "DoeJ")
    token = reset_token(sent_messages()[-1])
    assert reset(gateway, token).status == 204
    again = reset(gateway, token, "another-fine-password-77")
    assert again.status == 400 and again.json()["error"] == "token_invalid"
    assert login(gateway.browser(), "DoeJ", NEW_PW).status == 200


def test_a_link_expires_after_30_minutes(gateway, seeded, clock):
    ask(gateway, "DoeJ")
    token = reset_token(sent_messages()[-1])
    clock.advance(30 * 60 + 1)
    r = reset(gateway, token)
    assert r.status == 400 and r.json()["error"] == "token_invalid"
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 200


def test_a_link_still_works_at_29_minutes(gateway, seeded, clock):
    ask(gateway, "DoeJ")
    token = reset_token(sent_messages()[-1])
    clock.advance(29 * 60)
    assert reset(gateway, token).status == 204


def test_a_password_change_kills_an_outstanding_link(gateway, seeded):
    ask(gateway, "DoeJ")
    token = reset_token(sent_messages()[-1])
    b = gateway.browser()
    assert login(b, "DoeJ", ADMIN_PW).status == 200
    assert b.post("/api/me/password", json={"current_password": ADMIN_PW, "new_password": STRONG_PW}).status == 204
    r = reset(gateway, token)
    assert r.status == 400 and r.json()["error"] == "token_invalid"
    assert login(gateway.browser(), "DoeJ", STRONG_PW).status == 200


def test_an_admin_reset_kills_an_outstanding_link(gateway, seeded, admin):
    ask(gateway, "PatelR_missing")  # nothing (no such user)
    assert admin.patch(CLINIC + "/staff/PatelR", json={"email": "ravi@sunrise.example"}).status == 200
    ask(gateway, "PatelR")
    token = reset_token(mails_to("ravi@sunrise.example")[-1])
    assert admin.post(CLINIC + "/staff/PatelR/reset-password").status == 200
    assert reset(gateway, token).json()["error"] == "token_invalid"


def test_a_weak_password_changes_nothing_and_the_link_still_works(gateway, seeded):
    ask(gateway, "DoeJ")
    token = reset_token(sent_messages()[-1])
    r = reset(gateway, token, "short")
    assert r.status == 400 and r.json()["error"] == "password_policy"
    assert login(gateway.browser(), "DoeJ", ADMIN_PW).status == 200
    assert reset(gateway, token).status == 204


def test_a_reset_lifts_the_lockout(gateway, seeded):
    lock(gateway, "DoeJ")
    ask(gateway, "DoeJ")
    assert reset(gateway, reset_token(sent_messages()[-1])).status == 204
    assert login(gateway.browser(), "DoeJ", NEW_PW).status == 200


def test_a_made_up_token_is_refused(gateway, seeded):
    for token in ("x" * 43, "", 5, None):
        r = gateway.browser().post("/api/password/reset", json={"token": token, "password": NEW_PW})
        assert r.status == 400 and r.json()["error"] == "token_invalid", (token, r.text)


def test_an_invitation_token_is_not_a_reset_token(gateway, seeded, admin):
    from tests.portal_helpers import invite_rep

    _, token = invite_rep(admin)
    assert reset(gateway, token).json()["error"] == "token_invalid"


# ---------------------------------------------------------------- what the reply never tells

def _set_up_people(gateway, admin):
    """A disabled, a locked and an email-less staff member, besides DoeJ (who exists)."""
    for username, email in (("GoneG", "gone@sunrise.example"), ("LockL", "lock@sunrise.example")):
        r = admin.post(CLINIC + "/staff", json={"username": username, "first_name": "A", "last_name": "B",
                                                "roles": ["clinician"], "email": email,
                                                "force_password_change": False})
        assert r.status == 201, r.text
    assert admin.post(CLINIC + "/staff/GoneG/disable").status == 200
    lock(gateway, "LockL")


def _shape(reply) -> tuple:
    headers = tuple(sorted((k.lower(), str(v)) for k, v in reply.headers.items() if k.lower() != "date"))
    return reply.status, reply.body, headers


def test_the_reply_is_the_same_whoever_asks(gateway, seeded, admin):
    _set_up_people(gateway, admin)
    before = len(sent_messages())
    shapes = {name: _shape(ask(gateway, name, ip=f"203.0.113.{i}"))
              for i, name in enumerate(["DoeJ", "NobodyN", "GoneG", "LockL", "SmithF"])}  # SmithF: no email
    assert len(set(shapes.values())) == 1, shapes
    assert shapes["DoeJ"][0] == 202
    # Only DoeJ and the locked LockL (a reset is how they get back in) got a link.
    sent = [m.destinations["ToAddresses"][0] for m in sent_messages()[before:]]
    assert sorted(sent) == ["jane@sunrise.example", "lock@sunrise.example"]


def test_an_unknown_clinic_answers_as_the_clinic_routes_do(gateway, seeded):
    r = ask(gateway, "DoeJ", clinic="/api/clinics/NOPE")
    assert r.status == 404 and r.json()["error"] == "clinic_not_found"
    assert gateway.browser().get("/api/clinics/NOPE").json()["error"] == "clinic_not_found"


def test_a_bad_body_is_a_400(gateway, seeded):
    r = gateway.browser().post(FORGOT, json={"login_type": "robot", "username": "DoeJ"})
    assert r.status == 400
    r = gateway.browser().post(FORGOT, json={"login_type": "staff"})
    assert r.status == 400


@pytest.fixture
def ses_latency(monkeypatch):
    """Each SES send takes 40 ms more, about what one takes from a Lambda (moto's is
    near instant), so a request that sends an email is measurably slower unless the
    other path pads its time."""
    import time

    from chalicelib.core import mail

    original = mail.send

    def slow(email):
        time.sleep(0.04)
        return original(email)

    monkeypatch.setattr(mail, "send", slow)


def test_existing_and_unknown_take_the_same_time(gateway, seeded, clock, ses_latency):
    """Median of 30 interleaved tries each, within 20% (the email's latency is padded)."""
    import statistics
    import time

    def timed(name, i):
        start = time.perf_counter()
        r = ask(gateway, name, ip=f"198.18.{i // 250}.{i % 250}")
        assert r.status == 202
        return time.perf_counter() - start

    for i in range(3):  # warm up both paths
        timed("DoeJ", 1000 + i)
        timed("NobodyN", 1100 + i)
    existing, unknown = [], []
    for i in range(30):
        clock.advance(3601)   # a new hour: the per-username limit never stops DoeJ's email
        pair = [("DoeJ", existing), ("NobodyN", unknown)]
        for name, into in (pair if i % 2 else pair[::-1]):
            into.append(timed(name, i))
    assert len(mails_to("jane@sunrise.example")) >= 30
    a, b = statistics.median(existing), statistics.median(unknown)
    print(f"medians: existing {a * 1000:.1f} ms, unknown {b * 1000:.1f} ms")
    assert abs(a - b) <= 0.2 * max(a, b), (a, b)


# ---------------------------------------------------------------- rate limits

def test_three_emails_per_username_an_hour_then_the_same_reply_and_none(gateway, seeded, clock):
    replies = [ask(gateway, "DoeJ", ip=f"203.0.113.{i}") for i in range(5)]
    assert {_shape(r) for r in replies} == {_shape(replies[0])}
    assert len(mails_to("jane@sunrise.example")) == 3
    clock.advance(3600)
    ask(gateway, "DoeJ")
    assert len(mails_to("jane@sunrise.example")) == 4


def test_twenty_requests_per_source_ip_an_hour(gateway, seeded, admin):
    for i in range(8):
        assert admin.post(CLINIC + "/staff", json={"username": f"Many{i}", "first_name": "M", "last_name": "N",
                                                   "roles": ["clinician"], "email": f"many{i}@sunrise.example",
                                                   "force_password_change": False}).status == 201
    for i in range(8):
        for _ in range(3):
            assert ask(gateway, f"Many{i}", ip="192.0.2.50").status == 202
    # 24 asked from one address: 20 emails.
    assert len([m for m in sent_messages() if "choose a new password" in m.subject]) == 20


def test_a_parallel_burst_sends_at_most_the_limit(gateway, seeded, atomic_dynamodb):
    replies = burst([lambda i=i: ask(gateway, "DoeJ", ip=f"203.0.113.{i}") for i in range(12)])
    assert {r.status for r in replies} == {202}
    assert len(mails_to("jane@sunrise.example")) == 3
    (counter,) = [c for c in table_items("login_counters") if c["counter_key"]["S"].startswith("recover_staff#")]
    assert counter["attempts"]["N"] == "3"


def test_both_paths_make_the_same_dynamodb_requests(gateway, seeded, admin, aws_calls):
    """Existing, unknown, disabled, email-less: the same DynamoDB operations in the same
    order (a read, then one transaction); only the email differs, and its time is padded."""
    _set_up_people(gateway, admin)
    seen = {}
    for i, (name, login_type) in enumerate([("DoeJ", "staff"), ("NobodyN", "staff"), ("GoneG", "staff"),
                                            ("SmithF", "staff"), ("ann@example.com", "patient"),
                                            ("nobody@example.com", "patient")]):
        aws_calls.reset()
        assert ask(gateway, name, login_type, ip=f"203.0.113.{60 + i}").status == 202
        seen[name] = [op for service, op in aws_calls.calls if service == "dynamodb"]
    assert seen["DoeJ"] == seen["NobodyN"] == seen["GoneG"] == seen["SmithF"] == ["TransactGetItems",
                                                                                 "TransactWriteItems"]
    assert seen["ann@example.com"] == seen["nobody@example.com"] == ["TransactGetItems", "GetItem",
                                                                     "TransactWriteItems"]
