"""Structured request logs: one JSON line per request, and nothing secret in any line.

The flow is a list of STEPS driven through the in-process gateway; extend it by
appending a Step (a new route gets its log line checked and its secrets hunted
for). tests/test_deploy.py replays the same STEPS to check the IAM policy allows
every AWS call they make.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from tests.conftest import ADMIN_PW, CLINICIAN_PW, DESK_PW, LAKE_PW, PATIENT_PW, SEED

NEW_ADMIN_PW = "Marigold-lantern-harbor-91"
WRONG_PW = "not-the-right-password-7"
QUERY_SECRET = "cursor-carrying-ann@example.com"
REQUEST_FIELDS = {"time", "level", "logger", "event", "request_id", "clinic_id", "route", "method",
                  "status", "latency_ms"}
OPTIONAL_REQUEST_FIELDS = {"aws_request_id"}


@dataclass
class Step:
    """One request of the flow. `body` may be a callable of the flow state (tokens seen so far)."""
    name: str
    agent: str  # which browser (cookie jar) sends it
    method: str
    path: str
    route: str  # the route pattern the log line must name
    status: int
    body: dict | Callable | None = None
    headers: Callable | None = None  # state -> extra headers
    clinic_id: str | None = None  # what the log line's clinic_id must be


def _login(login_type, username, password, **extra):
    return {"login_type": login_type, "username": username, "password": password, **extra}


LOGIN_ROUTE = "/api/clinics/{clinic_id}/login"

STEPS: list[Step] = [
    Step("clinic lookup", "staff", "GET", "/api/clinics/sunrise", "/api/clinics/{clinic_id}", 200,
         clinic_id="sunrise"),
    Step("staff login, wrong password", "staff", "POST", "/api/clinics/SUNRISE/login", LOGIN_ROUTE, 401,
         _login("staff", "DoeJ", WRONG_PW), clinic_id="SUNRISE"),
    Step("staff login", "staff", "POST", "/api/clinics/SUNRISE/login", LOGIN_ROUTE, 200,
         _login("staff", "DoeJ", ADMIN_PW), clinic_id="SUNRISE"),
    Step("who am I", "staff", "GET", "/api/me", "/api/me", 200),
    Step("password change", "staff", "POST", "/api/me/password", "/api/me/password", 204,
         {"current_password": ADMIN_PW, "new_password": NEW_ADMIN_PW}),
    Step("audit list, with a query string", "staff", "GET", f"/api/clinics/SUNRISE/audit?cursor={QUERY_SECRET}",
         "/api/clinics/{clinic_id}/audit", 400, clinic_id="SUNRISE"),
    Step("audit list", "staff", "GET", "/api/clinics/SUNRISE/audit", "/api/clinics/{clinic_id}/audit", 200,
         clinic_id="SUNRISE"),
    Step("logout", "staff", "POST", "/api/logout", "/api/logout", 204),
    Step("front desk login", "desk", "POST", "/api/clinics/SUNRISE/login", LOGIN_ROUTE, 200,
         _login("staff", "SmithF", DESK_PW), clinic_id="SUNRISE"),
    Step("front desk may not read the audit", "desk", "GET", "/api/clinics/SUNRISE/audit",
         "/api/clinics/{clinic_id}/audit", 403, clinic_id="SUNRISE"),
    Step("patient login, wrong password", "patient", "POST", "/api/clinics/SUNRISE/login", LOGIN_ROUTE, 401,
         _login("patient", "ann@example.com", WRONG_PW), clinic_id="SUNRISE"),
    Step("patient login (bearer)", "patient", "POST", "/api/clinics/SUNRISE/login", LOGIN_ROUTE, 200,
         _login("patient", "Ann@Example.com", PATIENT_PW, session_delivery="bearer"), clinic_id="SUNRISE"),
    Step("patient who am I (Authorization header)", "patient", "GET", "/api/me", "/api/me", 200,
         headers=lambda state: {"authorization": f"Bearer {state['bearer']}"}),
    Step("an email where a Clinic ID goes", "other", "GET", "/api/clinics/ann@example.com",
         "/api/clinics/{clinic_id}", 404, clinic_id=None),
    Step("not signed in", "other", "GET", "/api/me", "/api/me", 401),
]


@dataclass
class FlowResult:
    replies: list = field(default_factory=list)
    secrets: set = field(default_factory=set)  # every token/cookie value the flow saw


def run_flow(gateway, steps=STEPS) -> FlowResult:
    browsers: dict = {}
    state: dict = {}
    result = FlowResult()
    for step in steps:
        browser = browsers.setdefault(step.agent, gateway.browser())
        body = step.body(state) if callable(step.body) else step.body
        headers = step.headers(state) if step.headers else None
        reply = browser.request(step.method, step.path, json=body, headers=headers)
        assert reply.status == step.status, f"{step.name}: {reply.status} {reply.text}"
        result.replies.append(reply)
        result.secrets.update(v for v in browser.cookies.values() if v)
        cookie = reply.header("set-cookie") or ""
        value = cookie.partition("=")[2].split(";")[0]
        if value:
            result.secrets.add(value)
        if reply.header("content-type") == "application/json" and reply.body:
            token = reply.json().get("session_token") if isinstance(reply.json(), dict) else None
            if token:
                state["bearer"] = token
                result.secrets.add(token)
    return result


def seed_secrets() -> tuple[set, set]:
    """(exact strings that must never appear, names that must never appear as words)."""
    exact = {ADMIN_PW, DESK_PW, CLINICIAN_PW, PATIENT_PW, LAKE_PW, NEW_ADMIN_PW, WRONG_PW, QUERY_SECRET}
    words = set()
    for section in ("staff", "patients", "portal_accounts"):
        for entry in SEED.get(section, []):
            for key in ("password", "email"):
                if entry.get(key):
                    exact.add(entry[key])
            if entry.get("username") and section == "portal_accounts":
                exact.add(entry["username"])
            if section in ("patients", "portal_accounts"):
                words.update(entry[k] for k in ("first_name", "last_name") if entry.get(k))
                exact.add(f"{entry['first_name']} {entry['last_name']}")
    return exact, words


def find_leaks(text: str, exact: set, words: set) -> list[str]:
    lowered = text.lower()
    leaks = [s for s in exact if s.lower() in lowered]
    leaks += [w for w in words if re.search(rf"\b{re.escape(w)}\b", text)]
    return leaks


@pytest.fixture
def captured(capsys, caplog):
    """Everything the app logged: the portal's JSON lines (stdout) and any other logger (caplog)."""
    caplog.set_level(logging.INFO)

    def read():
        out = capsys.readouterr().out
        others = "\n".join(f"{r.name} {r.levelname} {r.getMessage()}" for r in caplog.records)
        return out, others
    return read


