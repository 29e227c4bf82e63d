"""What an operation costs in dollars, and what a month of users costs, from the
price table (infra/bench/prices.py) and what the bench measured.

Per request: one API Gateway REST request, one Lambda invocation, the Lambda
GB-seconds of its billed duration at the stage's configured memory size, the
DynamoDB read and write request units of its items (infra/bench/units.py; the mean
over measured samples) and the emails it sends (SES).

Billed duration (`billed_ms`, rounded up to the millisecond as Lambda bills): the
request's median time outside botocore calls (`app_ms`) plus DYNAMODB_MS_PER_REQUEST
for each DynamoDB request it makes. Not the median wall time against moto: moto's
emulation is most of it for DynamoDB-heavy requests (seconds for an account
creation next to a 10,000-account clinic, where its TransactWriteItems copies
tables), which Lambda would never bill. app_ms is this machine's CPU, not Lambda's
share of one at that memory size, so the compute figure is an estimate.

Monthly profiles, per user (PROFILES):
- auth: 10 logins, 1 failed login, 40 session checks (GET /api/me), 1 password
  change: the work Amazon Cognito charges per monthly active user for;
- portal: auth plus the staff work of account setup and User Management at one
  account created per 10 users (each creation: the setup form's POST, which sends
  the invitation email, and two User Management pages of a 10,000-account clinic).
"""
from __future__ import annotations

import json
import math
import os

from infra.bench.environment import ROOT
from infra.bench.prices import USD

BUCKETS = ("api_gateway", "lambda_requests", "lambda_compute", "dynamodb_reads", "dynamodb_writes", "ses_emails")
PROFILES = {
    "auth": {"staff_login": 10, "login_failure": 1, "me": 40, "password_change": 1},
    "portal": {"staff_login": 10, "login_failure": 1, "me": 40, "password_change": 1,
               "account_create": 0.1, "list_page_10000": 0.2},
}
MAU = 10_000
# DynamoDB's in-region latency per request, as billed Lambda time: "single-digit
# milliseconds" for single-item reads and writes; a round 10 ms covers transactions too.
DYNAMODB_MS_PER_REQUEST = 10
COGNITO_PER_10K = USD["cognito_mau"] * MAU  # $150
AUTH_GOAL = COGNITO_PER_10K / 30


def lambda_memory_mb(stage: str = "prod") -> int:
    """The stage's `lambda_memory_size` in .chalice/config.json (Chalice's default, 128, when unset)."""
    with open(os.path.join(ROOT, ".chalice", "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    return int(config["stages"].get(stage, {}).get("lambda_memory_size", config.get("lambda_memory_size", 128)))


def billed_ms(app_ms: float, dynamodb_requests: int) -> int:
    return math.ceil(app_ms + DYNAMODB_MS_PER_REQUEST * dynamodb_requests)


def request_cost(op: dict, memory_mb: int) -> dict[str, float]:
    """USD of one request of an operation, by bucket. `op`: billed_ms, read_units,
    write_units, emails."""
    return {
        "api_gateway": USD["api_gateway_request"],
        "lambda_requests": USD["lambda_request"],
        "lambda_compute": op["billed_ms"] / 1000 * memory_mb / 1024 * USD["lambda_gb_second"],
        "dynamodb_reads": op["read_units"] * USD["dynamodb_read_unit"],
        "dynamodb_writes": op["write_units"] * USD["dynamodb_write_unit"],
        "ses_emails": op.get("emails", 0) * USD["ses_email"],
    }


def per_million(op: dict, memory_mb: int) -> float:
    return round(sum(request_cost(op, memory_mb).values()) * 1e6, 2)


def per_10k_mau(operations: dict, memory_mb: int) -> dict:
    """Each profile's USD per 10,000 monthly users: total and by bucket."""
    out = {}
    for name, mix in PROFILES.items():
        if any(op not in operations for op in mix):
            continue
        by = dict.fromkeys(BUCKETS, 0.0)
        for op, per_user in mix.items():
            for bucket, usd in request_cost(operations[op], memory_mb).items():
                by[bucket] += usd * per_user * MAU
        total = sum(by.values())
        out[name] = {"usd": round(total, 2), "by": {k: round(v, 3) for k, v in by.items()},
                     "requests_per_user": round(sum(mix.values()), 2),
                     "cognito_usd": round(COGNITO_PER_10K, 2),
                     "share_of_cognito": round(total / COGNITO_PER_10K, 4)}
    return out
