"""The cold-import cost: a fresh interpreter importing `app` (what a Lambda cold
start pays) against one importing only chalice, pynamodb.models and argon2 (the
floor any such app pays). Medians of interleaved runs after one unmeasured run
of each."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys

from infra.bench.environment import ROOT, BenchError

IMPORT_CHILD = "import time; t = time.perf_counter(); import {}; print(repr((time.perf_counter() - t) * 1000))"
IMPORTS = {"app": "app", "floor": "chalice, pynamodb.models, argon2"}


def _import_once(modules: str) -> float:
    proc = subprocess.run([sys.executable, "-c", IMPORT_CHILD.format(modules)], cwd=ROOT,
                          env=dict(os.environ), capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise BenchError(f"`import {modules}` failed in a fresh interpreter:\n{proc.stderr}")
    return float(proc.stdout.strip().splitlines()[-1])


def measure_imports(runs: int) -> dict[str, float]:
    for modules in IMPORTS.values():  # warm the OS file cache (and bytecode caches)
        _import_once(modules)
    samples: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for _ in range(runs):
        for name, modules in IMPORTS.items():  # interleaved: app, floor, app, floor...
            samples[name].append(_import_once(modules))
    return {name: round(statistics.median(s), 2) for name, s in samples.items()}
