"""The admin CLI against a deployed stage's tables (`--stage`), on moto.

`python -m infra.admin --stage dev create-clinic ...` must address the
`clinic-portal-dev-` tables with dev's settings (argon2 parameters included),
and the administrator it creates must be able to sign in to that stage.
"""
from __future__ import annotations

import io
import os

import pytest

from infra.stage_env import stage_environment

ADMIN_PASSWORD = "Tidepool-compass-4417-lantern"
CLINIC_ARGS = ["create-clinic", "--clinic-id", "HARBOR", "--name", "Harbor Health",
               "--admin-username", "ItoH", "--admin-first-name", "Hana", "--admin-last-name", "Ito",
               "--admin-email", "hana@harbor.example"]


@pytest.fixture
def dev_stage_tables():
    """Moto with the dev stage's tables (and none of the test stage's); the process
    environment and settings are put back afterwards (the CLI applies the stage to it)."""
    import boto3
    from moto import mock_aws

    from chalicelib.core.settings import reset_settings
    from infra.tables import create_tables

    saved = dict(os.environ)
    try:
        with mock_aws():
            prefix = stage_environment("dev")["PORTAL_TABLE_PREFIX"]
            create_tables(boto3.client("dynamodb"), prefix)
            yield prefix
    finally:
        os.environ.clear()
        os.environ.update(saved)
        reset_settings()


def _items(table: str) -> list[dict]:
    import boto3

    return boto3.client("dynamodb").scan(TableName=table)["Items"]


def test_create_clinic_with_stage_writes_the_stage_tables_and_the_admin_can_sign_in(dev_stage_tables, capsys):
    import boto3

    from infra.admin import main

    prefix = dev_stage_tables
    assert main(["--stage", "dev", *CLINIC_ARGS], io.StringIO(ADMIN_PASSWORD + "\n")) == 0
    assert "created clinic HARBOR" in capsys.readouterr().out

    tables = boto3.client("dynamodb").list_tables()["TableNames"]
    assert tables and all(t.startswith(prefix) for t in tables)
    clinics = _items(f"{prefix}clinics")
    assert [c["clinic_id"]["S"] for c in clinics] == ["HARBOR"]
    staff = _items(f"{prefix}staff")
    assert [s["username"]["S"] for s in staff] == ["ItoH"]
    assert staff[0]["roles"]["L"] == [{"S": "admin"}]
    password_hash = staff[0]["password_hash"]["S"]
    # dev's argon2 parameters from .chalice/config.json, not the test stage's cheap ones
    assert password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert ADMIN_PASSWORD not in str(staff)

    # The process now runs as the dev stage: sign in through the app.
    from app import app
    from chalicelib.core.settings import get_settings
    from infra.gateway import InProcessGateway

    assert get_settings().stage == "dev" and get_settings().table_prefix == prefix
    browser = InProcessGateway(app).browser(origin=stage_environment("dev")["PORTAL_PUBLIC_BASE_URL"])
    reply = browser.post("/api/clinics/harbor/login",
                         json={"login_type": "staff", "username": "itoh", "password": ADMIN_PASSWORD})
    assert reply.status == 200, reply.text
    assert "Secure" in reply.header("set-cookie")  # a deployed stage's cookie
    me = browser.get("/api/me").json()["principal"]
    assert (me["clinic_id"], me["username"], me["kind"]) == ("HARBOR", "ItoH", "staff")
    assert "admin" in me.get("roles", ["admin"])


def test_create_clinic_refuses_an_unknown_stage(dev_stage_tables):
    from infra.admin import main

    with pytest.raises(SystemExit):
        main(["--stage", "qa", *CLINIC_ARGS], io.StringIO(ADMIN_PASSWORD + "\n"))


def test_the_stage_cli_fails_when_the_stage_tables_are_missing(dev_stage_tables):
    """Against staging (whose tables this moto does not have) nothing is written anywhere."""
    import boto3
    from pynamodb.exceptions import PynamoDBException

    from infra.admin import main

    with pytest.raises(PynamoDBException, match="clinic-portal-staging-clinics"):
        main(["--stage", "staging", *CLINIC_ARGS], io.StringIO(ADMIN_PASSWORD + "\n"))
    assert all(_items(t) == [] for t in boto3.client("dynamodb").list_tables()["TableNames"])
