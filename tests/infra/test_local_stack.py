"""`make run`'s process: the embedded stack starts, answers, and stops on SIGTERM."""
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAST_ARGON2 = {"PORTAL_ARGON2_TIME_COST": "1", "PORTAL_ARGON2_MEMORY_KIB": "256", "PORTAL_ARGON2_PARALLELISM": "1"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(tmp_path, seed=None, **extra_env):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "AWS_"))}
    env.update(FAST_ARGON2, PORT=str(port), PORTAL_OUTBOX_DIR=str(tmp_path / "outbox"),
               PORTAL_STATE_DIR=str(tmp_path / "state"), **extra_env)
    if seed is not None:
        path = tmp_path / "seed.json"
        path.write_text(json.dumps(seed))
        env["PORTAL_SEED"] = str(path)
    proc = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, port


def get(url):
    with urllib.request.urlopen(url, timeout=2) as r:
        return r.status, json.loads(r.read())


def test_the_stack_serves_the_seed_and_stops_on_sigterm(tmp_path):
    from tests.conftest import SEED

    proc, port = start(tmp_path, SEED)
    try:
        deadline = time.time() + 60
        while True:
            try:
                status, body = get(f"http://127.0.0.1:{port}/api/health")
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.time() < deadline, "the local stack did not become ready"
                time.sleep(0.2)
        assert (status, body) == (200, {"status": "ok"})
        status, clinic = get(f"http://127.0.0.1:{port}/api/clinics/lakeside")
        assert clinic["clinic_id"] == "Lakeside" and clinic["name"] == "Lakeside Pediatrics"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out
    assert f"http://localhost:{port}/" in out            # it says where to open it (a name: passkeys)
    assert "DoeJ" in out                                  # and the seed's logins
    with pytest.raises(OSError):
        get(f"http://127.0.0.1:{port}/api/health")


def test_a_bad_seed_file_stops_the_stack_with_a_clear_message(tmp_path):
    proc, _ = start(tmp_path, {"clinics": [{"clinic_id": "X", "name": "X", "colour": "red"}]})
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "clinics[0]: unknown key 'colour'" in out


# ---------------------------------------------------------------- one running stack, a custom seed

class RunningStack:
    def __init__(self, proc, port):
        self.proc, self.port, self.lines = proc, port, []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_output(self, text, timeout=10.0) -> str:
        deadline = time.time() + timeout
        while text not in self.output() and time.time() < deadline:
            time.sleep(0.05)
        return self.output()

    def request(self, method, path, *, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            reply = conn.getresponse()
            return reply.status, reply.read()
        finally:
            conn.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    from tests.conftest import SEED

    moto_port = free_port()
    proc, port = start(tmp_path_factory.mktemp("stack"), SEED, PORTAL_MOTO_PORT=str(moto_port))
    running = RunningStack(proc, port)
    running.moto_port = moto_port
    try:
        deadline = time.time() + 60
        while True:
            try:
                if get(f"http://127.0.0.1:{port}/api/health")[0] == 200:
                    break
            except OSError:
                assert proc.poll() is None, running.output()
                assert time.time() < deadline, "the local stack did not become ready"
                time.sleep(0.2)
        yield running
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def login_body(password="not-the-password"):
    return json.dumps({"username": "DoeJ", "password": password, "login_type": "staff"})


def test_the_access_log_shows_paths_without_query_strings(stack):
    stack.request("GET", "/invite?token=SECRET-INVITATION-TOKEN")
    stack.request("GET", "/api/clinics/SUNRISE/patients?q=Leesurname&limit=5")
    out = stack.wait_for_output("/api/clinics/SUNRISE/patients")
    assert "/invite" in out and "/api/clinics/SUNRISE/patients" in out   # the paths are still logged
    assert "SECRET-INVITATION-TOKEN" not in out and "token=" not in out
    assert "Leesurname" not in out and "q=" not in out


def test_a_custom_seed_files_passwords_are_not_printed(stack):
    from tests.conftest import SEED

    out = stack.wait_for_output("Press Ctrl-C")
    assert "DoeJ" in out                                  # the logins are named
    for entry in SEED["staff"] + SEED["portal_accounts"]:
        if entry.get("password"):
            assert entry["password"] not in out, entry["username"]


def test_the_banner_names_the_moto_server_on_the_port_asked_for(stack):
    import boto3

    endpoint = f"http://127.0.0.1:{stack.moto_port}"
    assert f"AWS services (moto) at {endpoint}, tables clinic-portal-local-*" in stack.wait_for_output("Press Ctrl-C")
    db = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="local", aws_secret_access_key="local")
    assert "clinic-portal-local-sessions" in db.list_tables()["TableNames"]


