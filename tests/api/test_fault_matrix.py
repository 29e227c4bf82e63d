"""The fault matrix: every write route of the app (every POST/PUT/PATCH/DELETE
under /api/, read from `app.routes`, so a new route is covered without editing
this file; a route without a recipe below fails) is run once clean to count its
AWS calls, then again with each call made to fail in turn, as botocore reports a
call whose retries are all spent (tests/faults.py): throttling, a 500, a read
timeout, a transaction cancelled for throttling.

For each failed call the reply must be

- 503 `service_unavailable` with `Retry-After`, every table exactly as before, and
  the same request sent again succeeds with exactly one effect (the same items
  added, removed and changed and the same audit events as the clean run); or
- for the invitation email, which is sent after the record commits: the documented
  success, with the email's fate on the record (`invitation_status` "failed" when
  SES refused it; "pending" when recording the status failed) and a resend repairs
  it; or
- for a clean-up after the commit (ending sessions through the index): the
  success, with exactly the clean run's effect.

Authenticated requests run a minute after the previous one, so the session's
`last_seen_at` refresh (a write of its own) is one of the calls that fail.

Sampled to keep the suite fast: every call position of every flow fails once
(the kind rotating), and the first write of each flow (often the session refresh)
and its own first write (the transaction) fail with every kind. The run prints
each flow's calls and case count (`-s`); about 270 cases in all.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Callable

import pytest

from tests.conftest import ADMIN_PW, PATIENT_PW, login
from tests.faults import KINDS, Faults, applies, differences, dump, effect
from tests.portal_helpers import STRONG_PW, rep_body, self_body, sent_messages, token_in

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
CLINIC = "/api/clinics/SUNRISE"
ACCOUNTS = CLINIC + "/portal-accounts"
STAFF = CLINIC + "/staff"
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")


def write_routes() -> list[tuple[str, str]]:
    from app import app

    return sorted((method, path) for path, methods in app.routes.items() if path.startswith("/api/")
                  for method in methods if method in WRITE_METHODS)


# ---------------------------------------------------------------- the world

class World:
    """One moto world per flow; each case prepares its own fresh records in it."""

    def __init__(self, gateway, clock):
        self.gateway = gateway
        self.clock = clock
        self._seq = itertools.count(1)

    def n(self) -> int:
        return next(self._seq)

    def signed_in(self, username, password, login_type="staff"):
        b = self.gateway.browser()
        r = login(b, username, password, login_type=login_type)
        assert r.status == 200, r.text
        return b

    def admin(self):
        return self.signed_in("DoeJ", ADMIN_PW)

    def ok(self, reply, status=200):
        assert reply.status == status, reply.text
        return reply.json() if reply.body else None

    # Portal accounts
    def self_account(self, *, sign_in=True) -> dict:
        """A Self account with a password (no forced change), signed in if asked."""
        username = f"self{self.n()}@example.org"
        out = self.ok(self.admin().post(ACCOUNTS, json=self_body(username=username, force_password_change=False)),
                      201)
        acct = {"id": out["account"]["account_id"], "username": username,
                "password": out["credentials"]["temporary_password"]}
        if sign_in:
            acct["browser"] = self.signed_in(username, acct["password"], "patient")
        return acct

    def rep_account(self) -> dict:
        """An invited representative and the token of its invitation email."""
        out = self.ok(self.admin().post(ACCOUNTS, json=rep_body(username=f"rep{self.n()}@example.org")), 201)
        return {"id": out["account"]["account_id"], "token": token_in(sent_messages()[-1])}

    def form_request(self, account_id: str) -> str:
        out = self.ok(self.admin().post(f"{ACCOUNTS}/{account_id}/form-requests", json={"form_name": "Fault"}), 201)
        return out["form_request"]["request_id"]

    # Staff
    def staff_member(self, *, sign_in=True) -> dict:
        username = f"Fault{self.n()}"
        out = self.ok(self.admin().post(STAFF, json={
            "username": username, "first_name": "Fay", "last_name": "Ult", "roles": ["clinician"],
            "force_password_change": False}), 201)
        member = {"username": username, "password": out["credentials"]["temporary_password"]}
        if sign_in:
            member["browser"] = self.signed_in(username, member["password"])
        return member

    def invited_staff(self) -> dict:
        username = f"Invited{self.n()}"
        self.ok(self.admin().post(STAFF, json={
            "username": username, "first_name": "Ivy", "last_name": "Ted", "roles": ["front_desk"],
            "email": f"{username.lower()}@sunrise.example", "send_invitation": True}), 201)
        return {"username": username, "token": token_in(sent_messages()[-1])}


@dataclass
class Call:
    """One valid request of a flow, and how to resend the invitation it sent (if any)."""
    browser: object
    method: str
    path: str
    json: dict | None = None
    resend: Callable | None = None   # (world, reply) -> path of the resend-invitation action

    def send(self):
        return self.browser.request(self.method, self.path, json=self.json)


def _account_resend(w, reply):
    return f"{ACCOUNTS}/{reply.json()['account']['account_id']}/resend-invitation"


def _staff_resend(w, reply):
    return f"{STAFF}/{reply.json()['staff']['username']}/resend-invitation"


def _settings_change(w):
    admin = w.admin()
    hours = w.ok(admin.get(CLINIC + "/settings"))["settings"]["invitation_hours"]
    return Call(admin, "PATCH", CLINIC + "/settings", {"invitation_hours": 73 if hours == 72 else 72})


def _enable_account(w):
    a = w.self_account(sign_in=False)
    admin = w.admin()
    w.ok(admin.post(f"{ACCOUNTS}/{a['id']}/disable"))
    return Call(admin, "POST", f"{ACCOUNTS}/{a['id']}/enable")


def _enable_staff(w):
    m = w.staff_member(sign_in=False)
    admin = w.admin()
    w.ok(admin.post(f"{STAFF}/{m['username']}/disable"))
    return Call(admin, "POST", f"{STAFF}/{m['username']}/enable")


def _complete_form(w):
    a = w.self_account()
    rid = w.form_request(a["id"])
    return Call(a["browser"], "POST", f"/api/portal/form-requests/{rid}/complete", {"answers": {"q1": "yes"}})


def _change_password(w):
    m = w.staff_member()
    return Call(m["browser"], "POST", "/api/me/password",
                {"current_password": m["password"], "new_password": STRONG_PW})


def _new_staff(invite: bool):
    def prepare(w):
        username = f"New{w.n()}"
        body = {"username": username, "first_name": "Nia", "last_name": "Ewe", "roles": ["clinician"]}
        if invite:
            body.update(email=f"{username.lower()}@sunrise.example", send_invitation=True)
        return Call(w.admin(), "POST", STAFF, body, resend=_staff_resend if invite else None)
    return prepare


# (METHOD, route) -> {variant: prepare(world) -> Call}. A write route without one fails
# `test_every_write_route_has_a_recipe`: add a recipe that builds one valid request.
RECIPES: dict[tuple[str, str], dict[str, Callable]] = {
    ("POST", "/api/clinics/{clinic_id}/captcha/local-token"): {
        "": lambda w: Call(w.gateway.browser(), "POST", CLINIC + "/captcha/local-token")},
    ("POST", "/api/clinics/{clinic_id}/login"): {
        "staff": lambda w: Call(w.gateway.browser(), "POST", CLINIC + "/login",
                                {"login_type": "staff", "username": "DoeJ", "password": ADMIN_PW}),
        "patient": lambda w: Call(w.gateway.browser(), "POST", CLINIC + "/login",
                                  {"login_type": "patient", "username": "ann@example.com", "password": PATIENT_PW})},
    ("POST", "/api/logout"): {
        "": lambda w: Call(w.admin(), "POST", "/api/logout")},
    ("POST", "/api/me/password"): {"": _change_password},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts"): {
        "invited": lambda w: Call(w.admin(), "POST", ACCOUNTS, rep_body(username=f"new{w.n()}@example.org"),
                                  resend=_account_resend),
        "password": lambda w: Call(w.admin(), "POST", ACCOUNTS, self_body(username=f"new{w.n()}@example.org"))},
    ("PATCH", "/api/clinics/{clinic_id}/portal-accounts/{account_id}"): {
        "": lambda w: Call(w.admin(), "PATCH", f"{ACCOUNTS}/{w.self_account()['id']}",
                           {"permissions": ["appointments", "messages"], "first_name": "Anne"})},
    ("DELETE", "/api/clinics/{clinic_id}/portal-accounts/{account_id}"): {
        "": lambda w: Call(w.admin(), "DELETE", f"{ACCOUNTS}/{w.self_account()['id']}")},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/disable"): {
        "": lambda w: Call(w.admin(), "POST", f"{ACCOUNTS}/{w.self_account()['id']}/disable")},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/enable"): {"": _enable_account},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/force-password-change"): {
        "": lambda w: Call(w.admin(), "POST", f"{ACCOUNTS}/{w.self_account()['id']}/force-password-change")},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/reset-password"): {
        "": lambda w: Call(w.admin(), "POST", f"{ACCOUNTS}/{w.self_account()['id']}/reset-password")},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/resend-invitation"): {
        "": lambda w: Call(w.admin(), "POST", f"{ACCOUNTS}/{w.rep_account()['id']}/resend-invitation",
                           resend=lambda w, reply: f"{ACCOUNTS}/{reply.json()['account']['account_id']}"
                                                   "/resend-invitation")},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/form-requests"): {
        "": lambda w: Call(w.admin(), "POST", f"{ACCOUNTS}/{w.self_account(sign_in=False)['id']}/form-requests",
                           {"form_name": "Medication history", "note": "Before your visit"})},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/form-requests/{request_id}/cancel"): {
        "": lambda w: (lambda a: Call(w.admin(), "POST",
                                      f"{ACCOUNTS}/{a['id']}/form-requests/{w.form_request(a['id'])}/cancel"))(
            w.self_account(sign_in=False))},
    ("POST", "/api/portal/form-requests/{request_id}/complete"): {"": _complete_form},
    ("PATCH", "/api/clinics/{clinic_id}/settings"): {"": _settings_change},
    ("POST", "/api/clinics/{clinic_id}/staff"): {"invited": _new_staff(True), "password": _new_staff(False)},
    ("PATCH", "/api/clinics/{clinic_id}/staff/{username}"): {
        "": lambda w: Call(w.admin(), "PATCH", f"{STAFF}/{w.staff_member()['username']}",
                           {"roles": ["front_desk"], "last_name": "Ulta"})},
    ("POST", "/api/clinics/{clinic_id}/staff/{username}/disable"): {
        "": lambda w: Call(w.admin(), "POST", f"{STAFF}/{w.staff_member()['username']}/disable")},
    ("POST", "/api/clinics/{clinic_id}/staff/{username}/enable"): {"": _enable_staff},
    ("POST", "/api/clinics/{clinic_id}/staff/{username}/reset-password"): {
        "": lambda w: Call(w.admin(), "POST", f"{STAFF}/{w.staff_member()['username']}/reset-password")},
    ("POST", "/api/clinics/{clinic_id}/staff/{username}/resend-invitation"): {
        "": lambda w: Call(w.admin(), "POST", f"{STAFF}/{w.invited_staff()['username']}/resend-invitation",
                           resend=lambda w, reply: f"{STAFF}/{reply.json()['staff']['username']}"
                                                   "/resend-invitation")},
    ("POST", "/api/invitations/accept"): {
        "": lambda w: Call(w.gateway.browser(), "POST", "/api/invitations/accept",
                           {"token": w.rep_account()["token"], "password": STRONG_PW})},
    ("POST", "/api/invitations/lookup"): {
        "": lambda w: Call(w.gateway.browser(), "POST", "/api/invitations/lookup",
                           {"token": w.rep_account()["token"]})},
}

FLOWS = [(method, path, variant) for method, path in write_routes()
         for variant in (RECIPES.get((method, path)) or {None: None})]


def flow_id(flow) -> str:
    method, path, variant = flow
    return f"{method} {path}" + (f" [{variant}]" if variant else "")


@pytest.fixture
def world(seeded, gateway, clock):
    """A fresh world per flow: the dumps stay small, so each case stays cheap."""
    with Faults() as faults:
        w = World(gateway, clock)
        w.faults = faults
        yield w


# ---------------------------------------------------------------- the cases

def cases(calls: list[tuple[str, str]], offset: int) -> list[tuple[int, str]]:
    """(position, kind) to fail: each position once, the kind rotating (a kind that
    cannot answer that call moves on to the next); with every kind the first write
    (often the session refresh) and the flow's own first write (not an UpdateItem)."""
    writes = [i for i, (s, op) in enumerate(calls, 1) if s == "dynamodb" and op in WRITES]
    full = set(writes[:1]) | set([i for i in writes if calls[i - 1][1] != "UpdateItem"][:1])
    out = []
    for i, (service, op) in enumerate(calls, 1):
        if i in full:
            out += [(i, kind) for kind in KINDS if applies(kind, service, op)]
            continue
        for step in range(len(KINDS)):
            kind = KINDS[(i + offset + step) % len(KINDS)]
            if applies(kind, service, op):
                out.append((i, kind))
                break
    return out


