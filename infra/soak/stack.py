"""The local stack as a process (`python -m infra.local`), seeded for the soak."""
from __future__ import annotations

import collections
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

from infra.soak import seed

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The test suite's argon2 parameters: the soak measures the stack under load, not
# argon2 (`make bench` does), and 50 verifies at once with the deployed 64 MiB each
# would need gigabytes. `--argon2 deployed` keeps the deployed parameters.
CHEAP_ARGON2 = {"PORTAL_ARGON2_TIME_COST": "1", "PORTAL_ARGON2_MEMORY_KIB": "256", "PORTAL_ARGON2_PARALLELISM": "1"}
_MOTO_LINE = re.compile(r"AWS services \(moto\) at (http://\S+?),")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


STOP_TIMEOUT_S = 120


class LocalStack:
    """`with LocalStack(workdir, clients) as stack:` a running, seeded stack;
    `stack.url`, `stack.dynamodb_endpoint`; SIGTERM to its process group on exit."""

    def __init__(self, workdir: str, clients: int, *, cheap_argon2: bool = True, ready_timeout: float = 120):
        self.workdir, self.clients = workdir, clients
        self.cheap_argon2, self.ready_timeout = cheap_argon2, ready_timeout
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.dynamodb_endpoint: str | None = None
        self.proc: subprocess.Popen | None = None
        self.head: list[str] = []                       # the banner
        self.tail: collections.deque = collections.deque(maxlen=2000)  # the latest log lines
        self.returncode: int | None = None

    def output(self) -> str:
        return "".join(self.head) + "".join(self.tail)

    def _read(self) -> None:
        for line in self.proc.stdout:
            (self.head if len(self.head) < 200 else self.tail).append(line)

    def start(self) -> LocalStack:
        os.makedirs(self.workdir, exist_ok=True)
        seed_path = os.path.join(self.workdir, "soak-seed.json")
        seed.write(seed_path, self.clients)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "AWS_"))}
        if self.cheap_argon2:
            env.update(CHEAP_ARGON2)
        else:
            env.update({k: v for k, v in os.environ.items() if k.startswith("PORTAL_ARGON2_")})
        env.update(PORT=str(self.port), PORTAL_SEED=seed_path, PORTAL_OUTBOX_DIR=os.path.join(self.workdir, "outbox"),
                   PORTAL_STATE_DIR=os.path.join(self.workdir, "state"))
        self.proc = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.time() + self.ready_timeout
        while True:
            if self.proc.poll() is not None:
                time.sleep(0.2)
                raise RuntimeError(f"the local stack exited ({self.proc.returncode}):\n{self.output()}")
            if time.time() > deadline:
                raise RuntimeError(f"the local stack did not become ready:\n{self.output()}")
            match = _MOTO_LINE.search(self.output())
            if match:
                try:
                    with urllib.request.urlopen(f"{self.url}/api/health", timeout=2) as r:  # nosec B310
                        if json.loads(r.read()) == {"status": "ok"}:
                            self.dynamodb_endpoint = match.group(1)
                            return
                except OSError:
                    pass
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            # A clean stop waits for a save in progress and then saves the whole state
            # (every table after the soak's thousands of events): on a loaded two-core
            # machine that took over 30 s once, and the SIGKILL then failed the soak.
            self.returncode = self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.returncode = self.proc.wait(timeout=10)

    def __enter__(self) -> LocalStack:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()
