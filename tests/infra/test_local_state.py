"""`make run` keeps what was done across restarts (per seed), atomically, and starts
clean on PORTAL_FRESH=1, for another seed, an edited seed, or changed tables."""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from tests.infra.test_local_stack import FAST_ARGON2, ROOT, free_port


class Stack:
    """The local stack as a process, with its own state and outbox folders."""

    def __init__(self, work, seed: dict, **env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        seed_path = work / "seed.json"
        seed_path.write_text(json.dumps(seed))
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "AWS_"))}
        clean.update(FAST_ARGON2, PORT=str(self.port), PORTAL_SEED=str(seed_path),
                     PORTAL_OUTBOX_DIR=str(work / "outbox"), PORTAL_STATE_DIR=str(work / "state"), **env)
        self.proc = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=clean, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        self.lines = []
        threading.Thread(target=lambda: self.lines.extend(self.proc.stdout), daemon=True).start()
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(self.base + "/api/health", timeout=2):
                    break
            except OSError:
                assert self.proc.poll() is None, self.output()
                assert time.time() < deadline, "the local stack did not become ready"
                time.sleep(0.2)

    def output(self) -> str:
        return "".join(self.lines)

    def call(self, method, path, body=None, cookie=None):
        headers = {"Origin": self.base, "Content-Type": "application/json"}
        if cookie:
            headers["Cookie"] = cookie
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return reply.status, reply.headers, reply.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def login(self, username, password) -> str:
        _, _, token = self.call("POST", "/api/clinics/SUNRISE/captcha/local-token")
        status, headers, body = self.call("POST", "/api/clinics/SUNRISE/login", {
            "login_type": "staff", "username": username, "password": password,
            "captcha_token": json.loads(token)["token"]})
        assert status == 200, body
        return headers["Set-Cookie"].split(";")[0]

    def signed_in(self, cookie) -> bool:
        return self.call("GET", "/api/me", cookie=cookie)[0] == 200

    def stop(self, sig=signal.SIGTERM) -> str:
        os.killpg(self.proc.pid, sig)
        self.proc.wait(timeout=60)
        time.sleep(0.1)
        return self.output()


def state_file(work) -> str:
    files = [f for f in os.listdir(work / "state") if f.endswith(".json")]
    assert len(files) == 1, files
    return os.path.join(work / "state", files[0])


def wait_for_save(work, predicate, timeout=15.0) -> dict:
    deadline = time.time() + timeout
    while True:
        with open(state_file(work), encoding="utf-8") as f:
            state = json.load(f)
        if predicate(state):
            return state
        assert time.time() < deadline, "the change was not saved"
        time.sleep(0.2)


def sessions(state) -> int:
    return len(state["tables"]["sessions"])


def test_what_was_done_survives_a_stop_and_a_crash_and_fresh_starts_clean(tmp_path):
    from tests.conftest import ADMIN_PW, SEED

    stack = Stack(tmp_path, SEED)
    try:
        assert "Started from the seed" in stack.output()
        cookie = stack.login("DoeJ", ADMIN_PW)
    finally:
        out = stack.stop(signal.SIGTERM)                 # SIGTERM to the whole process group
    assert stack.proc.returncode == 0, out
    assert "Traceback" not in out and "KeyboardInterrupt" not in out

    stack = Stack(tmp_path, SEED)                         # the session made before the stop still works
    try:
        assert "Restored" in stack.output()
        assert stack.signed_in(cookie)
        saved = sessions(wait_for_save(tmp_path, lambda s: True))
        second = stack.login("DoeJ", ADMIN_PW)
        wait_for_save(tmp_path, lambda s: sessions(s) == saved + 1)
    finally:
        stack.stop(signal.SIGKILL)                        # a crash: only the last second may be lost

    stack = Stack(tmp_path, SEED)
    try:
        assert stack.signed_in(cookie) and stack.signed_in(second)
    finally:
        stack.stop()

    stack = Stack(tmp_path, SEED, PORTAL_FRESH="1")       # clean from the seed, and it stays clean
    try:
        assert "PORTAL_FRESH=1" in stack.output()
        assert not stack.signed_in(cookie) and not stack.signed_in(second)
    finally:
        stack.stop()
    with open(state_file(tmp_path), encoding="utf-8") as f:
        assert sessions(json.load(f)) == 0


def test_each_seed_has_its_own_state_and_an_edited_seed_starts_clean(tmp_path):
    from infra.local_state import seed_digest

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text('{"clinics": []}')
    b.write_text('{"clinics": []}')
    assert seed_digest(str(a)) == seed_digest(str(b))    # told apart by content, not by name
    b.write_text('{"clinics": [] }')
    assert seed_digest(str(a)) != seed_digest(str(b))


