"""Staff who forgot their username: one email listing the usernames that use an
address, found with a Query on the staff table's by_email index; the same reply
whether or not any do."""
from __future__ import annotations

from tests.auth.test_forgot_password import _shape, mails_to
from tests.auth.test_lockout_burst import burst
from tests.portal_helpers import sent_messages

CLINIC = "/api/clinics/SUNRISE"


def ask(gateway, email, *, ip="203.0.113.20", clinic=CLINIC):
    return gateway.browser(source_ip=ip).post(f"{clinic}/username/forgot", json={"email": email})


def add(admin, username, email, **extra):
    body = {"username": username, "first_name": "Uma", "last_name": "Name", "roles": ["clinician"],
            "email": email, "force_password_change": False, **extra}
    r = admin.post(CLINIC + "/staff", json=body)
    assert r.status == 201, r.text


def test_one_email_lists_every_username_with_that_address(gateway, seeded, admin):
    add(admin, "DoeJ2", "Jane@Sunrise.Example")      # the same address, other case
    add(admin, "GoneJ", "jane@sunrise.example")
    assert admin.post(CLINIC + "/staff/GoneJ/disable").status == 200
    r = ask(gateway, " JANE@sunrise.example ")
    assert r.status == 202, r.text
    (message,) = mails_to("jane@sunrise.example")
    assert "DoeJ" in message.body and "DoeJ2" in message.body
    assert "GoneJ" not in message.body                       # disabled: not listed
    assert "Sunrise Family Clinic" in message.body and "/?clinicID=SUNRISE&amp;LoginType=Staff" in message.body


def test_a_changed_email_is_found_under_the_new_address_only(gateway, seeded, admin):
    assert admin.patch(CLINIC + "/staff/PatelR", json={"email": "ravi@sunrise.example"}).status == 200
    ask(gateway, "ravi@sunrise.example")
    assert "PatelR" in mails_to("ravi@sunrise.example")[-1].body
    assert admin.patch(CLINIC + "/staff/PatelR", json={"email": "r.patel@sunrise.example"}).status == 200
    before = len(sent_messages())
    ask(gateway, "ravi@sunrise.example")
    assert len(sent_messages()) == before


def test_the_reply_is_the_same_whether_or_not_anyone_uses_the_address(gateway, seeded):
    known = ask(gateway, "jane@sunrise.example", ip="203.0.113.21")
    unknown = ask(gateway, "nobody@sunrise.example", ip="203.0.113.22")
    assert _shape(known) == _shape(unknown) and known.status == 202
    assert len(sent_messages()) == 1


def test_a_malformed_address_is_a_400(gateway, seeded):
    r = ask(gateway, "not an email")
    assert r.status == 400 and r.json()["error"] == "invalid_email"


def test_it_is_a_query_on_an_index_never_a_scan(gateway, seeded, aws_calls):
    aws_calls.reset()
    ask(gateway, "jane@sunrise.example")
    assert aws_calls.count("dynamodb", "Query") == 1
    assert aws_calls.count("dynamodb", "Scan") == 0


def test_rate_limited_per_address(gateway, seeded, clock, atomic_dynamodb):
    replies = burst([lambda i=i: ask(gateway, "jane@sunrise.example", ip=f"203.0.113.{30 + i}")
                     for i in range(8)])
    assert {r.status for r in replies} == {202}
    assert len(mails_to("jane@sunrise.example")) == 3
    clock.advance(3600)
    ask(gateway, "jane@sunrise.example")
    assert len(mails_to("jane@sunrise.example")) == 4