def json_lines(out: str) -> list[dict]:
    lines = [line for line in out.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            pytest.fail(f"a stdout line that is not JSON: {line[:200]!r}")
    return parsed


def test_each_request_logs_exactly_one_json_line_with_the_required_fields(gateway, seeded, captured):
    captured()  # drop anything the fixtures printed
    run_flow(gateway)
    out, _ = captured()
    lines = json_lines(out)
    requests = [line for line in lines if line.get("event") == "request"]
    assert len(requests) == len(STEPS), [line.get("route") for line in requests]
    for step, line in zip(STEPS, requests, strict=True):
        assert REQUEST_FIELDS <= set(line) <= REQUEST_FIELDS | OPTIONAL_REQUEST_FIELDS, (step.name, line)
        assert line["route"] == step.route, step.name
        assert line["method"] == step.method, step.name
        assert line["status"] == step.status, step.name
        assert line["clinic_id"] == step.clinic_id, step.name
        assert line["logger"] == "portal.request" and line["level"] == "INFO"
        assert isinstance(line["latency_ms"], (int, float)) and line["latency_ms"] >= 0
        assert isinstance(line["request_id"], str) and line["request_id"]
    assert len({line["request_id"] for line in requests}) == len(requests), "request ids repeat"


def test_no_password_token_email_or_patient_name_in_any_log_line(gateway, seeded, captured):
    captured()
    flow = run_flow(gateway)
    out, others = captured()
    exact, words = seed_secrets()
    exact |= flow.secrets
    assert flow.secrets, "the flow saw no session token: the check would be empty"
    assert find_leaks(out, exact, words) == []
    assert find_leaks(others, exact, words) == []
    # The raw path and the query string are never logged, only the route pattern.
    assert "/api/clinics/SUNRISE/login" not in out and "cursor=" not in out


def test_the_leak_finder_finds_leaks():
    exact, words = seed_secrets()
    assert find_leaks('{"x":"ann@example.com"}', exact, words)
    assert find_leaks('{"x":"Lee"}', exact, words)
    assert find_leaks(f'{{"x":"{ADMIN_PW}"}}', exact, words)
    assert not find_leaks('{"route":"/api/clinics/{clinic_id}/login","clinic_id":"SUNRISE"}', exact, words)


def test_an_unhandled_error_is_one_json_line_with_the_request_id_and_no_message(gateway, seeded, captured,
                                                                                   monkeypatch):
    import chalicelib.auth.adaptive_captcha

    def broken(clinic_id, source_ip):
        raise RuntimeError("boom while reading ann@example.com")

    # The clinic lookup's one read (the clinic and the caller's IP counter).
    monkeypatch.setattr(chalicelib.auth.adaptive_captcha, "clinic_for_login_page", broken)
    captured()
    reply = gateway.browser().get("/api/clinics/SUNRISE")
    assert reply.status == 500
    out, others = captured()
    lines = json_lines(out)
    errors = [line for line in lines if line.get("level") == "ERROR"]
    requests = [line for line in lines if line.get("event") == "request"]
    assert len(errors) == 1 and len(requests) == 1, lines
    error, request = errors[0], requests[0]
    assert error["request_id"] == request["request_id"]
    assert error["exception"] == "RuntimeError"
    assert error["stack"] and all(" in " in frame for frame in error["stack"])
    assert request["status"] == 500 and request["route"] == "/api/clinics/{clinic_id}"
    assert "ann@example.com" not in out and "ann@example.com" not in others


def test_log_level_comes_from_the_stage_setting(gateway, seeded, captured, monkeypatch):
    from chalicelib.core.settings import reset_settings

    monkeypatch.setenv("PORTAL_LOG_LEVEL", "WARNING")
    reset_settings()
    try:
        captured()
        assert gateway.browser().get("/api/health").status == 200
        out, _ = captured()
        assert json_lines(out) == []
    finally:
        monkeypatch.delenv("PORTAL_LOG_LEVEL")
        reset_settings()
