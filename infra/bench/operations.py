"""What the bench measures: `Operation`s (one request each, with untimed setup)
run against a `Bench` (the gateway, the seeded clinic, helpers), registered in
OPERATIONS. Add an operation by appending to OPERATIONS (and a target to
infra.bench.targets.TARGETS).

list_page_100 / list_page_10000 (issue 3): the first page of 50 of User Management
(status=all) in a clinic of 100 and one of 10,000 portal accounts, bulk-written with
BatchWriteItem (no argon2 per account); audit_page: the first page of 50 of the audit
log of a clinic holding a few hundred events; search_*: infra.bench.searches. Each page must be exactly one Query
asking for at most 51 items and reading at most 51 (`Operation.queries`, judged
next to TARGETS). password_change and account_create are measured for the cost
model's profiles (infra.bench.cost)."""
from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from infra.bench.environment import (
    CLINIC_ID,
    CLINIC_SETTINGS,
    FAIL_USERS,
    LOGIN_PW,
    LOGIN_USER,
    PASSWORD_PW,
    PASSWORD_USER,
    PATIENT_ID,
    BenchError,
)

# ---------------------------------------------------------------- the registry

@dataclass
class Bench:
    """What operations get: the gateway, the seeded clinic, and helpers."""
    gateway: object
    clinic_id: str = CLINIC_ID
    quick: bool = False
    _fail_users: itertools.cycle = field(default_factory=lambda: itertools.cycle(FAIL_USERS))
    seeded: set = field(default_factory=set)  # clinics seeded by an operation's prepare
    _sessions: dict = field(default_factory=dict)
    _shared_hash: str | None = None
    password: str = PASSWORD_PW  # PASSWORD_USER's current password (password_change changes it)
    _serial: itertools.count = field(default_factory=itertools.count)

    def serial(self) -> int:
        return next(self._serial)

    def browser(self):
        return self.gateway.browser()

    def login(self, browser, username: str, password: str, clinic_id: str | None = None,
              login_type: str = "staff"):
        return browser.post(f"/api/clinics/{clinic_id or self.clinic_id}/login",
                            json={"login_type": login_type, "username": username, "password": password})

    def signed_in(self, clinic_id: str | None = None, username: str = LOGIN_USER, password: str = LOGIN_PW,
                  login_type: str = "staff"):
        """A browser with a fresh live session (made outside the measured window)."""
        b = self.browser()
        reply = self.login(b, username, password, clinic_id, login_type)
        if reply.status != 200:
            raise BenchError(f"setup login failed: {reply.status} {reply.text}")
        return b

    def session_for(self, clinic_id: str, username: str, password: str, login_type: str = "staff"):
        """A signed-in browser reused across samples (a staff member paging through a
        list), signed in again before its session would be touched (sessions.TOUCH_INTERVAL_S:
        an extra UpdateItem) so every measured request costs the same."""
        from chalicelib.auth.sessions import TOUCH_INTERVAL_S

        key = (clinic_id, username, login_type)
        cached = self._sessions.get(key)
        if cached is None or time.time() - cached[1] >= TOUCH_INTERVAL_S / 2:
            started = time.time()
            cached = self._sessions[key] = (self.signed_in(clinic_id, username, password, login_type), started)
        return cached[0]

    def shared_hash(self) -> str:
        """One argon2 hash, computed once and reused by every bulk-seeded account."""
        if self._shared_hash is None:
            from chalicelib.auth.passwords import hash_password

            self._shared_hash = hash_password("bench-portal-password")
        return self._shared_hash

    def next_failure_user(self) -> str:
        return next(self._fail_users)


@dataclass(frozen=True)
class Operation:
    """One request to measure. `setup` runs before each sample, untimed, and its
    result is handed to `measure`, the one timed request. `prepare` runs once,
    before the warm-ups (for data only this operation needs); `check`, untimed,
    looks at every reply (status is always checked)."""
    name: str
    measure: Callable[[Bench, object], object]
    expect_status: int = 200
    setup: Callable[[Bench], object] = lambda bench: None
    prepare: Callable[[Bench], None] | None = None
    check: Callable[[Bench, object], None] | None = None  # untimed, on every reply; raises BenchError
    # When set: every sample must make exactly this many Queries (at most, with queries_at_most),
    # each with Limit <= query_limit (judged in BenchRun.checks next to TARGETS).
    queries: int | None = None
    query_limit: int | None = None
    queries_at_most: bool = False  # `queries` is a bound (a search: one Query per source at most)
    # Also report `keys_read`: the items read by key (GetItem, BatchGetItem, TransactGetItems)
    reads_by_key: bool = False


