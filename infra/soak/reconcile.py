"""After the run: does what the stack recorded match what the clients did?

Read through paths that already exist, no back door: the audit log and the
account list through the API, signed in as the seed's auditor (an administrator
who took no part in the run; its own events and session are left out), and the
sessions and CAPTCHA tokens from the tables on the local stack's moto server
(the API has no list of sessions). Only this run's records count: audit events
from its start, accounts whose usernames carry its tag, sessions and tokens
created since it started, so a stack that has seen other runs reconciles too.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

from infra.soak import seed
from infra.soak.client import Aborted, Client, Ledger

AUDITOR_KEY = seed.AUDITOR.casefold()


@dataclass
class Observed:
    events: list[dict] = field(default_factory=list)      # this run's audit events, auditor's left out
    accounts: list[dict] = field(default_factory=list)    # this run's accounts (User Management)
    sessions: list[str] | None = None                     # token hashes of this run's live sessions
    captcha_left: int | None = None                       # this run's CAPTCHA tokens never used


def read_api(url: str, tag: str, started: float) -> Observed:
    """The audit log from `started` on and the run's accounts, as the auditor sees them.
    Raises client.Aborted, saying what came back, when the stack does not answer."""
    client = Client(url, -1)
    try:
        return _read_api(client, tag, started)
    except Aborted as exc:
        raise Aborted(f"{exc}: {(client.errors + client.unexpected)[:1]}") from None
    finally:
        client.close()


def _read_api(client: Client, tag: str, started: float) -> Observed:
    from infra.soak.flows import CLINIC

    client.flow = "reconcile"
    _, captcha = client.call("POST", f"{CLINIC}/captcha/local-token", "reconcile captcha", expect=(201,))
    _, reply = client.call("POST", f"{CLINIC}/login", "reconcile login", body={
        "login_type": "staff", "username": seed.AUDITOR, "password": seed.AUDITOR_PASSWORD,
        "captcha_token": captcha["token"], "session_delivery": "bearer"})
    token = reply["session_token"]
    observed = Observed()
    started_us = int(started * 1_000_000)
    try:
        for items in _pages(client, token, f"{CLINIC}/audit", "reconcile audit"):
            fresh = [e for e in items if int(e["event_id"].split("#")[0]) >= started_us]
            observed.events += [e for e in fresh if (e["actor"] or {}).get("username", "").casefold() != AUDITOR_KEY]
            if len(fresh) < len(items):
                break  # newest first: the rest is older than the run
        for items in _pages(client, token, f"{CLINIC}/portal-accounts?status=all&q=soak-{tag}-",
                            "reconcile accounts"):
            observed.accounts += items
    finally:
        client.call("POST", "/api/logout", "reconcile logout", bearer=token, expect=(204,))
    return observed


def _pages(client: Client, token: str, path: str, label: str):
    cursor = None
    while True:
        sep = "&" if "?" in path else "?"
        _, page = client.call("GET", path + (f"{sep}cursor={quote(cursor)}" if cursor else ""), label, bearer=token)
        yield page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return


def read_tables(observed: Observed, endpoint: str, table_prefix: str, started: float) -> None:
    """This run's live sessions and unused CAPTCHA tokens, from the moto server."""
    import boto3

    db = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="local", aws_secret_access_key="local")
    since = {":ck": {"S": seed.CLINIC_KEY}, ":since": {"N": str(int(started))}}

    def scan(table: str, where: str, values: dict) -> list[dict]:
        items = []
        for page in db.get_paginator("scan").paginate(TableName=table_prefix + table, FilterExpression=where,
                                                      ExpressionAttributeValues=values):
            items += page["Items"]
        return items

    sessions = scan("sessions", "clinic_key = :ck AND created_at >= :since", since)
    observed.sessions = [s["token_hash"]["S"] for s in sessions if s["username"]["S"].casefold() != AUDITOR_KEY]
    tokens = scan("tokens", "clinic_key = :ck AND created_at >= :since AND kind = :captcha",
                  {**since, ":captcha": {"S": "captcha"}})
    observed.captcha_left = len(tokens)