def test_a_state_saved_for_other_tables_is_set_aside_not_loaded(tmp_path):
    from infra import local_state

    path = tmp_path / "state.json"
    local_state.write_atomically(str(path), {"format": local_state.FORMAT, "schema": "an-older-schema",
                                             "tables": {"sessions": []}})
    state, why = local_state.read(str(path), "clinic-portal-local-")
    assert state is None and "tables changed" in why
    aside = local_state.set_aside(str(path))
    assert not path.exists() and os.path.exists(aside)      # kept, never deleted
    path.write_text("{not json")
    assert local_state.read(str(path), "clinic-portal-local-")[0] is None


def test_a_state_saved_before_the_search_keys_starts_clean(tmp_path):
    """Format 1 states hold unfolded name keys and grants without search keys: even
    with today's tables (same schema digest) they are not loaded."""
    from infra import local_state

    path = tmp_path / "state.json"
    prefix = "clinic-portal-local-"
    local_state.write_atomically(str(path), {"format": 1, "schema": local_state.schema_digest(prefix),
                                             "tables": {"patients": []}})
    state, why = local_state.read(str(path), prefix)
    assert local_state.FORMAT == 2 and state is None and "older format" in why


def test_a_save_waits_for_running_requests_and_holds_new_ones_back():
    from infra.local_state import Gate

    gate, events = Gate(), []
    inside, release = threading.Event(), threading.Event()

    def request(name, hold=False):
        with gate.request():
            events.append(f"{name} in")
            if hold:
                inside.set()
                release.wait(5)
            events.append(f"{name} out")

    def save():
        with gate.closed():
            events.append("save")
            time.sleep(0.2)
            events.append("saved")

    first = threading.Thread(target=request, args=("first", True))
    first.start()
    inside.wait(5)
    saver = threading.Thread(target=save)
    saver.start()
    time.sleep(0.1)
    late = threading.Thread(target=request, args=("late",))
    late.start()
    time.sleep(0.1)
    assert events == ["first in"]            # the save waits for the running request, and so does the late one
    release.set()
    for t in (first, saver, late):
        t.join(5)
    assert events == ["first in", "first out", "save", "saved", "late in", "late out"]


@pytest.mark.parametrize("mode", [0o600])
def test_the_state_file_is_private(tmp_path, mode):
    from infra.local_state import write_atomically

    path = tmp_path / "state" / "x.json"
    write_atomically(str(path), {"tables": {}})
    assert os.stat(path).st_mode & 0o777 == mode
    assert os.stat(path.parent).st_mode & 0o777 == 0o700


def test_a_two_factor_set_up_still_works_after_a_restart(tmp_path):
    """The TOTP secret is sealed with the local stack's KMS key: the saved state
    keeps the key, so after a restart the secret decrypts and a code signs in."""
    import pyotp

    from tests.conftest import ADMIN_PW, SEED

    stack = Stack(tmp_path, SEED)
    try:
        cookie = stack.login("DoeJ", ADMIN_PW)
        status, _, body = stack.call("POST", "/api/me/mfa/setup", cookie=cookie)
        assert status == 200, body
        secret = json.loads(body)["secret"]
        status, _, body = stack.call("POST", "/api/me/mfa/confirm", {"code": pyotp.TOTP(secret).now()},
                                     cookie=cookie)
        assert status == 200, body
        wait_for_save(tmp_path, lambda s: s.get("kms") is not None)
    finally:
        stack.stop()
    assert stack.proc.returncode == 0, stack.output()

    stack = Stack(tmp_path, SEED)
    try:
        assert "Restored" in stack.output()
        _, _, token = stack.call("POST", "/api/clinics/SUNRISE/captcha/local-token")
        status, _, body = stack.call("POST", "/api/clinics/SUNRISE/login", {
            "login_type": "staff", "username": "DoeJ", "password": ADMIN_PW,
            "captcha_token": json.loads(token)["token"]})
        assert status == 200 and json.loads(body)["mfa_required"] is True, body
        mfa_token = json.loads(body)["mfa_token"]
        # the code of the step after the one used at set-up (a code is accepted once)
        code = pyotp.TOTP(secret).at(time.time() + 30)
        status, _, body = stack.call("POST", "/api/clinics/SUNRISE/login/mfa",
                                     {"mfa_token": mfa_token, "code": code})
        assert status == 200, body
    finally:
        stack.stop()
