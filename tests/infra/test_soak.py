"""The bounded soak: 50 clients for 60 s of mixed flows against the local stack as a
process; no 5xx, no dropped connection, and afterwards the audit log, the accounts
and the sessions reconcile with what the clients did.

SOAK_SECONDS (default 60) and SOAK_CLIENTS (default 50) shorten it while developing.
"""
import json
import os
from collections import Counter

import pytest

from infra.soak import flows, reconcile, seed
from infra.soak.__main__ import soak
from infra.soak.client import Ledger
from infra.soak.stack import LocalStack

SECONDS = float(os.environ.get("SOAK_SECONDS") or 60)
CLIENTS = int(os.environ.get("SOAK_CLIENTS") or 50)


def test_the_stack_survives_the_soak_and_reconciles(tmp_path, capsys):
    with LocalStack(str(tmp_path), CLIENTS) as stack:
        result = soak(stack.url, CLIENTS, SECONDS, dynamodb_endpoint=stack.dynamodb_endpoint,
                      table_prefix="clinic-portal-local-", rng_seed=8)
    (tmp_path / "soak.json").write_text(json.dumps(result, indent=2))
    with capsys.disabled():
        lat = result["latency_ms"]
        print(f"\nsoak: {result['clients']} clients, {result['elapsed_s']} s, {result['requests']} requests, "
              f"{result['requests_per_s']} req/s, p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms; "
              f"statuses {result['statuses']}; did {result['did']}")
    assert stack.returncode == 0, stack.output()[-3000:]        # and it stopped cleanly afterwards

    problems = result["first_problems"]
    assert result["server_errors"] == 0, problems
    assert result["connection_errors"] == 0, problems
    assert result["unexpected_replies"] == 0, problems
    if sum(result["flows"].values()) >= 2 * CLIENTS:   # each client's second flow rotates through the kinds
        assert set(result["flows"]) == set(flows.WEIGHTS), result["flows"]
    failed = [c for c in result["reconciliation"] if not c["ok"]]
    assert failed == [], json.dumps(failed, indent=1)
    assert result["sessions_checked"]
    did = result["did"]
    assert did["logins"].get("staff failed", 0) > 0 and did["accounts_created"] > 0 and did["logouts"] > 0
    assert did["sessions_left_open"] > 0                           # browse-and-leave left some open
    if sum(did["hammered_username"].values()) > seed.LOCKOUT_THRESHOLD:
        assert did["hammered_username"]["locked"] > 0                # and the lockout held


# ---------------------------------------------------------------- the reconciliation catches what it must

def consistent():
    """A ledger and what a faithful stack would show for it."""
    ledger = Ledger()
    ledger.logins.update({("staff", "succeeded"): 3, ("staff", "failed"): 6, ("patient", "succeeded"): 1,
                          ("staff", "locked"): 1})
    ledger.hammer.update({"failed": 5, "locked": 1})  # the threshold is 5
    ledger.logouts = 2
    ledger.live = {"h1", "h2"}
    # a User Management row (an access grant) -> its login: the audit names the login
    ledger.accounts = {"a1": {"username": "x@example.com", "status": "active", "login_id": "l1"},
                       "a2": {"username": "y@example.com", "status": "invited", "login_id": "l2"}}

    def ev(kind, outcome="succeeded", actor="staff", subject=None):
        return {"kind": kind, "outcome": outcome, "actor": {"kind": actor, "username": "Soak001"},
                "subject": subject}

    events = ([ev("login")] * 3 + [ev("login", "failed")] * 6 + [ev("login", actor="patient")]
              + [ev("login", "locked")] + [ev("logout")] * 2
              + [ev("portal_account_created", subject={"id": "l1"}), ev("portal_account_created", subject={"id": "l2"}),
                 ev("invitation_email", "sent")])
    observed = reconcile.Observed(events=events, sessions=["h2", "h1"], captcha_left=0,
                                  accounts=[{"account_id": "a2", "status": "invited"},
                                            {"account_id": "a1", "status": "active"}])
    return ledger, observed


def failing(ledger, observed):
    return [c["check"] for c in reconcile.compare(ledger, observed) if not c["ok"]]


def test_a_faithful_stack_reconciles():
    assert failing(*consistent()) == []


@pytest.mark.parametrize("spoil, check", [
    (lambda led, o: o.events.pop(0), "audit login events"),                              # a login lost
    (lambda led, o: o.events.append(o.events[-2]), "audit portal_account_created"),      # an account doubled
    (lambda led, o: o.accounts.pop(), "listed accounts =="),                             # an account lost
    (lambda led, o: o.accounts.append({"account_id": "zz", "status": "active"}), "listed accounts =="),
    (lambda led, o: o.accounts[0].update(status="active"), "listed account statuses"),
    (lambda led, o: o.sessions.append("h3"), "live sessions in the table =="),           # a logout not ended
    (lambda led, o: setattr(o, "sessions", ["h1", "h9"]), "exactly the clients' unended"),
    (lambda led, o: o.events.remove(next(e for e in o.events if e["kind"] == "logout")), "audit logout"),
    (lambda led, o: setattr(o, "captcha_left", 1), "CAPTCHA tokens"),
    (lambda led, o: led.hammer.update({"failed": 1}), "hammered username"),              # lockout outrun
    (lambda led, o: led.duplicate_ids.append("a1"), "no account id handed out twice"),
    (lambda led, o: o.events.append({"kind": "staff_disabled", "outcome": "succeeded", "actor": {}}),
     "no other audit event kinds"),
])
def test_the_reconciliation_notices_a_lost_or_doubled_record(spoil, check):
    ledger, observed = consistent()
    spoil(ledger, observed)
    names = failing(ledger, observed)
    assert any(check in n for n in names), names


def test_the_summary_shows_what_differs_not_thousands_of_ids():
    ledger, observed = consistent()
    ledger.accounts.update({f"id{i:03d}": {"username": "u", "status": "active", "login_id": f"l{i:03d}"}
                            for i in range(40)})
    observed.accounts += [{"account_id": f"id{i:03d}", "status": "active"} for i in range(1, 41)]
    brief = {c["check"]: c for c in reconcile.brief(reconcile.compare(ledger, observed))}
    listed = brief["listed accounts == accounts the clients created"]
    assert listed["ok"] is False and listed["missing"] == ["id000"] and listed["extra"] == ["id040"]
    assert listed["expected"] == "42 items"
    assert Counter(c["ok"] for c in brief.values())[True] > 0
