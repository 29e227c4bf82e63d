"""Shared fixtures: a test stage (cheap argon2, local CAPTCHA), moto for every
AWS call, the app's tables created from the deployment's definitions, and an
in-process gateway that drives the app like API Gateway."""
from __future__ import annotations

import copy
import os

import pytest

from infra.stage_env import MOTO_AWS_ENV

TEST_ENV = {
    "PORTAL_STAGE": "test",
    "PORTAL_TABLE_PREFIX": "test-",
    "PORTAL_CAPTCHA_PROVIDER": "local",
    "PORTAL_PUBLIC_BASE_URL": "http://127.0.0.1:8000",
    "PORTAL_ARGON2_TIME_COST": "1",
    "PORTAL_ARGON2_MEMORY_KIB": "256",
    "PORTAL_ARGON2_PARALLELISM": "1",
    "PORTAL_SES_SENDER": "no-reply@clinic-portal.example",
    **MOTO_AWS_ENV,
}
for _name in ("AWS_ENDPOINT_URL", "PORTAL_DYNAMODB_ENDPOINT", "PORTAL_OUTBOX_DIR", "AWS_PROFILE"):
    os.environ.pop(_name, None)
os.environ.update(TEST_ENV)

# Passwords used across tests. Staff and patients in SEED.
ADMIN_PW = "sunrise-admin-password"
DESK_PW = "sunrise-desk-password"
CLINICIAN_PW = "sunrise-clinician-password"
PATIENT_PW = "ann-patient-password"
LAKE_PW = "lakeside-admin-password"

SEED = {
    "clinics": [
        {"clinic_id": "SUNRISE", "name": "Sunrise Family Clinic",
         # Lockout tests fail more than the default adaptive-CAPTCHA threshold (3): Lakeside
         # keeps the default, tests/auth/test_adaptive_captcha.py uses it.
         "settings": {"captcha_required": False, "lockout_threshold": 5, "captcha_after_failures": 100}},
        {"clinic_id": "Lakeside", "name": "Lakeside Pediatrics"},
    ],
    "staff": [
        {"clinic_id": "SUNRISE", "username": "DoeJ", "password": ADMIN_PW, "first_name": "Jane",
         "last_name": "Doe", "email": "jane@sunrise.example", "roles": ["admin"], "portal_access": True},
        {"clinic_id": "SUNRISE", "username": "SmithF", "password": DESK_PW, "first_name": "Frank",
         "last_name": "Smith", "roles": ["front_desk"]},
        {"clinic_id": "SUNRISE", "username": "PatelR", "password": CLINICIAN_PW, "first_name": "Ravi",
         "last_name": "Patel", "roles": ["clinician"]},
        {"clinic_id": "SUNRISE", "username": "NoAccessN", "password": CLINICIAN_PW, "first_name": "Nora",
         "last_name": "Nash", "roles": ["clinician"], "portal_access": False},
        {"clinic_id": "Lakeside", "username": "KimS", "password": LAKE_PW, "first_name": "Sun",
         "last_name": "Kim", "roles": ["admin"]},
    ],
    "patients": [
        {"clinic_id": "SUNRISE", "patient_id": "P100", "first_name": "Ann", "last_name": "Lee",
         "email": "ann@example.com", "date_of_birth": "1980-02-03"},
        {"clinic_id": "SUNRISE", "patient_id": "P101", "first_name": "Ben", "last_name": "Lee",
         "date_of_birth": "2015-06-07"},
        {"clinic_id": "SUNRISE", "patient_id": "P102", "first_name": "Cara", "last_name": "Lee",
         "date_of_birth": "2018-09-10"},
        {"clinic_id": "Lakeside", "patient_id": "L200", "first_name": "Leo", "last_name": "Park"},
    ],
    "portal_accounts": [
        {"clinic_id": "SUNRISE", "patient_id": "P100", "username": "ann@example.com",
         "password": PATIENT_PW, "first_name": "Ann", "last_name": "Lee", "access_type": "self",
         "force_password_change": False, "permissions": ["appointments", "messages"], "enabled": True},
    ],
}


_clients: dict = {}


def aws_client(service: str):
    """boto3 clients shared across tests (moto intercepts them whenever a mock is active)."""
    import boto3
    import moto  # noqa: F401  (moto must hook botocore before the client exists)

    if service not in _clients:
        _clients[service] = boto3.client(service, region_name=TEST_ENV["AWS_REGION"])
    return _clients[service]


