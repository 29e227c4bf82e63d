"""`make run`'s process: the embedded stack starts, answers, and stops on SIGTERM."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAST_ARGON2 = {"PORTAL_ARGON2_TIME_COST": "1", "PORTAL_ARGON2_MEMORY_KIB": "256", "PORTAL_ARGON2_PARALLELISM": "1"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(tmp_path, seed=None):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "AWS_"))}
    env.update(FAST_ARGON2, PORT=str(port), PORTAL_OUTBOX_DIR=str(tmp_path / "outbox"))
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
    assert f"http://127.0.0.1:{port}/" in out            # it says where to open it
    assert "DoeJ" in out                                  # and the seed's logins
    with pytest.raises(OSError):
        get(f"http://127.0.0.1:{port}/api/health")


def test_a_bad_seed_file_stops_the_stack_with_a_clear_message(tmp_path):
    proc, _ = start(tmp_path, {"clinics": [{"clinic_id": "X", "name": "X", "colour": "red"}]})
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "clinics[0]: unknown key 'colour'" in out
