"""Shared fixtures: a test stage (cheap argon2, local CAPTCHA), moto for every
AWS call, the app's tables created from the deployment's definitions, and an
in-process gateway that drives the app like API Gateway."""
from __future__ import annotations

import copy
import os

import pytest

TEST_ENV = {
    "PORTAL_STAGE": "test",
    "PORTAL_TABLE_PREFIX": "test-",
    "PORTAL_CAPTCHA_PROVIDER": "local",
    "PORTAL_PUBLIC_BASE_URL": "http://127.0.0.1:8000",
    "PORTAL_ARGON2_TIME_COST": "1",
    "PORTAL_ARGON2_MEMORY_KIB": "256",
    "PORTAL_ARGON2_PARALLELISM": "1",
    "PORTAL_SES_SENDER": "no-reply@clinic-portal.example",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
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
         "settings": {"captcha_required": False, "lockout_threshold": 5}},
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
        {"clinic_id": "Lakeside", "patient_id": "L200", "first_name": "Leo", "last_name": "Park"},
    ],
    "portal_accounts": [
        {"clinic_id": "SUNRISE", "patient_id": "P100", "username": "ann@example.com",
         "password": PATIENT_PW, "first_name": "Ann", "last_name": "Lee", "access_type": "self",
         "force_password_change": False, "permissions": ["appointments", "messages"], "enabled": True},
    ],
}


@pytest.fixture
def aws():
    """Moto for every AWS service, with the app's tables and a verified SES sender."""
    import boto3
    from moto import mock_aws

    from chalicelib.settings import get_settings, reset_settings
    from infra.tables import create_tables

    with mock_aws():
        reset_settings()
        create_tables(boto3.client("dynamodb"), get_settings().table_prefix)
        boto3.client("ses").verify_email_identity(EmailAddress=get_settings().ses_sender)
        yield
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