@dataclass
class Outcome:
    problems: list = field(default_factory=list)


MATRIX: dict[str, int] = {}


def _minute(w) -> None:
    w.clock.advance(61)  # so the request refreshes its session's last_seen_at (a write)


def _is_unavailable(reply) -> str | None:
    """None if the reply is the documented 503; else what is wrong with it."""
    if reply.status != 503:
        return f"status {reply.status}: {reply.text[:200]}"
    retry_after = reply.header("Retry-After")
    if not (retry_after and retry_after.isdigit() and int(retry_after) > 0):
        return f"503 without a Retry-After: {reply.text[:200]}"
    body = reply.json()
    if set(body) != {"error", "message"} or body["error"] != "service_unavailable" or not body["message"]:
        return f"503 body is not the documented error shape: {reply.text[:200]}"
    return None


def _invitation_status(w, call, reply) -> str:
    """The invitation status stored on the record the reply is about."""
    path = call.resend(w, reply).rsplit("/", 1)[0]
    data = w.ok(w.admin().get(path))
    return (data.get("account") or data.get("staff"))["invitation_status"]


def _expected_after_mail_fault(clean: dict, sent_failed: bool) -> dict:
    audit = list(clean["audit"])
    audit.remove(("invitation_email", "sent"))
    if sent_failed:
        audit.append(("invitation_email", "failed"))
    return {**clean, "audit": sorted(audit)}


