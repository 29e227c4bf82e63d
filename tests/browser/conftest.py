"""Browser tests: the real local stack (`python -m infra.local`) in a subprocess,
driven by Debian's Chromium through Playwright, at phone and desktop sizes.

Never downloads a browser: without /usr/bin/chromium the suite is skipped
(or fails when CI is set).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
SEED_PATH = os.path.join(HERE, "seed.json")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT_DIR = os.path.join(tempfile.gettempdir(), "clinic-portal-screens")
STARTUP_TIMEOUT_S = 60
EXPECT_TIMEOUT_MS = 7_000

with open(SEED_PATH, encoding="utf-8") as _f:
    SEED = json.load(_f)


def seed_password(username: str) -> str:
    for entry in SEED["staff"] + SEED["portal_accounts"]:
        if entry["username"] == username:
            return entry["password"]
    raise KeyError(username)


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    mobile: bool

    def context_options(self) -> dict:
        options = {"viewport": {"width": self.width, "height": self.height}}
        if self.mobile:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        return options


VIEWPORTS = [Viewport("mobile", 390, 844, True), Viewport("desktop", 1280, 800, False)]


# ---------------------------------------------------------------- the local stack

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stack_env(port: int, outbox: str) -> dict:
    # Start from a clean slate: the unit tests' conftest puts its own stage and
    # AWS settings into os.environ, and infra.local only fills in what is unset.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "AWS_"))}
    env.update({
        "PORT": str(port),
        "PORTAL_SEED": SEED_PATH,
        "PORTAL_OUTBOX_DIR": outbox,
        "PORTAL_STATE_DIR": os.path.join(os.path.dirname(outbox), "state"),  # never the developer's .local/
        "PORTAL_ARGON2_TIME_COST": "1",
        "PORTAL_ARGON2_MEMORY_KIB": "256",
        "PORTAL_ARGON2_PARALLELISM": "1",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.access(CHROMIUM, os.X_OK):
        message = f"{CHROMIUM} is missing; install Debian's chromium (`make browser`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def portal(chromium_path, tmp_path_factory) -> str:
    """Base URL of a running local stack loaded with tests/browser/seed.json."""
    port = _free_port()
    work = tmp_path_factory.mktemp("portal")
    outbox = str(work / "outbox")
    log_path = work / "local.log"
    log = open(log_path, "w+", encoding="utf-8")  # noqa: SIM115 - open while the stack runs, closed below
    proc = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=_stack_env(port, outbox),
                            stdout=log, stderr=subprocess.STDOUT)
    # Opened as localhost, the stack's public base URL (infra/local.py): browsers refuse an
    # IP address as a passkey's relying party id, and emailed links name the same host.
    base = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the local stack exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the local stack did not answer /api/health within {STARTUP_TIMEOUT_S}s")
            time.sleep(0.2)
    except Exception as exc:  # noqa: BLE001 - any start-up failure: stop the stack, show its log
        _stop(proc)
        log.seek(0)
        pytest.fail(f"{exc}\n--- infra.local output ---\n{log.read()[-4000:]}")
    try:
        yield base
    finally:
        _stop(proc)
        log.close()


# ---------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def chromium(chromium_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(params=VIEWPORTS, ids=[v.name for v in VIEWPORTS])
def viewport(request) -> Viewport:
    return request.param


# The page's own fetches of 4xx answers (a wrong password, an unknown clinic)
# are expected; Chromium logs each one as a console error.
EXPECTED_HTTP_ERROR = re.compile(
    r"^Failed to load resource: the server responded with a status of (400|401|403|404|429) ")


class ConsoleWatch:
    """Console errors and uncaught exceptions of a page (CSP violations show up here)."""

    def __init__(self):
        self.problems: list[str] = []
        self.allowed: list[re.Pattern] = [EXPECTED_HTTP_ERROR]

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def on_console(self, message) -> None:
        if message.type == "error" and not any(p.search(message.text) for p in self.allowed):
            self.problems.append(f"console error: {message.text} ({message.location})")

    def on_page_error(self, error) -> None:
        self.problems.append(f"page error: {error}")


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


# ---------------------------------------------------------------- accessibility

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_audited: set[str] = set()


def _axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT  # axe-core, shipped in the package

    return AXE_SCRIPT


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_script())  # through the DevTools protocol: the page's CSP is not involved
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS)
    return result["violations"]


def violation_report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append(f"      {node.get('failureSummary', '').replace(chr(10), ' ')[:300]}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail on any axe-core WCAG 2.1 A/AA violation in the page's current state.
    Each distinct state (the page's markup at this viewport width) is checked once
    per run: the helpers call this at every state the tests visit."""
    state = page.evaluate("location.pathname + '\\n' + innerWidth + '\\n' + document.documentElement.outerHTML")
    key = hashlib.sha256(state.encode("utf-8")).hexdigest()
    if key in _audited:
        return
    violations = axe_violations(page)
    assert not violations, f"accessibility violations on {page.url}:\n{violation_report(violations)}"
    _audited.add(key)


def audit_before_close(pg) -> None:
    """The last state of a page, checked as its test ends (skipped once it is closed or blank)."""
    from playwright.sync_api import Error

    if pg.is_closed() or not pg.url.startswith("http"):
        return
    for attempt in range(3):
        try:
            pg.wait_for_load_state("load")
            pg.wait_for_timeout(100)  # let a page that is still starting settle
            assert_accessible(pg)
            return
        except Error as exc:  # a navigation (a login's redirect) was still under way
            if "context was destroyed" not in str(exc) or attempt == 2:
                raise


@pytest.fixture
def page(chromium, portal, viewport, console):
    context = chromium.new_context(base_url=portal, **viewport.context_options())
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    pg = context.new_page()
    pg.on("console", console.on_console)
    pg.on("pageerror", console.on_page_error)
    try:
        yield pg
        audit_before_close(pg)
    finally:
        context.close()
    assert not console.problems, "\n".join(console.problems)


@pytest.fixture(scope="session")
def screenshot_dir() -> str:
    shutil.rmtree(SCREENSHOT_DIR, ignore_errors=True)
    os.makedirs(SCREENSHOT_DIR, exist_ok=True)
    return SCREENSHOT_DIR