def test_the_demo_seeds_passwords_are_printed(monkeypatch, tmp_path):
    from infra import local

    monkeypatch.setenv("PORTAL_OUTBOX_DIR", str(tmp_path))
    with open(local.DEMO_SEED, encoding="utf-8") as f:
        demo = json.load(f)
    text = local.banner(8000, local.DEMO_SEED)
    for entry in demo["staff"] + demo["portal_accounts"]:
        if entry.get("password"):
            assert entry["password"] in text, entry["username"]
    copy = tmp_path / "demo-copy.json"  # the same content under another name is a custom seed
    copy.write_text(json.dumps(demo))
    assert demo["staff"][0]["password"] not in local.banner(8000, str(copy))


def test_the_stack_answers_50_concurrent_clients(stack):
    clients, results = 50, []
    barrier = threading.Barrier(clients)
    origin = {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{stack.port}"}

    def client(i):
        barrier.wait()
        try:
            if i % 5 == 0:
                status, _ = stack.request("GET", "/api/health")
            else:
                status, _ = stack.request("POST", "/api/clinics/SUNRISE/login", body=login_body(), headers=origin)
            results.append(status)
        except OSError as exc:
            results.append(type(exc).__name__)

    started = time.time()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    assert time.time() - started < 90
    assert len(results) == clients
    errors = [r for r in results if not isinstance(r, int)]
    assert errors == [], f"{len(errors)} of {clients} clients got no answer: {errors}"
    assert set(results) <= {200, 401, 423, 429}, sorted(results)


def test_the_stack_allows_its_own_loopback_origins_and_refuses_others(stack):
    host = f"127.0.0.1:{stack.port}"
    for origin in (f"http://127.0.0.1:{stack.port}", f"http://localhost:{stack.port}"):
        status, body = stack.request("POST", "/api/clinics/Lakeside/login", body=login_body(),
                                     headers={"Content-Type": "application/json", "Origin": origin, "Host": host})
        assert status != 403, (origin, body)
    status, body = stack.request("POST", "/api/clinics/Lakeside/login", body=login_body(),
                                 headers={"Content-Type": "application/json", "Origin": "http://evil.example",
                                          "Host": "evil.example"})
    assert status == 403 and json.loads(body)["error"] == "origin_mismatch"


def test_unknown_addresses_get_a_404_page_or_the_json_error(stack):
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    try:
        conn.request("GET", "/no-such-page?x=1", headers={"Accept": "text/html"})
        page = conn.getresponse()
        body = page.read().decode()
        assert page.status == 404 and page.getheader("Content-Type").startswith("text/html")
        assert "Page not found" in body and "Missing Authentication Token" not in body
        assert page.getheader("X-Content-Type-Options") == "nosniff"
    finally:
        conn.close()
    status, body = stack.request("GET", "/api/no-such-thing")
    assert status == 404
    assert json.loads(body) == {"error": "not_found", "message": "There is nothing at this address."}


def test_a_login_sends_each_cookie_on_its_own_set_cookie_line(stack):
    """The session and the device cookie (a list in the app's reply: multiValueHeaders)
    reach the browser as two Set-Cookie lines, as API Gateway sends them."""
    from tests.conftest import DESK_PW

    origin = f"http://127.0.0.1:{stack.port}"   # (DoeJ is locked by the tests above)
    body = json.dumps({"username": "SmithF", "password": DESK_PW, "login_type": "staff"})
    conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=30)
    try:
        conn.request("POST", "/api/clinics/SUNRISE/login", body=body,
                     headers={"Content-Type": "application/json", "Origin": origin})
        reply = conn.getresponse()
        reply.read()
        cookies = reply.msg.get_all("Set-Cookie") or []
    finally:
        conn.close()
    assert reply.status == 200
    assert [c.split("=")[0] for c in cookies][0] == "portal_session" and len(cookies) == 2, cookies
    assert cookies[1].startswith("portal_device_") and "Path=/api/clinics/SUNRISE/login" in cookies[1]