def run_case(w, prepare, clean_status: int, clean_effect: dict, calls, position: int, kind: str) -> list[str]:
    call = prepare(w)
    service, op = calls[position - 1]
    label = f"call {position} ({service} {op}) {kind}"
    before = dump()
    _minute(w)
    with w.faults.armed(fail_at=position, kind=kind) as run:
        reply = call.send()
    after = dump()
    if run.failed != (service, op):
        return [f"{label}: the request made other calls: {run.calls}"]

    if reply.status == 503:
        wrong = _is_unavailable(reply)
        if wrong:
            return [f"{label}: {wrong}"]
        changed = differences(before, after)
        if changed:
            return [f"{label}: 503 but tables changed: {changed}"]
        _minute(w)
        again = call.send()
        if again.status != clean_status:
            return [f"{label}: the retry answered {again.status}, not {clean_status}: {again.text[:200]}"]
        done = effect(before, dump())
        if done != clean_effect:
            return [f"{label}: the retry's effect {done} is not one clean effect {clean_effect}"]
        return []

    if reply.status != clean_status:
        return [f"{label}: answered {reply.status}: {reply.text[:200]}"]
    # A success despite the failure: only where a step after the commit is documented to be best effort.
    done = effect(before, after)
    mail_sent_before = any(s in ("ses", "sesv2") for s, _ in calls[:position - 1])
    if service in ("ses", "sesv2"):
        # SES refused the invitation: the record says so, and a resend repairs it.
        if done != _expected_after_mail_fault(clean_effect, sent_failed=True):
            return [f"{label}: effect {done}, expected the clean effect with the email failed"]
        problems = _repairs(w, call, reply, label, "failed")
    elif mail_sent_before and op in WRITES:
        # Recording the email's fate failed: the record keeps "pending".
        if done != _expected_after_mail_fault(clean_effect, sent_failed=False):
            return [f"{label}: effect {done}, expected the clean effect without the email's status"]
        problems = _repairs(w, call, reply, label, "pending")
    elif done != clean_effect:
        return [f"{label}: answered {reply.status} with effect {done}, not the clean effect {clean_effect}"]
    else:
        problems = []
    return problems


