"""`make bench`: what each operation costs, in DynamoDB requests, items read,
milliseconds and dollars, and what a cold start costs.

Runs in-process against moto (no AWS account), drives the app through the
in-process API Gateway (real routing, middleware and JSON), with the `prod`
stage's argon2 parameters. Prints a table and writes build/bench.json:

    {"argon2_verify_ms": f, "scans": n, "lambda_memory_mb": n,
     "cold_start_ms": {"app": f, "floor": f, "app_eager": f},
     "import_ms": {"app": f, "floor": f, "app_eager": f},        # a detail of the above
     "operations": {name: {"dynamodb_requests": n, "median_ms": f, "app_ms": f, "billed_ms": n,
                           "items_read": n,                     # list pages, searches, sections only
                           "keys_read": n,                      # sections only: items read by key
                           "read_units": f, "write_units": f, "cost_usd_per_million": f}},
     "cost_usd_per_10k_mau": {"auth"|"portal": {"usd": f, "by": {bucket: f}, ...}}}

- DynamoDB requests are counted at the botocore level by infra.calls (the same
  counter the tests' `aws_calls` fixture uses), by operation name; `scans` counts
  Scan calls over the whole run, setup included.
- `app_ms` is a request's median time outside botocore calls: against moto the
  time inside them is mostly moto's (its Query sorts the whole partition, its
  TransactWriteItems is slow), which says nothing about DynamoDB; `items_read`
  (the Queries' ScannedCount) says what DynamoDB would read instead.
- `cold_start_ms`: fresh interpreters answering a first request against a moto
  server in another process (infra.bench.coldstart).
- Prices: infra.bench.units (request units from item sizes), infra.bench.cost
  (per operation and per 10,000 monthly users), infra.bench.prices (the table).
- Operations run round-robin (one sample of each per round, argon2 verify
  included), so a change in machine load hits every figure alike.

The package, by responsibility:

    __main__.py    the CLI: run, print the table, write the JSON, exit status
    environment.py the bench stage's env, seed data, prod argon2 parameters
    operations.py  what is measured: Bench, Operation, OPERATIONS (list pages too)
    searches.py    the search operations: a search by each key at 100 and 10,000 patients
    sections.py    the patient home (every tile, and its 304 poll) and a provider's day,
                   at 100 and 10,000 patients
    measure.py     timing and medians: run(), BenchRun, query_checks
    coldstart.py   the cold-start measurement against a moto server
    units.py       DynamoDB request units from item sizes
    prices.py      the price table (source, date)
    cost.py        USD per operation and per 10,000 monthly users
    targets.py     TARGETS and evaluate()
    report.py      the printed table and build/bench.json

This module re-exports the names callers (tests/infra/test_bench.py) use.
"""
from infra.bench.coldstart import measure_cold_start
from infra.bench.cost import PROFILES, per_10k_mau
from infra.bench.environment import CLINIC_ID, OUTPUT, BenchError, bench_environment, prod_argon2_env
from infra.bench.measure import BenchRun, Samples, query_checks, run
from infra.bench.operations import (
                                     LIST_CLINICS,
                                     LIST_OPERATIONS,
                                     LIST_PAGE,
                                     OPERATIONS,
                                     Bench,
                                     Operation,
                                     list_page_operation,
)
from infra.bench.report import table, write_json
from infra.bench.searches import SEARCH_OPERATIONS, SEARCHES
from infra.bench.sections import SECTION_OPERATIONS
from infra.bench.sections import STEMS as SECTION_STEMS
from infra.bench.targets import TARGETS, Target, evaluate
from infra.calls import Calls

__all__ = ["CLINIC_ID", "OUTPUT", "BenchError", "bench_environment", "prod_argon2_env",
           "measure_cold_start", "PROFILES", "per_10k_mau", "BenchRun", "Samples", "query_checks",
           "run", "LIST_CLINICS", "LIST_OPERATIONS", "LIST_PAGE", "OPERATIONS", "Bench", "Operation",
           "list_page_operation", "SEARCH_OPERATIONS", "SEARCHES", "SECTION_OPERATIONS", "SECTION_STEMS",
           "table", "write_json", "TARGETS", "Target", "evaluate", "Calls"]