def check(name: str, expected, found) -> dict:
    return {"check": name, "ok": expected == found, "expected": expected, "found": found}


def compare(ledger: Ledger, observed: Observed) -> list[dict]:
    """One entry per check: {check, ok, expected, found}."""
    def counts(counter) -> dict:
        return {f"{kind} {outcome}": n for (kind, outcome), n in sorted(counter.items()) if n}

    kinds = Counter(e["kind"] for e in observed.events)
    logins = Counter(((e["actor"] or {}).get("kind"), e["outcome"]) for e in observed.events if e["kind"] == "login")
    created = sorted((e["subject"] or {}).get("id") or "" for e in observed.events
                     if e["kind"] == "portal_account_created")
    invited = sum(1 for a in ledger.accounts.values() if a["status"] == "invited")
    listed = sorted(a["account_id"] for a in observed.accounts)
    mine = sorted(ledger.accounts)
    succeeded = sum(n for (_, outcome), n in ledger.logins.items() if outcome == "succeeded")
    hammered = sum(ledger.hammer.values())
    checks = [
        check("audit login events by kind and outcome == logins the clients saw",
              counts(ledger.logins), counts(logins)),
        check("audit logout events == logouts", ledger.logouts, kinds["logout"]),
        # A row is an access grant; the event names the login (each soak username is a new login).
        check("audit portal_account_created ids == logins the clients created",
              sorted(a["login_id"] for a in ledger.accounts.values()), created),
        check("audit invitation emails sent == representatives created", invited,
              sum(1 for e in observed.events if e["kind"] == "invitation_email" and e["outcome"] == "sent")),
        check("no account id handed out twice", [], sorted(ledger.duplicate_ids)),
        check("listed accounts == accounts the clients created", mine, listed),
        check("listed account statuses == statuses at creation",
              {i: a["status"] for i, a in sorted(ledger.accounts.items())},
              {a["account_id"]: a["status"] for a in sorted(observed.accounts, key=lambda a: a["account_id"])}),
        check("hammered username: failures verified == min(attempts, lockout threshold)",
              min(hammered, seed.LOCKOUT_THRESHOLD), ledger.hammer["failed"]),
        check("clients' live sessions == logins - logouts", succeeded - ledger.logouts, len(ledger.live)),
    ]
    if observed.sessions is not None:
        checks += [
            check("live sessions in the table == logins - logouts", succeeded - ledger.logouts,
                  len(observed.sessions)),
            check("live sessions in the table are exactly the clients' unended ones", sorted(ledger.live),
                  sorted(observed.sessions)),
            check("CAPTCHA tokens issued and never used", 0, observed.captcha_left),
        ]
    unknown = sorted(set(kinds) - {"login", "logout", "portal_account_created", "invitation_email"})
    checks.append(check("no other audit event kinds", [], unknown))
    return checks


def brief(checks: list[dict]) -> list[dict]:
    """Checks for the summary: a long list as its size when it matches, else what is
    missing from the stack and what it has that the clients never made (10 of each)."""
    out = []
    for c in checks:
        if isinstance(c["expected"], list) and len(c["expected"]) + len(c["found"]) > 12:
            want, got = Counter(c["expected"]), Counter(c["found"])
            c = {**c, "expected": f"{len(c['expected'])} items", "found": f"{len(c['found'])} items"}
            if not c["ok"]:
                c["missing"] = sorted((want - got).elements())[:10]
                c["extra"] = sorted((got - want).elements())[:10]
        elif isinstance(c["expected"], dict) and len(c["expected"]) + len(c["found"]) > 12:
            want, got = c["expected"], c["found"]
            c = {**c, "expected": f"{len(want)} items", "found": f"{len(got)} items"}
            if not c["ok"]:
                differ = [k for k in sorted(set(want) | set(got)) if want.get(k) != got.get(k)]
                c["differ"] = {k: [want.get(k), got.get(k)] for k in differ[:10]}
        out.append(c)
    return out