def _repairs(w, call, reply, label, stored: str) -> list[str]:
    if call.resend is None:
        return [f"{label}: an email failed in a flow with no resend"]
    shown = (reply.json().get("account") or reply.json().get("staff"))["invitation_status"]
    if stored == "failed" and shown != "failed":
        return [f"{label}: the reply says the invitation is {shown!r}, not 'failed'"]
    status = _invitation_status(w, call, reply)
    if status != stored:
        return [f"{label}: the record's invitation_status is {status!r}, expected {stored!r}"]
    before = len(sent_messages())
    again = w.admin().post(call.resend(w, reply))
    if again.status != 200 or len(sent_messages()) != before + 1 or _invitation_status(w, call, again) != "sent":
        return [f"{label}: resending did not repair the invitation: {again.status} {again.text[:200]}"]
    return []


# ---------------------------------------------------------------- the tests

def test_every_write_route_has_a_recipe():
    routes = write_routes()
    assert len(routes) >= 20, routes
    missing = [f"{m} {p}" for m, p in routes if not RECIPES.get((m, p))]
    assert not missing, ("write routes with no fault-matrix recipe; add one to RECIPES in "
                         "tests/api/test_fault_matrix.py: " + ", ".join(missing))
    stale = [f"{m} {p}" for m, p in RECIPES if (m, p) not in routes]
    assert not stale, f"recipes for routes the app no longer has: {stale}"


