"""`make bench` (`python -m infra.bench [--quick]`): measure, print the table,
write build/bench.json (--quick: build/bench-quick.json); exit 1 when a target
is missed."""
from __future__ import annotations

import os
import sys
import time

from infra.bench.environment import OUTPUT, QUICK_OUTPUT, REQUEST_LOG, ROOT
from infra.bench.measure import run
from infra.bench.report import table, write_json


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    started = time.perf_counter()
    print("bench: timing cold starts, then the operations (a few minutes)...", flush=True)
    r = run(quick=quick)
    print(table(r))
    path = QUICK_OUTPUT if quick else OUTPUT
    write_json(r.results, path)
    print(f"wrote {os.path.relpath(path, ROOT)} in {time.perf_counter() - started:.0f} s"
          + ("" if quick else f"; the app's request log lines are in {os.path.relpath(REQUEST_LOG, ROOT)}"))
    return 0 if r.passed else 1


if __name__ == "__main__":
    sys.exit(main())