def _login_failure_setup(bench: Bench):
    return bench.browser(), bench.next_failure_user()


def _password_change_setup(bench: Bench):
    return bench.signed_in(username=PASSWORD_USER, password=bench.password), f"quiet-lantern-orbit-{bench.serial()}-Ze7"


def _password_change(bench: Bench, state):
    browser, new_password = state
    reply = browser.post("/api/me/password", json={"current_password": bench.password, "new_password": new_password})
    if reply.status == 204:
        bench.password = new_password
    return reply


def _account_create(bench: Bench, browser):
    n = bench.serial()
    return browser.post(f"/api/clinics/{bench.clinic_id}/portal-accounts", json={
        "patient_id": PATIENT_ID, "username": f"rep{n}@bench.example", "first_name": "Rita",
        "last_name": f"Rep{n}", "access_type": "authorized_rep", "permissions": ["appointments", "forms"]})


# ---------------------------------------------------------------- the audit log page

AUDIT_EVENTS = (300, 60)  # events seeded in the bench clinic's audit log (full, quick)


def _seed_audit(bench: Bench) -> None:
    """Audit events for the bench clinic (login events of made-up staff), bulk-written."""
    from chalicelib.clinics.records import clinic_key
    from chalicelib.core.audit import RequestInfo, event
    from chalicelib.models import AuditEventModel

    info = RequestInfo(source_ip="198.51.100.7", user_agent="Mozilla/5.0 (bench) Firefox/140.0")
    with AuditEventModel.batch_write() as out:
        for i in range(AUDIT_EVENTS[1 if bench.quick else 0]):
            out.save(event(clinic_key(bench.clinic_id), "login", info=info, outcome="success",
                           actor={"kind": "staff", "username": f"staff{i % 20}"}))


def _check_audit_page(bench: Bench, reply) -> None:
    body = reply.json()
    if len(body["items"]) != LIST_PAGE or body["next_cursor"] is None:
        raise BenchError(f"audit_page: expected {LIST_PAGE} events and a cursor, got {len(body['items'])} "
                         f"and next_cursor={body['next_cursor']!r}")


# ---------------------------------------------------------------- User Management list pages

LIST_PAGE = 50  # chalicelib.portal_accounts.listing.PAGE_SIZE: the first page a staff member sees
LIST_USER, LIST_PW = "BenchDesk", "bench-desk-password"  # front_desk: has portal_accounts.manage
# name -> (accounts in its own clinic, the same in quick mode)
LIST_CLINICS = {"list_page_100": (100, 20), "list_page_10000": (10_000, 200)}


def list_clinic_id(name: str) -> str:
    return "BENCH-" + name.replace("_", "-").upper()  # BENCH-LIST-PAGE-100: one clinic per size


def list_accounts_count(bench: Bench, name: str) -> int:
    full, quick = LIST_CLINICS[name]
    return quick if bench.quick else full


def seed_list_clinic(bench: Bench, clinic_id: str, accounts: int) -> None:
    """A clinic with one front-desk user and `accounts` portal accounts (a login and its
    grant each), written with BatchWriteItem (25 per request) straight from
    `new_account_items` and `grants.new_grant`: no argon2 per account (active and
    disabled ones share one precomputed hash; invited ones have none). A mix like a
    real clinic: 80% active self accounts, 10% invited representatives, 10% disabled."""
    from types import SimpleNamespace

    from chalicelib.clinics.records import clinic_key
    from chalicelib.core.ids import now
    from chalicelib.models import AccessGrantModel, PortalAccountModel, PortalUsernameModel
    from chalicelib.portal_accounts.grants import new_grant
    from chalicelib.portal_accounts.records import PORTAL_SECTIONS, new_account_items
    from infra.seed import load

    load({"clinics": [{"clinic_id": clinic_id, "name": f"Bench {clinic_id}", "settings": CLINIC_SETTINGS}],
          "staff": [{"clinic_id": clinic_id, "username": LIST_USER, "password": LIST_PW,
                     "first_name": "Bench", "last_name": "Desk", "roles": ["front_desk"]}]})
    ck, pw_hash, at = clinic_key(clinic_id), bench.shared_hash(), now()
    with PortalAccountModel.batch_write() as accounts_out, PortalUsernameModel.batch_write() as claims_out, \
            AccessGrantModel.batch_write() as grants_out:
        for i in range(accounts):
            kind = i % 10
            invited, disabled = kind == 0, kind == 1
            account, claim = new_account_items(
                ck, username=f"patient{i:06d}@bench.example", first_name=f"First{i}", last_name=f"Last{i}",
                force_password_change=invited, password_hash=None if invited else pw_hash,
                status="invited" if invited else "disabled" if disabled else "active")
            if invited:
                account.invitation_status, account.invitation_expires_at = "sent", at + 72 * 3600
            else:
                account.last_login_at = at - i
            patient = SimpleNamespace(patient_id=f"P{i:06d}", first_name=f"Pat{i}", last_name=f"Ient{i}")
            accounts_out.save(account)
            claims_out.save(claim)
            grants_out.save(new_grant(account, patient, access_type="authorized_rep" if invited else "self",
                                      permissions=["appointments", "messages"] if invited else list(PORTAL_SECTIONS),
                                      at=at))


