"""Cold start end to end: a fresh interpreter that imports `app` and answers its
first request through the Lambda handler (`app.app(event, context)`, an API
Gateway proxy event for the clinic lookup), against a moto server in another
process (so moto's own import is not counted); the `floor` is a fresh interpreter
that imports chalice, pynamodb.models, argon2 and boto3 and makes one GetItem
against the same server. `app_eager` is `app` after importing every chalicelib
module first (what the first request would pay if routes imported their
dependencies at module import, without a snapshot).

Medians of interleaved runs (app, floor, app_eager; then floor, app_eager, app;
...: rotated each round) after one unmeasured run of each, all reading bytecode
from build/pycache (PYCACHE); each child reports its import time too (`import_ms`, a detail)."""
from __future__ import annotations

import ast
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

from infra.bench.environment import CLINIC_ID, ROOT, SEED, BenchError

_EVENT = {
    "resource": "/api/clinics/{clinic_id}", "path": f"/api/clinics/{CLINIC_ID}", "httpMethod": "GET",
    "headers": {"host": "bench.example", "accept": "application/json"},
    "multiValueHeaders": {"host": ["bench.example"], "accept": ["application/json"]},
    "queryStringParameters": None, "multiValueQueryStringParameters": None,
    "pathParameters": {"clinic_id": CLINIC_ID}, "stageVariables": None, "body": None,
    "isBase64Encoded": False,
    "requestContext": {"resourcePath": "/api/clinics/{clinic_id}", "httpMethod": "GET", "stage": "prod",
                       "requestId": "bench-cold-start", "path": f"/prod/api/clinics/{CLINIC_ID}",
                       "identity": {"sourceIp": "198.51.100.7", "userAgent": "bench"}},
}

_APP = """
import time; t0 = time.perf_counter()
{eager}
import app
t1 = time.perf_counter()
class Context:
    aws_request_id = "bench-cold-start"; function_name = "clinic-portal"; memory_limit_in_mb = 1024
    def get_remaining_time_in_millis(self): return 10000
reply = app.app({event}, Context())
t2 = time.perf_counter()
assert reply["statusCode"] == 200, reply
print(repr(((t1 - t0) * 1000, (t2 - t0) * 1000)))
"""
_EAGER = ("import pkgutil, importlib, chalicelib\n"
          "for m in pkgutil.walk_packages(chalicelib.__path__, 'chalicelib.'): importlib.import_module(m.name)\n"
          "import zxcvbn")
_FLOOR = """
import time; t0 = time.perf_counter()
import chalice, pynamodb.models, argon2, boto3
t1 = time.perf_counter()
reply = boto3.client("dynamodb").get_item(TableName={table!r}, Key={key!r})
t2 = time.perf_counter()
assert "Item" in reply, reply
print(repr(((t1 - t0) * 1000, (t2 - t0) * 1000)))
"""
_SEED = """
import json, boto3
from chalicelib.core.settings import get_settings
from infra.seed import load
from infra.tables import create_tables
create_tables(boto3.client("dynamodb"), get_settings().table_prefix)
load(json.loads({seed!r}))
"""


# Bytecode for the children, written by the unmeasured first run of each and read by
# the measured ones, for app and floor alike: without it a caller's
# PYTHONDONTWRITEBYTECODE would make the app compile its own modules on every run
# while the floor's (site-packages) come precompiled.
PYCACHE = os.path.join(ROOT, "build", "pycache")
SAMPLES: dict[str, list[float]] = {}  # the last measurement's cold-start samples, for a closer look


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def moto_server():
    """A moto server in its own process, on a free local port; yields its URL."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # (the URL is our own loopback moto server)
                urllib.request.urlopen(url + "/moto-api/", timeout=1).close()  # nosec B310
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise BenchError("the moto server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _child(code: str, env: dict) -> tuple[float, float]:
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    if proc.returncode != 0:
        raise BenchError(f"cold start child failed:\n{proc.stderr[-2000:]}")
    return ast.literal_eval(proc.stdout.strip().splitlines()[-1])  # our own child's repr of two floats


def measure_cold_start(runs: int) -> tuple[dict[str, float], dict[str, float]]:
    """(cold_start_ms, import_ms), each {"app", "floor", "app_eager"}: medians."""
    from chalicelib.clinics.records import clinic_key
    from chalicelib.core.settings import get_settings

    with moto_server() as url:
        # The app reads PORTAL_DYNAMODB_ENDPOINT; the floor's plain boto3 client AWS_ENDPOINT_URL_DYNAMODB.
        env = {**os.environ, "PORTAL_DYNAMODB_ENDPOINT": url, "AWS_ENDPOINT_URL_DYNAMODB": url,
               "PYTHONPYCACHEPREFIX": PYCACHE}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # the same bytecode state whatever the caller's env
        seed = subprocess.run([sys.executable, "-c", _SEED.format(seed=json.dumps(SEED))], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        if seed.returncode != 0:
            raise BenchError(f"seeding the moto server failed:\n{seed.stderr[-2000:]}")
        codes = {
            "app": _APP.format(eager="", event=repr(_EVENT)),
            "floor": _FLOOR.format(table=get_settings().table_name("clinics"),
                                   key={"clinic_key": {"S": clinic_key(CLINIC_ID)}}),
            "app_eager": _APP.format(eager=_EAGER, event=repr(_EVENT)),
        }
        for code in codes.values():  # warm the OS file cache and bytecode caches, unmeasured
            _child(code, env)
        cold: dict[str, list[float]] = {name: [] for name in codes}
        imports: dict[str, list[float]] = {name: [] for name in codes}
        names = list(codes)
        for round_no in range(runs):
            # Interleaved, and rotated so that no variant always runs first in a round.
            for name in names[round_no % len(names):] + names[:round_no % len(names)]:
                imported, total = _child(codes[name], env)
                imports[name].append(imported)
                cold[name].append(total)
        SAMPLES.clear()
        SAMPLES.update(cold)
    med = lambda d: {name: round(statistics.median(v), 2) for name, v in d.items()}  # noqa: E731
    return med(cold), med(imports)
