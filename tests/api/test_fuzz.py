"""Fuzzing: schemathesis generates requests from docs/openapi.yaml, the in-process
gateway sends them to the app, and every reply must be < 500, a documented status of
that operation, and match the documented schema (the same checks as test_openapi.Wire,
including the documented error codes).

Each operation gets its own moto and seed. Every case is sent as one of the roles
(admin, front desk, clinician, patient, another clinic's admin: real sessions, with
the Origin the app requires) or anonymously with whatever Authorization header and
session cookie schemathesis made up. Path parameters are either generated or the ids
of seeded records, so the cases also reach past the 404s.

CI runs EXAMPLES cases per operation, at least MIN_TOTAL in all; `make fuzz` runs
more (FUZZ_EXAMPLES per operation, random seeds: FUZZ_RANDOM=1).
"""
from __future__ import annotations

import copy
import os
import pathlib
import re
import sys
from contextlib import suppress

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

from tests.api.test_openapi import Wire  # noqa: E402
from tests.conftest import ADMIN_PW, CLINICIAN_PW, DESK_PW, LAKE_PW, PATIENT_PW, SEED  # noqa: E402

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
BASE_URL = "http://127.0.0.1:8000"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))  # per operation and generation mode group
MIN_TOTAL = 2000
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"

# (clinic, username, password, login_type) of each role's real session.
ROLES = {
    "admin": ("SUNRISE", "DoeJ", ADMIN_PW, "staff"),
    "front_desk": ("SUNRISE", "DeskD", DESK_PW, "staff"),
    "clinician": ("SUNRISE", "PatelR", CLINICIAN_PW, "staff"),
    "patient": ("SUNRISE", "bob@example.com", PATIENT_PW, "patient"),
    "other_clinic_admin": ("Lakeside", "KimS", LAKE_PW, "staff"),
}
ANONYMOUS = "anonymous"

# Extra records the fuzzer may act on without ending the roles' own sessions:
# a clinician to disable/reset, a patient whose portal account (Bob's) holds form requests.
# The front-desk role is not SmithF: docs/openapi.yaml gives SmithF as the example
# staff username, and a case that disables or resets it must not end a role's login.
FUZZ_SEED = copy.deepcopy(SEED)
FUZZ_SEED["staff"].append({"clinic_id": "SUNRISE", "username": "DeskD", "password": DESK_PW,
                           "first_name": "Dana", "last_name": "Desk", "roles": ["front_desk"]})
FUZZ_SEED["staff"].append({"clinic_id": "SUNRISE", "username": "TargetT", "password": CLINICIAN_PW,
                           "first_name": "Tara", "last_name": "Target", "roles": ["clinician"]})
FUZZ_SEED["patients"].append({"clinic_id": "SUNRISE", "patient_id": "P150", "first_name": "Bob",
                              "last_name": "Ray", "email": "bob@example.com"})
FUZZ_SEED["portal_accounts"].append(
    {"clinic_id": "SUNRISE", "patient_id": "P150", "username": "bob@example.com", "password": PATIENT_PW,
     "first_name": "Bob", "last_name": "Ray", "access_type": "self", "force_password_change": False,
     "permissions": ["appointments", "forms", "messages", "test_results", "visit_summaries"], "enabled": True})

# Cases whose operation is still being fixed: {(METHOD, path): reason}.
XFAIL: dict[tuple[str, str], str] = {}

_schema = schemathesis.openapi.from_path(str(DOC))
OPERATIONS = [result.ok() for result in _schema.get_all_operations()]
EXECUTED: dict[str, int] = {}
STATUSES: dict[tuple[str, int], int] = {}  # (role, status) -> cases, for the summary line


def op_id(op) -> str:
    return f"{op.method.upper()} {op.path}"


class Sessions:
    """One browser per role, signed in lazily and again whenever a case may have ended it."""

    def __init__(self, gateway, clock):
        self.gateway = gateway
        self.clock = clock
        self.browsers: dict = {}

    def get(self, role: str):
        if role == ANONYMOUS:
            return self.gateway.browser(source_ip="203.0.113.99")
        if role not in self.browsers:
            self.browsers[role] = self.sign_in(role)
        return self.browsers[role]

    def sign_in(self, role: str):
        clinic, username, password, login_type = ROLES[role]
        b = self.gateway.browser(source_ip="198.51.100.20")
        for _ in range(3):
            # A CAPTCHA token in case a fuzzed settings change turned CAPTCHA on.
            token = b.post(f"/api/clinics/{clinic}/captcha/local-token")
            extra = {"captcha_token": token.json()["token"]} if token.status == 201 else {}
            r = b.post(f"/api/clinics/{clinic}/login", json={"login_type": login_type, "username": username,
                                                              "password": password, **extra})
            if r.status != 429:
                break
            # Fuzzed wrong current passwords (or a fuzzed lower limit) locked the role out: wait it out.
            self.clock.advance(int(r.header("Retry-After")) + 1)
        assert r.status == 200, f"the fuzzed cases broke the {role} login: {r.status} {r.text}"
        return b

    def forget(self, role: str):
        self.browsers.pop(role, None)


