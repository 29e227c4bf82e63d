"""The bench's stage: environment variables, the seeded clinic, and the prod
stage's argon2 parameters."""
from __future__ import annotations

import contextlib
import os

from infra.stage_env import MOTO_AWS_ENV

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUTPUT = os.path.join(ROOT, "build", "bench.json")
QUICK_OUTPUT = os.path.join(ROOT, "build", "bench-quick.json")
REQUEST_LOG = os.path.join(ROOT, "build", "bench-requests.log")  # the app's JSON log lines

RUNS, WARMUPS, COLD_RUNS = 15, 2, 11
QUICK_RUNS, QUICK_WARMUPS, QUICK_COLD_RUNS = 3, 1, 1

ARGON2_KEYS = {"time_cost": "PORTAL_ARGON2_TIME_COST", "memory_kib": "PORTAL_ARGON2_MEMORY_KIB",
               "parallelism": "PORTAL_ARGON2_PARALLELISM"}
CHEAP_ARGON2 = {"PORTAL_ARGON2_TIME_COST": "1", "PORTAL_ARGON2_MEMORY_KIB": "256",
                "PORTAL_ARGON2_PARALLELISM": "1"}

BENCH_ENV = {
    "PORTAL_STAGE": "bench",  # not a deployed stage: the local CAPTCHA verifier is allowed
    "PORTAL_TABLE_PREFIX": "bench-",
    "PORTAL_CAPTCHA_PROVIDER": "local",
    "PORTAL_PUBLIC_BASE_URL": "http://127.0.0.1:8000",
    "PORTAL_SES_SENDER": "no-reply@clinic-portal.example",
    "PORTAL_DOCUMENTS_BUCKET": "bench-documents",  # the sections' clinics (infra.bench.sections)
    "PORTAL_LOG_LEVEL": "INFO",  # prod's level: the request log line is part of what a request costs
    **MOTO_AWS_ENV,
}
UNSET_ENV = ("AWS_ENDPOINT_URL", "PORTAL_DYNAMODB_ENDPOINT", "PORTAL_OUTBOX_DIR", "AWS_PROFILE",
             *ARGON2_KEYS.values())

CLINIC_ID = "BENCH"
LOGIN_USER, LOGIN_PW = "BenchLogin", "bench-login-password"
FAIL_USERS = tuple(f"BenchFail{i}" for i in range(1, 5))
FAIL_PW = "bench-failure-password"
PASSWORD_USER, PASSWORD_PW = "BenchPassword", "bench-first-password-7Qx"  # changes its password
PATIENT_ID = "P1"  # the patient the account_create operation sets accounts up for
# High limits so the failure path measured is the normal one (count, audit, 401),
# never the lockout; failures also rotate over FAIL_USERS.
CLINIC_SETTINGS = {"captcha_required": False, "lockout_threshold": 100, "ip_failure_limit": 100_000,
                   "captcha_after_failures": 100}

SEED = {
    "clinics": [{"clinic_id": CLINIC_ID, "name": "Bench Clinic", "settings": CLINIC_SETTINGS}],
    "staff": [{"clinic_id": CLINIC_ID, "username": name, "password": pw, "first_name": "Bench",
               "last_name": name, "roles": ["admin"]}
              for name, pw in [(LOGIN_USER, LOGIN_PW), (PASSWORD_USER, PASSWORD_PW),
                               *((u, FAIL_PW) for u in FAIL_USERS)]],
    "patients": [{"clinic_id": CLINIC_ID, "patient_id": PATIENT_ID, "first_name": "Pat", "last_name": "Bench"}],
}


class BenchError(RuntimeError):
    pass


@contextlib.contextmanager
def bench_environment(argon2_env: dict[str, str]):
    """The bench stage's env (restored afterwards) with fresh settings."""
    from chalicelib.core.settings import reset_settings

    saved = dict(os.environ)
    try:
        for name in UNSET_ENV:
            os.environ.pop(name, None)
        os.environ.update(BENCH_ENV)
        os.environ.update(argon2_env)
        reset_settings()
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        reset_settings()


def prod_argon2_env() -> tuple[dict[str, str], str]:
    """The prod stage's argon2 variables from .chalice/config.json, and where they came
    from; whatever is missing is left unset so chalicelib.core.settings' defaults apply."""
    from infra.stage_env import CONFIG_PATH, stage_environment

    try:
        env = stage_environment("prod")
    except (OSError, ValueError, SystemExit) as exc:
        reason = "missing" if isinstance(exc, FileNotFoundError) else f"unusable ({exc})"
        return {}, f"chalicelib.core.settings defaults (.chalice/config.json {reason})"
    found = {k: str(env[k]) for k in ARGON2_KEYS.values() if k in env}
    rel = os.path.relpath(CONFIG_PATH, ROOT)
    if len(found) == len(ARGON2_KEYS):
        return found, f"{rel} stage prod"
    if not found:
        return {}, f"chalicelib.core.settings defaults ({rel} prod sets no PORTAL_ARGON2_* variables)"
    missing = ", ".join(sorted(set(ARGON2_KEYS.values()) - set(found)))
    return found, f"{rel} stage prod, settings defaults for {missing}"