@pytest.fixture
def aws():
    """Moto for every AWS service, with the app's tables and a verified SES sender.

    Settings (and the models' connections) stay cached across tests; a test that
    changes the environment resets them itself (see `stage`)."""
    from moto import mock_aws

    from chalicelib.core.settings import get_settings
    from infra.buckets import create_documents_bucket
    from infra.tables import create_mfa_key, create_tables

    with mock_aws():
        create_tables(aws_client("dynamodb"), get_settings().table_prefix)
        create_mfa_key(aws_client("kms"), get_settings().mfa_key_alias)
        aws_client("ses").verify_email_identity(EmailAddress=get_settings().ses_sender)
        create_documents_bucket(aws_client("s3"), get_settings().documents_bucket)
        yield


@pytest.fixture
def stage(monkeypatch):
    """Run a test under other settings: `stage(PORTAL_STAGE="dev", ...)`; restored afterwards."""
    from chalicelib.core.settings import reset_settings

    def apply(**env):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        reset_settings()

    yield apply
    monkeypatch.undo()
    reset_settings()


@pytest.fixture
def seeded(aws):
    from infra.seed import load

    load(copy.deepcopy(SEED))
    return SEED


@pytest.fixture
def gateway(aws):
    from app import app
    from infra.gateway import InProcessGateway

    return InProcessGateway(app)


@pytest.fixture
def browser(gateway):
    return gateway.browser()


def login(browser, username, password, *, clinic="SUNRISE", login_type="staff", **extra):
    return browser.post(f"/api/clinics/{clinic}/login",
                        json={"login_type": login_type, "username": username, "password": password, **extra})


@pytest.fixture
def admin(gateway, seeded):
    """A browser signed in as the SUNRISE administrator."""
    b = gateway.browser()
    assert login(b, "DoeJ", ADMIN_PW).status == 200
    return b


class Clock:
    """Controls the time every chalicelib module sees through chalicelib.core.ids.now."""

    def __init__(self, start: int):
        self.t = start

    def __call__(self) -> int:
        return self.t

    def advance(self, seconds: int) -> None:
        self.t += seconds


def install_clock(monkeypatch) -> Clock:
    """Point every chalicelib module's `now` at one test Clock (set with `monkeypatch`)."""
    import importlib
    import pkgutil
    import sys
    import time

    import chalicelib
    from chalicelib.core import ids

    # Import every module first, so each one that took `now` by name gets patched.
    for mod in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
        importlib.import_module(mod.name)
    c = Clock(int(time.time()))
    real_now = ids.now
    for name, module in list(sys.modules.items()):
        if name.startswith("chalicelib") and getattr(module, "now", None) is real_now:
            monkeypatch.setattr(module, "now", c)
    return c


@pytest.fixture
def clock(monkeypatch):
    return install_clock(monkeypatch)


def table_items(short_name: str) -> list[dict]:
    """Every raw item of one of the app's tables (tests may Scan; the app never does)."""
    from chalicelib.core.settings import get_settings

    client = aws_client("dynamodb")
    name = get_settings().table_name(short_name)
    items, kwargs = [], {}
    while True:
        page = client.scan(TableName=name, **kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@pytest.fixture
def aws_calls():
    """AWS API calls at the botocore level while the test runs (infra.calls, the
    bench's counter): `count(service, operation)`, `calls`, `reset()`, and
    `window()` for the DynamoDB calls of one request, in order."""
    from infra.calls import CallCounter

    with CallCounter() as counter:
        yield counter


@pytest.fixture
def atomic_dynamodb(monkeypatch):
    """Give moto DynamoDB's per-request atomicity: real DynamoDB applies each item
    write (e.g. `UpdateItem ADD`) atomically, moto reads and writes the item in
    separate steps without a lock, so concurrent tests could lose updates that
    DynamoDB never loses. One request at a time here; a read-modify-write across
    two requests in our code would still lose updates and fail the test."""
    import functools
    import threading

    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in ("put_item", "get_item", "update_item", "delete_item", "transact_write_items",
                 "transact_get_items", "query"):
        original = getattr(DynamoDBBackend, name)

        def locked(*args, __original=original, **kwargs):
            with lock:
                return __original(*args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, functools.wraps(original)(locked))