def list_page_operation(name: str, status: str = "all", label: str | None = None) -> Operation:
    """`name` (a key of LIST_CLINICS): the first page of User Management, `status`
    filter, as a signed-in front-desk user (the session reused across samples).
    `label` names a variant (another status) measured on the same clinic."""
    clinic_id = list_clinic_id(name)

    def prepare(bench: Bench) -> None:
        if clinic_id not in bench.seeded:  # variants (another status) share the clinic
            seed_list_clinic(bench, clinic_id, list_accounts_count(bench, name))
            bench.seeded.add(clinic_id)

    def check(bench: Bench, reply) -> None:
        body = reply.json()
        n = list_accounts_count(bench, name)
        matching = n if status == "all" else sum(
            1 for i in range(n) if {"invited": i % 10 == 0, "disabled": i % 10 == 1}.get(
                status, i % 10 >= 2))
        want = min(LIST_PAGE, matching)
        if len(body["items"]) != want or (body["next_cursor"] is not None) != (matching > LIST_PAGE):
            raise BenchError(f"{name}: expected {want} items and next_cursor={matching > LIST_PAGE}, got "
                             f"{len(body['items'])} items and next_cursor={body['next_cursor']!r}")

    return Operation(
        label or name, prepare=prepare, check=check, queries=1, query_limit=LIST_PAGE + 1,
        setup=lambda b: b.session_for(clinic_id, LIST_USER, LIST_PW),
        measure=lambda b, browser: browser.get(f"/api/clinics/{clinic_id}/portal-accounts?status={status}"))


OPERATIONS: list[Operation] = [
    Operation("clinic_lookup",
              setup=lambda b: b.browser(),
              measure=lambda b, browser: browser.get(f"/api/clinics/{b.clinic_id}")),
    Operation("staff_login",
              setup=lambda b: b.browser(),
              measure=lambda b, browser: b.login(browser, LOGIN_USER, LOGIN_PW)),
    Operation("login_failure", expect_status=401,
              setup=_login_failure_setup,
              measure=lambda b, s: b.login(s[0], s[1], "not-the-password")),
    Operation("me",
              setup=lambda b: b.signed_in(),
              measure=lambda b, browser: browser.get("/api/me")),
    Operation("logout", expect_status=204,
              setup=lambda b: b.signed_in(),
              measure=lambda b, browser: browser.post("/api/logout")),
    # Issue 3: one page of 50 of User Management (status=all), 100 vs 10,000 accounts in the clinic.
    list_page_operation("list_page_100"),
    list_page_operation("list_page_10000"),
    # Issue 9: the audit log's first page, as an admin (the session reused across samples).
    Operation("audit_page", prepare=_seed_audit, check=_check_audit_page, queries=1, query_limit=LIST_PAGE + 1,
              setup=lambda b: b.session_for(b.clinic_id, LOGIN_USER, LOGIN_PW),
              measure=lambda b, browser: browser.get(f"/api/clinics/{b.clinic_id}/audit")),
    # For the cost model's profiles (infra.bench.cost).
    Operation("password_change", expect_status=204, setup=_password_change_setup, measure=_password_change),
    Operation("account_create", expect_status=201,
              setup=lambda b: b.session_for(b.clinic_id, LOGIN_USER, LOGIN_PW), measure=_account_create),
]
LIST_OPERATIONS = ("list_page_100", "list_page_10000", "audit_page")  # judged on items_read and app_ms

# Issue 10: the first page of a search by each key, 100 vs 10,000 patients (infra.bench.searches).
from infra.bench.searches import search_operations  # noqa: E402 (needs Operation)

OPERATIONS += search_operations()

# Issue 13: the patient home with every tile and a provider's day, 100 vs 10,000 patients
# (infra.bench.sections).
from infra.bench.sections import section_operations  # noqa: E402 (needs Operation)

OPERATIONS += section_operations()
