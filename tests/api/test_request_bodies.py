"""Hostile and odd request bodies, parsed at the edge: each gets a clear 400 in the
documented error shape, never a 500, and (end to end) changes nothing."""
from __future__ import annotations

import json

import pytest

from chalicelib.api import bodies, form_bodies
from chalicelib.api.requests import ABSENT, parse_body
from chalicelib.core.errors import InvalidRequest, PortalError
from tests.conftest import ADMIN_PW, login, table_items
from tests.portal_helpers import desk, rep_body

WRITTEN = ("portal_accounts", "portal_usernames", "staff", "tokens", "audit_events", "form_requests",
           "login_counters")


class FakeRequest:
    def __init__(self, raw: bytes | str, content_type: str = "application/json"):
        self.raw_body = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
        self.headers = {"content-type": content_type}


def parse(cls, raw):
    return parse_body(FakeRequest(raw if isinstance(raw, (bytes, str)) else json.dumps(raw)), cls)


def refused(cls, raw, code="invalid_request") -> str:
    with pytest.raises(PortalError) as info:
        parse(cls, raw)
    assert (info.value.status, info.value.code) == (400, code), info.value.message
    assert info.value.message.endswith(".") and len(info.value.message) < 300
    return info.value.message


CREATE = dict(patient_id="P100", username="rep@example.com", first_name="Rita", last_name="Lee",
              access_type="authorized_rep")


# ---------------------------------------------------------------- structure

@pytest.mark.parametrize("raw", [
    "[" * 5000 + "]" * 5000,                       # deeper than the JSON reader goes
    '{"answers": ' + '{"a":' * 2500 + "1" + "}" * 2500 + "}",
    '{"first_name": NaN}', '{"first_name": Infinity}', '{"first_name": -Infinity}',
    '{"first_name": "a"', "", "\ufeff{}", '{"first_name": "\\ud800"',
])
def test_unreadable_json_is_invalid_json(raw):
    refused(bodies.ChangePortalAccountBody, raw, "invalid_json")


def test_deep_answers_within_the_size_limit_are_refused_by_depth():
    answers = '{"answers": ' + '{"a": ' * 200 + "1" + "}" * 200 + "}"
    assert "nested deeper than 6" in refused(form_bodies.FormAnswersBody, answers)


def test_duplicate_keys_are_refused_at_every_level():
    assert refused(bodies.ChangePortalAccountBody, '{"first_name": "A", "first_name": "B"}') == \
        "Duplicate field: first_name."
    refused(form_bodies.FormAnswersBody, '{"answers": {"q": 1, "q": 2}}')


def test_unknown_and_missing_fields_keep_their_messages():
    assert refused(bodies.CreatePortalAccountBody, dict(CREATE, is_admin=True)) == "Unknown field: is_admin."
    body = {k: v for k, v in CREATE.items() if k != "last_name"}
    assert refused(bodies.CreatePortalAccountBody, body) == "Missing field: last_name."


# ---------------------------------------------------------------- strings

@pytest.mark.parametrize("value", [
    "Ann\x00", "\ud800", "Ann\udfff", "\u202eevil", "a\u2066b", "Ann\nLee", "Ann\x1b[31m", "x" * 101, "   ", "",
])
def test_names_refuse_odd_characters_and_lengths(value):
    raw = json.dumps({"first_name": value})  # lone surrogates travel escaped, as "\ud800"
    assert "first_name must be 1 to 100 characters" in refused(bodies.ChangePortalAccountBody, raw)


def test_names_in_any_script_are_kept_trimmed():
    body = parse(bodies.ChangePortalAccountBody, {"first_name": "  \u0633\u0627\u0631\u0627 ",
                                                  "last_name": "\u05db\u05d4\u05df\u200f"})
    assert body.changes() == {"first_name": "\u0633\u0627\u0631\u0627", "last_name": "\u05db\u05d4\u05df\u200f"}


@pytest.mark.parametrize("field,value", [
    ("username", "\ud800@example.com"), ("password", "pw\ud800"), ("password", "pw\x00"),
    ("username", "x" * 255), ("username", 7), ("username", ["DoeJ"]), ("username", {"a": 1}), ("password", None),
])
def test_login_text_fields(field, value):
    body = {"login_type": "staff", "username": "DoeJ", "password": "pw", field: value}
    refused(bodies.LoginBody, json.dumps(body))


def test_huge_strings_stop_at_the_body_limit():
    assert refused(bodies.LoginBody, json.dumps({"login_type": "staff", "username": "u", "password": "p" * 20_000}),
                   "body_too_large")


def test_a_captcha_token_that_is_not_text_becomes_an_empty_one():
    body = parse(bodies.LoginBody, '{"login_type": "staff", "username": "a", "password": "b", '
                                   '"captcha_token": "\\udc00"}')
    assert body.captcha_token == "" and body.session_delivery == "cookie"


def test_an_invitation_token_that_is_not_text_is_token_invalid():
    for token in (5, None, ["x"], "\\ud800"):
        raw = '{"token": "\\ud800"}' if token == "\\ud800" else json.dumps({"token": token})
        refused(bodies.InvitationLookupBody, raw, "token_invalid")


