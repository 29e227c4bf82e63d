"""The fault matrix: every write route of the app (every POST/PUT/PATCH/DELETE
under /api/, read from `app.routes`, so a new route is covered without editing
this file; a route without a recipe in tests/api/fault_recipes.py fails) is run once clean to count its
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
  it; for an email whose fate nothing records (a password-reset link, a username
  reminder, "your password was changed"), the success with the clean effect; or
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

import re

import pytest

from tests.api.fault_recipes import RECIPES, WRITES, World, write_routes
from tests.faults import KINDS, Faults, applies, differences, dump, effect
from tests.portal_helpers import sent_messages

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
    return _person(data)["invitation_status"]


def _person(data: dict) -> dict:
    """The record a reply is about: a portal account (a grant row), a portal login or a staff member."""
    return data.get("account") or data.get("login") or data.get("staff")


MAIL_EVENTS = ("invitation_email", "access_added_email")


def _records_mail(clean: dict) -> bool:
    return any(kind in MAIL_EVENTS for kind, _ in clean["audit"])


def _mail_event(clean: dict) -> str:
    """The email the flow sends: an invitation, or the "access added" notice."""
    return next(kind for kind in MAIL_EVENTS if (kind, "sent") in clean["audit"])


def _expected_after_mail_fault(clean: dict, sent_failed: bool) -> dict:
    audit = list(clean["audit"])
    kind = _mail_event(clean)
    audit.remove((kind, "sent"))
    if sent_failed:
        audit.append((kind, "failed"))
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
    if service in ("ses", "sesv2") and not _records_mail(clean_effect):
        # An email whose fate nothing records (a reset link, a username reminder, "your
        # password was changed"): the same reply and the same effect; the person asks again.
        if done != clean_effect:
            return [f"{label}: effect {done}, expected the clean effect"]
        problems = []
    elif service in ("ses", "sesv2"):
        # SES refused the invitation: the record says so, and a resend repairs it.
        if done != _expected_after_mail_fault(clean_effect, sent_failed=True):
            return [f"{label}: effect {done}, expected the clean effect with the email failed"]
        problems = _repairs(w, call, reply, label, "failed", clean_effect)
    elif mail_sent_before and op in WRITES and _records_mail(clean_effect):
        # Recording the email's fate failed: the record keeps "pending".
        if done != _expected_after_mail_fault(clean_effect, sent_failed=False):
            return [f"{label}: effect {done}, expected the clean effect without the email's status"]
        problems = _repairs(w, call, reply, label, "pending", clean_effect)
    elif done != clean_effect:
        return [f"{label}: answered {reply.status} with effect {done}, not the clean effect {clean_effect}"]
    else:
        problems = []
    return problems


def _repairs(w, call, reply, label, stored: str, clean: dict) -> list[str]:
    if _mail_event(clean) == "access_added_email":
        return []  # a notice to a login that can already sign in: nothing to resend, the audit says it failed
    if call.resend is None:
        return [f"{label}: an email failed in a flow with no resend"]
    shown = _person(reply.json())["invitation_status"]
    if stored == "failed" and shown != "failed":
        return [f"{label}: the reply says the invitation is {shown!r}, not 'failed'"]
    status = _invitation_status(w, call, reply)
    if status != stored:
        return [f"{label}: the record's invitation_status is {status!r}, expected {stored!r}"]
    admin = w.admin()   # its sign-in may send a new-browser email: count after it
    before = len(sent_messages())
    again = admin.post(call.resend(w, reply))
    if again.status != 200 or len(sent_messages()) != before + 1 or _invitation_status(w, call, again) != "sent":
        return [f"{label}: resending did not repair the invitation: {again.status} {again.text[:200]}"]
    return []


# ---------------------------------------------------------------- the tests

def test_every_write_route_has_a_recipe():
    routes = write_routes()
    assert len(routes) >= 20, routes
    missing = [f"{m} {p}" for m, p in routes if not RECIPES.get((m, p))]
    assert not missing, ("write routes with no fault-matrix recipe; add one to RECIPES in "
                         "tests/api/fault_recipes.py: " + ", ".join(missing))
    stale = [f"{m} {p}" for m, p in RECIPES if (m, p) not in routes]
    assert not stale, f"recipes for routes the app no longer has: {stale}"


def _matches(template: str, path: str) -> bool:
    return re.fullmatch(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template)), path) is not None


@pytest.mark.parametrize("flow", FLOWS, ids=[flow_id(f) for f in FLOWS])
def test_fault_matrix(world, flow):
    method, template, variant = flow
    prepare = (RECIPES.get((method, template)) or {}).get(variant)
    assert prepare is not None, (f"no fault-matrix recipe for {method} {template}; add one to RECIPES in "
                                 "tests/api/fault_recipes.py")
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
    print(f"\n{flow_id(flow)}: {len(calls)} calls {[op for _, op in calls]}, {len(matrix)} cases")
    assert not problems, "\n".join(problems)