def known_ids(gateway, clock) -> dict:
    """Ids of seeded records, to put into path parameters."""
    sessions = Sessions(gateway, clock)
    admin = sessions.get("admin")
    r = admin.get("/api/clinics/SUNRISE/portal-accounts")
    assert r.status == 200, r.text
    accounts = {i["username"]: i["account_id"] for i in r.json()["items"]}
    logins = {i["username"]: i["login"]["login_id"] for i in r.json()["items"]}
    r = admin.post("/api/clinics/SUNRISE/form-templates", json={"name": "Intake form", "fields": [
        {"key": "q1", "label": "Question", "type": "short_text"}]})
    assert r.status == 201, r.text
    template_id = r.json()["form_template"]["template_id"]
    r = admin.post(f"/api/clinics/SUNRISE/portal-accounts/{accounts['bob@example.com']}/form-requests",
                   json={"template_id": template_id})
    assert r.status == 201, r.text
    request_id = r.json()["form_request"]["request_id"]
    # A released test result of Bob's (P150): the patient role's own document.
    from tests.sections.documents.helpers import upload

    document = upload(admin, patient_id="P150", title="Fuzz result")["document_id"]
    assert admin.post(f"/api/clinics/SUNRISE/documents/{document}/release").status == 200
    return {"ann_account": accounts["ann@example.com"], "bob_account": accounts["bob@example.com"],
            "ann_login": logins["ann@example.com"], "template": template_id,
            "request": request_id, "document": document}


def known_value(op, name: str, ids: dict):
    if name == "clinic_id":
        return "SUNRISE"
    if name == "patient_id":
        # The patient role is Bob (P150): his own patient, so portal cases reach past the grant check.
        return "P150" if op.path.startswith("/api/portal/") else "P100"
    if name == "login_id":
        return ids["ann_login"]  # never the patient role's own login
    if name == "username":
        return "TargetT"
    if name == "account_id":
        # Form requests live on Bob's account; everything else acts on Ann's, so
        # disabling or resetting it never ends the patient role's own session.
        return ids["bob_account"] if "form-requests" in op.path else ids["ann_account"]
    if name == "request_id":
        return ids["request"]
    if name == "template_id":
        return ids["template"]
    if name == "document_id":
        return ids["document"]
    return None


def case_strategy(op):
    modes = [op.as_strategy(generation_mode=GenerationMode.POSITIVE)]
    # schemathesis raises when there is nothing to make invalid (no parameters, no body).
    with suppress(Exception):
        modes.append(op.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    return st.one_of(*modes)


def send(case, browser, role: str, real_ids: dict):
    import requests

    kwargs = case.as_transport_kwargs(base_url=BASE_URL)
    headers = {k: v for k, v in kwargs.pop("headers").items() if k.lower() != "x-schemathesis-testcaseid"}
    if role != ANONYMOUS:  # the role's session stands in for the generated credentials
        kwargs.pop("cookies", None)
        headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
    if real_ids:
        path = case.operation.path
        for name, value in {**case.path_parameters, **real_ids}.items():
            path = path.replace("{" + name + "}", requests.utils.quote(str(value), safe="")
                                if name in real_ids else str(value))
        kwargs["url"] = BASE_URL + path
    prepared = requests.Request(headers=headers, **kwargs).prepare()
    body = prepared.body.encode("utf-8") if isinstance(prepared.body, str) else prepared.body
    out_headers = {k: v for k, v in prepared.headers.items() if k.lower() not in ("content-length", "connection")}
    return browser.request(case.method, prepared.path_url, body=body, headers=out_headers)


@pytest.fixture
def fuzz_gateway(gateway, aws):
    from infra.seed import load

    load(copy.deepcopy(FUZZ_SEED))
    return gateway


@pytest.mark.parametrize("op", [pytest.param(op, id=op_id(op), marks=(
    [pytest.mark.xfail(reason=XFAIL[(op.method.upper(), op.path)], strict=True)]
    if (op.method.upper(), op.path) in XFAIL else [])) for op in OPERATIONS])
def test_fuzz_operation(op, fuzz_gateway, clock):
    ids = known_ids(fuzz_gateway, clock)
    sessions = Sessions(fuzz_gateway, clock)
    wire = Wire()
    path_names = re.findall(r"\{(\w+)\}", op.path)
    executed = 0

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
              suppress_health_check=list(HealthCheck), print_blob=True)
    @given(case=case_strategy(op), role=st.sampled_from([*ROLES, ANONYMOUS]),
           use_known=st.lists(st.booleans(), min_size=len(path_names), max_size=len(path_names)))
    def run(case, role, use_known):
        nonlocal executed
        chosen = zip(path_names, use_known, strict=True)
        real_ids = {name: known_value(op, name, ids) for name, known in chosen if known}
        reply = send(case, sessions.get(role), role, real_ids)
        executed += 1
        STATUSES[(role, reply.status)] = STATUSES.get((role, reply.status), 0) + 1
        assert reply.status < 500, f"{role}: {reply.status} {reply.text[:500]}"
        wire.problems.clear()
        wire.check(reply, op.method, op.path)
        assert not wire.problems, f"as {role}: " + "\n".join(wire.problems)
        if role != ANONYMOUS and (reply.status == 401 or op.path == "/api/logout"):
            sessions.forget(role)  # the case ended the session (or a fuzzed timeout did)

    try:
        run()
    finally:
        EXECUTED[op_id(op)] = executed


def test_fuzz_ran_enough_cases():
    """Runs after the operations above: the total number of cases actually sent."""
    if len(EXECUTED) < len(OPERATIONS):
        pytest.skip("only some operations were fuzzed in this run")
    total = sum(EXECUTED.values())
    sys.__stdout__.write(f"\nfuzz: {total} cases over {len(EXECUTED)} operations "
                         f"({EXAMPLES} examples per operation)\n")
    for role in [*ROLES, ANONYMOUS]:
        counts = sorted((status, n) for (r, status), n in STATUSES.items() if r == role)
        sys.__stdout__.write(f"  {role}: " + ", ".join(f"{status}x{n}" for status, n in counts) + "\n")
    assert total >= MIN_TOTAL or EXAMPLES * len(OPERATIONS) < MIN_TOTAL, (
        f"only {total} fuzzed cases ran, fewer than {MIN_TOTAL}")