# ---------------------------------------------------------------- types

@pytest.mark.parametrize("body", [
    {"lockout_threshold": True}, {"lockout_threshold": 3.0}, {"lockout_threshold": "3"}, {"lockout_threshold": None},
    {"captcha_required": 1}, {"captcha_required": "true"}, {"captcha_required": 0},
    {"revision": True}, {"revision": -1}, {"revision": 1.5}, {"revision": "4"}, {"revision": 2**64},
])
def test_numbers_and_booleans_are_never_each_other(body):
    refused(bodies.ChangeSettingsBody, json.dumps(body))


@pytest.mark.parametrize("body", [
    {"permissions": "forms"}, {"permissions": [1]}, {"permissions": [["forms"]]}, {"permissions": None},
    {"access_type": ["self"]}, {"force_password_change": 1}, {"force_password_change": "false"},
])
def test_wrong_types_in_a_patch(body):
    refused(bodies.ChangePortalAccountBody, json.dumps(body))


def test_patch_tells_absent_from_null_and_carries_the_revision():
    body = parse(bodies.ChangeStaffBody, {"email": None, "revision": 7})
    assert body.changes() == {"email": None} and body.revision == 7 and body.roles is ABSENT
    body = parse(bodies.ChangeStaffBody, {"email": "  ", "roles": ["front_desk", "admin", "admin"]})
    assert body.changes() == {"email": None, "roles": ["admin", "front_desk"]}
    assert parse(bodies.ChangeSettingsBody, {"revision": 0}).changes() == {}
    with pytest.raises(InvalidRequest, match="Send at least one of"):
        parse(bodies.ChangePortalAccountBody, {"revision": 3})


def test_create_body_is_clean():
    body = parse(bodies.CreatePortalAccountBody, dict(CREATE, username=" Rep@Example.com ", first_name=" Rita ",
                                                      permissions=["forms", "appointments", "forms"]))
    assert (body.username, body.first_name, body.permissions) == ("Rep@Example.com", "Rita",
                                                                   ["appointments", "forms"])
    assert refused(bodies.CreatePortalAccountBody, dict(CREATE, username="nope"), "invalid_email")
    assert refused(bodies.CreatePortalAccountBody, dict(CREATE, patient_id="P 1")).startswith("A patient id")


# ---------------------------------------------------------------- end to end

def counts() -> dict:
    return {t: len(table_items(t)) for t in WRITTEN}


@pytest.mark.parametrize("raw", [
    json.dumps(rep_body(first_name="\u202eadmin")).encode(),
    json.dumps(rep_body(last_name="Lee\ud800")).encode(),
    json.dumps(rep_body()).replace('"first_name"', '"first_name": "X", "first_name"', 1).encode(),
    json.dumps(rep_body(force_password_change=0)).encode(),
    b'{"patient_id": ' + b"[" * 3000 + b"]" * 3000 + b"}",
])
def test_hostile_account_bodies_change_nothing(gateway, seeded, raw):
    staff = desk(gateway)
    before = counts()
    r = staff.post("/api/clinics/SUNRISE/portal-accounts", body=raw, headers={"content-type": "application/json"})
    assert r.status == 400, r.text
    assert set(r.json()) == {"error", "message"}
    assert counts() == before


@pytest.mark.parametrize("password", ["\ud800\udc00x", "pw\udfff"])
def test_hostile_login_passwords_change_nothing(gateway, seeded, password):
    r = gateway.browser().post("/api/clinics/SUNRISE/login", headers={"content-type": "application/json"},
                               body=json.dumps({"login_type": "staff", "username": "DoeJ",
                                                "password": password}).encode())
    assert r.status in (400, 401), r.text  # an escaped pair is a real character: just a wrong password
    assert set(r.json()) == {"error", "message"}
    assert table_items("sessions") == []


def test_unauthenticated_callers_learn_nothing_about_their_body(gateway, seeded):
    r = gateway.browser().post("/api/clinics/SUNRISE/staff", body=b"{not json",
                               headers={"content-type": "application/json"})
    assert (r.status, r.json()["error"]) == (401, "not_authenticated")


def test_settings_revision_is_accepted_and_bad_settings_change_nothing(gateway, seeded):
    admin = gateway.browser()
    assert login(admin, "DoeJ", ADMIN_PW).status == 200
    url = "/api/clinics/SUNRISE/settings"
    before = admin.get(url).json()
    for raw in (b'{"lockout_threshold": true}', b'{"lockout_threshold": 3, "lockout_threshold": 4}',
                b'{"revision": -1, "lockout_threshold": 3}'):
        r = admin.patch(url, body=raw, headers={"content-type": "application/json"})
        assert (r.status, r.json()["error"]) == (400, "invalid_request"), r.text
    assert admin.get(url).json() == before
    r = admin.patch(url, json={"lockout_threshold": 4, "revision": 0})
    assert r.status == 200 and r.json()["settings"]["lockout_threshold"] == 4
