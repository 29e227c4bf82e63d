"""`make bench`: what a login costs, in DynamoDB requests and milliseconds.

Runs in-process against moto (no AWS account), drives the app through the
in-process API Gateway (real routing, middleware and JSON), with the `prod`
stage's argon2 parameters. Prints a table and writes build/bench.json:

    {"argon2_verify_ms": f, "import_ms": {"app": f, "floor": f}, "scans": n,
     "operations": {name: {"dynamodb_requests": n, "median_ms": f}},
     "list_page_ratio": f}   # list_page_10000 / list_page_100 median ms

- DynamoDB requests are counted at the botocore level by infra.calls (the same
  counter the tests' `aws_calls` fixture uses), by operation name;
  `scans` counts Scan calls over the whole run, setup included.
- `import_ms.app` is a fresh interpreter importing `app` (what a Lambda cold
  start pays); `import_ms.floor` one importing only chalice, pynamodb.models and
  argon2. Medians of interleaved runs after one unmeasured run of each.
- Operations run round-robin (one sample of each per round, argon2 verify
  included), so a change in machine load hits every figure alike.
- Against moto a list page's time is almost all moto's: its Query sorts the whole
  table and then every item of the partition, so the list-page ratio there grows
  with the partition, which DynamoDB's does not; the table shows the time inside
  DynamoDB calls and the ratio outside them for that reason.

The package, by responsibility:

    __main__.py    the CLI: run, print the table, write the JSON, exit status
    environment.py the bench stage's env, seed data, prod argon2 parameters
    operations.py  what is measured: Bench, Operation, OPERATIONS (list pages too)
    measure.py     timing and medians: run(), BenchRun, query_checks
    imports.py     the cold-import measurement
    targets.py     TARGETS and evaluate()
    report.py      the printed table and build/bench.json

This module re-exports the names callers (tests/infra/test_bench.py) use.
"""
from infra.bench.environment import (CLINIC_ID, OUTPUT, BenchError, bench_environment,
                                     prod_argon2_env)
from infra.bench.imports import measure_imports
from infra.bench.measure import BenchRun, Samples, query_checks, run
from infra.bench.operations import (LIST_CLINICS, LIST_PAGE, OPERATIONS, Bench, Operation,
                                    list_page_operation)
from infra.bench.report import table, write_json
from infra.bench.targets import TARGETS, Target, evaluate, list_page_ratio
from infra.calls import Calls

__all__ = ["CLINIC_ID", "OUTPUT", "BenchError", "bench_environment", "prod_argon2_env",
           "measure_imports", "BenchRun", "Samples", "query_checks", "run", "LIST_CLINICS",
           "LIST_PAGE", "OPERATIONS", "Bench", "Operation", "list_page_operation", "table",
           "write_json", "TARGETS", "Target", "evaluate", "list_page_ratio", "Calls"]