def _matches(template: str, path: str) -> bool:
    return re.fullmatch(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)), path) is not None


@pytest.mark.parametrize("flow", FLOWS, ids=[flow_id(f) for f in FLOWS])
def test_fault_matrix(world, flow):
    method, template, variant = flow
    prepare = (RECIPES.get((method, template)) or {}).get(variant)
    assert prepare is not None, (f"no fault-matrix recipe for {method} {template}; add one to RECIPES in "
                                 "tests/api/test_fault_matrix.py")
    w = world
    # The clean run: what the flow does and which calls it makes.
    call = prepare(w)
    assert (call.method, _matches(template, call.path)) == (method, True), (call.method, call.path)
    before = dump()
    _minute(w)
    with w.faults.armed() as run:
        reply = call.send()
    assert 200 <= reply.status < 300, reply.text
    clean_effect = effect(before, dump())
    calls = run.calls
    assert calls, "the flow made no AWS call"

    matrix = cases(calls, offset=FLOWS.index(flow))
    problems = []
    for position, kind in matrix:
        problems += run_case(w, prepare, reply.status, clean_effect, calls, position, kind)
    MATRIX[flow_id(flow)] = len(matrix)
    print(f"\n{flow_id(flow)}: {len(calls)} calls {[op for _, op in calls]}, {len(matrix)} cases")
    assert not problems, "\n".join(problems)
