"""Deployment per stage: config, tables, IAM policies, gateway responses, packaged template.

Everything is checked on the merge template generated here (no AWS needed). The
packaged template `build/<stage>/sam.json` (from `make package STAGE=<stage>`) is
checked too when it exists and is current; CI packages every stage before the
tests and sets PORTAL_REQUIRE_PACKAGE=1, which turns a missing or stale one into
a failure instead of a skip.

Expectations are derived from the PynamoDB models' own attributes and indexes,
not from infra.tables (which renders the template), so a rendering bug shows.
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import zipfile

import pytest
from pynamodb.attributes import TTLAttribute
from pynamodb.indexes import GlobalSecondaryIndex, LocalSecondaryIndex

from infra.policy import MFA_KEY, STAGES, function_name, log_group_name, policy_document, policy_path, render
from infra.stage_env import CONFIG_PATH, ROOT, stage_environment
from infra.template import GATEWAY_RESPONSES, HTML_NOT_FOUND, merge_template, placeholders, stage_settings

REQUIRE_PACKAGE = os.environ.get("PORTAL_REQUIRE_PACKAGE") == "1"
REGION, ACCOUNT = "us-east-1", "123456789012"
# Settings chalicelib/core/settings.py reads that a deployed stage must not set.
LOCAL_ONLY_SETTINGS = {"PORTAL_DYNAMODB_ENDPOINT", "PORTAL_OUTBOX_DIR", "PORTAL_LOCAL_ORIGINS"}


def load_config() -> dict:
    with open(CONFIG_PATH, encoding="utf-8") as f:
        return json.load(f)


def settings_read_by_the_app() -> set[str]:
    with open(os.path.join(ROOT, "chalicelib", "core", "settings.py"), encoding="utf-8") as f:
        source = f.read()
    return set(re.findall(r'(?:env|_int|os\.environ\.get)\(\s*"(PORTAL_[A-Z0-9_]+)"', source))


# ---------------------------------------------------------------- config

def test_config_has_the_three_stages_each_with_its_own_policy_and_no_autogen():
    config = load_config()
    assert config["app_name"] == "clinic-portal"
    assert set(config["stages"]) == set(STAGES) == {"dev", "staging", "prod"}
    for stage, cfg in config["stages"].items():
        assert cfg["api_gateway_stage"]
        assert cfg["autogen_policy"] is False and config.get("autogen_policy", False) is False
        assert cfg["iam_policy_file"] == f"policy-{stage}.json"
        assert os.path.exists(os.path.join(ROOT, ".chalice", cfg["iam_policy_file"]))
        # argon2 with 64 MiB per hash needs room; CPU share grows with memory.
        assert cfg["lambda_memory_size"] >= 1024
        assert 5 <= cfg["lambda_timeout"] <= 29  # API Gateway gives up at 29 s
        assert cfg["log_retention_in_days"] >= 7


def test_settings_script_finds_the_settings():
    names = settings_read_by_the_app()
    assert {"PORTAL_STAGE", "PORTAL_TABLE_PREFIX", "PORTAL_ARGON2_MEMORY_KIB", "PORTAL_LOG_LEVEL"} <= names


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_sets_every_setting_the_app_reads(stage):
    env = stage_environment(stage)
    expected = settings_read_by_the_app() - LOCAL_ONLY_SETTINGS
    assert expected <= set(env), sorted(expected - set(env))
    assert not LOCAL_ONLY_SETTINGS & set(env)
    assert env["PORTAL_STAGE"] == stage
    assert env["PORTAL_TABLE_PREFIX"] == f"clinic-portal-{stage}-"
    assert env["PORTAL_RECAPTCHA_SECRET_PARAMETER"] == f"/clinic-portal/{stage}/recaptcha-secret"
    assert env["PORTAL_CAPTCHA_PROVIDER"] == "recaptcha"
    assert env["PORTAL_PUBLIC_BASE_URL"].startswith("https://")


@pytest.mark.parametrize("stage", STAGES)
def test_stage_settings_load_as_a_deployed_stage_with_real_argon2(stage):
    from chalicelib.core.settings import get_settings

    with stage_settings(stage):
        s = get_settings()
        assert s.stage == stage and s.deployed and s.cookie_secure
        assert (s.argon2_time_cost, s.argon2_memory_kib, s.argon2_parallelism) >= (3, 65536, 4)
        assert s.captcha_provider == "recaptcha"
    assert get_settings().stage == "test"  # put back


@pytest.mark.parametrize("stage", STAGES)
def test_no_secret_in_the_stage_environment(stage):
    for name, value in stage_environment(stage).items():
        upper = name.upper()
        if "SECRET" in upper:
            assert upper.endswith("_SECRET_PARAMETER") and value.startswith("/"), name
        assert not any(word in upper for word in ("PASSWORD", "TOKEN", "PRIVATE")), name
        assert not re.search(r"AKIA[0-9A-Z]{16}", value), name


def test_example_values_are_flagged_for_ops():
    # The repository ships example domains and site key; `make deploy` refuses them.
    assert "PORTAL_RECAPTCHA_SITE_KEY" in placeholders("prod")
    assert "PORTAL_PUBLIC_BASE_URL" in placeholders("prod")


# ---------------------------------------------------------------- tables

def _key_schema(attributes) -> list[dict]:
    keys = [{"AttributeName": a.attr_name, "KeyType": "HASH"} for a in attributes if a.is_hash_key]
    keys += [{"AttributeName": a.attr_name, "KeyType": "RANGE"} for a in attributes if a.is_range_key]
    return keys


def expected_table(model) -> dict:
    """What the table of a model must look like, from the model's attributes and indexes."""
    attrs = list(model.get_attributes().values())
    key_types = {a.attr_name: a.attr_type for a in attrs if a.is_hash_key or a.is_range_key}
    gsis, lsis = {}, {}
    for index in model._indexes.values():
        index_attrs = list(index.Meta.attributes.values())
        key_types.update({a.attr_name: a.attr_type for a in index_attrs if a.is_hash_key or a.is_range_key})
        projection = {"ProjectionType": index.Meta.projection.projection_type}
        if getattr(index.Meta.projection, "non_key_attributes", None):
            projection["NonKeyAttributes"] = list(index.Meta.projection.non_key_attributes)
        target = gsis if isinstance(index, GlobalSecondaryIndex) else lsis
        assert isinstance(index, (GlobalSecondaryIndex, LocalSecondaryIndex))
        target[index.Meta.index_name] = {"KeySchema": _key_schema(index_attrs), "Projection": projection}
    ttl = [a.attr_name for a in attrs if isinstance(a, TTLAttribute)]
    return {"KeySchema": _key_schema(attrs), "AttributeTypes": key_types, "GSIs": gsis, "LSIs": lsis,
            "TTL": ttl[0] if ttl else None}


def check_tables(resources: dict, stage: str) -> None:
    from chalicelib.models import all_models

    prefix = stage_environment(stage)["PORTAL_TABLE_PREFIX"]
    tables = {r["Properties"]["TableName"]: r for r in resources.values() if r.get("Type") == "AWS::DynamoDB::Table"}
    models = all_models()
    assert sorted(tables) == sorted(prefix + m.Meta.short_name for m in models)
    for model in models:
        name = prefix + model.Meta.short_name
        resource, want = tables[name], expected_table(model)
        props = resource["Properties"]
        assert props["KeySchema"] == want["KeySchema"], name
        assert {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]} \
            == want["AttributeTypes"], name
        got_gsis = {i["IndexName"]: {"KeySchema": i["KeySchema"], "Projection": i["Projection"]}
                    for i in props.get("GlobalSecondaryIndexes", [])}
        got_lsis = {i["IndexName"]: {"KeySchema": i["KeySchema"], "Projection": i["Projection"]}
                    for i in props.get("LocalSecondaryIndexes", [])}
        assert got_gsis == want["GSIs"], name
        assert got_lsis == want["LSIs"], name
        if want["TTL"]:
            assert props["TimeToLiveSpecification"] == {"AttributeName": want["TTL"], "Enabled": True}, name
        else:
            assert "TimeToLiveSpecification" not in props, name
        assert props["BillingMode"] == "PAY_PER_REQUEST" and "ProvisionedThroughput" not in props, name
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}, name
        assert props["SSESpecification"]["SSEEnabled"] is True, name
        if stage == "prod":
            assert props["DeletionProtectionEnabled"] is True, name
            assert resource["DeletionPolicy"] == "Retain" and resource["UpdateReplacePolicy"] == "Retain", name


@pytest.mark.parametrize("stage", STAGES)
def test_merge_template_tables_match_the_models(stage):
    check_tables(merge_template(stage)["Resources"], stage)


def test_table_check_fails_on_a_wrong_table():
    resources = merge_template("prod")["Resources"]
    broken = json.loads(json.dumps(resources))
    sessions = next(r for r in broken.values() if r.get("Properties", {}).get("TableName", "").endswith("sessions"))
    sessions["Properties"]["GlobalSecondaryIndexes"][0]["Projection"] = {"ProjectionType": "ALL"}
    with pytest.raises(AssertionError):
        check_tables(broken, "prod")
    sessions.pop("DeletionPolicy")
    with pytest.raises(AssertionError):
        check_tables(broken, "prod")


def test_local_and_test_tables_are_the_template_tables(aws):
    """The tables the test suite (and the local stack) run on are created from the same resources."""
    import boto3

    from infra.tables import cloudformation_resources

    client = boto3.client("dynamodb")
    for resource in cloudformation_resources("test", "test-").values():
        props = resource["Properties"]
        table = client.describe_table(TableName=props["TableName"])["Table"]
        assert table["KeySchema"] == props["KeySchema"]
        assert {i["IndexName"]: (i["KeySchema"], i["Projection"]) for i in table.get("GlobalSecondaryIndexes", [])} \
            == {i["IndexName"]: (i["KeySchema"], i["Projection"]) for i in props.get("GlobalSecondaryIndexes", [])}
        ttl = client.describe_time_to_live(TableName=props["TableName"])["TimeToLiveDescription"]
        if "TimeToLiveSpecification" in props:
            assert ttl["AttributeName"] == props["TimeToLiveSpecification"]["AttributeName"]
            assert ttl["TimeToLiveStatus"] == "ENABLED"


# ---------------------------------------------------------------- IAM policies

def load_policy(stage: str) -> dict:
    with open(policy_path(stage), encoding="utf-8") as f:
        return json.load(f)


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def _resource_text(resource) -> str:
    return resource["Fn::Sub"] if isinstance(resource, dict) else resource


def resolve(resource) -> str:
    return (_resource_text(resource).replace("${AWS::Partition}", "aws")
            .replace("${AWS::Region}", REGION).replace("${AWS::AccountId}", ACCOUNT))


def wildcard_actions(document: dict) -> list[str]:
    bad = []
    for statement in _list(document.get("Statement", [])):
        if "NotAction" in statement or "NotResource" in statement:
            bad.append(f"{statement.get('Sid')}: NotAction/NotResource")
        bad += [a for a in _list(statement.get("Action", [])) if "*" in a or "?" in a]
    return bad


@pytest.mark.parametrize("stage", STAGES)
def test_policy_file_is_the_generated_one(stage):
    with open(policy_path(stage), encoding="utf-8") as f:
        assert f.read() == render(stage), "stale: run `python -m infra.policy` (a model or setting changed)"


@pytest.mark.parametrize("stage", STAGES)
def test_no_wildcard_action_in_the_policy(stage):
    document = load_policy(stage)
    assert document["Statement"]
    assert wildcard_actions(document) == []
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"


def test_wildcard_finder_finds_wildcards():
    assert wildcard_actions({"Statement": [{"Action": "dynamodb:*", "Resource": "x"}]}) == ["dynamodb:*"]
    assert wildcard_actions({"Statement": [{"Action": ["s3:GetObject", "*"], "Resource": "x"}]}) == ["*"]
    assert wildcard_actions({"Statement": [{"Action": "ses:Send*", "Resource": "x"}]}) == ["ses:Send*"]


def stage_markers(stage: str) -> list[str]:
    env = stage_environment(stage)
    sender = env["PORTAL_SES_SENDER"]
    return [env["PORTAL_TABLE_PREFIX"], env["PORTAL_RECAPTCHA_SECRET_PARAMETER"].lstrip("/"),
            f"configuration-set/{env['PORTAL_SES_CONFIGURATION_SET']}", f"identity/{sender}",
            f"identity/{sender.rpartition('@')[2]}", log_group_name(stage)]


STAGE_ARN = re.compile(r"arn:\$\{AWS::Partition\}:([a-z0-9-]+):\$\{AWS::Region\}:\$\{AWS::AccountId\}:(.+)")


OWN_KEY = "key/${" + MFA_KEY + "}"   # `Ref` of the template's KMS key is its id


def foreign_resources(document: dict, stage: str) -> list[str]:
    """Resources that are not one of this stage's, or that use wildcards beyond a log stream."""
    mine = stage_markers(stage)
    others = [m for s in STAGES if s != stage for m in stage_markers(s)]
    bad = []
    for statement in document["Statement"]:
        for resource in _list(statement["Resource"]):
            text = _resource_text(resource)
            match = STAGE_ARN.fullmatch(text)
            body = match.group(2) if match else text
            ok = bool(match) and any(m in body for m in mine) and not any(m in body for m in others)
            if match and match.group(1) == "kms" and body == OWN_KEY:
                ok = True   # the stack's own key: a resource of this stage's template by construction
            if "*" in body.removesuffix(":*") or ("*" in body and not body.startswith("log-group:")):
                ok = False
            if text == f"arn:${{AWS::Partition}}:s3:::{stage_environment(stage)['PORTAL_DOCUMENTS_BUCKET']}/*":
                ok = True   # the objects of this stage's documents bucket (no region or account in an S3 ARN)
            if not ok:
                bad.append(text)
    return bad


@pytest.mark.parametrize("stage", STAGES)
def test_every_resource_in_the_policy_belongs_to_its_stage(stage):
    assert foreign_resources(load_policy(stage), stage) == []


def test_foreign_resource_finder_finds_them():
    doc = {"Statement": [{"Resource": [
        {"Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/clinic-portal-prod-staff"},
        {"Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/clinic-portal-dev-*"},
        "arn:aws:dynamodb:*:*:table/clinic-portal-dev-staff",
        "*"]}]}
    assert len(foreign_resources(doc, "dev")) == 4


@pytest.mark.parametrize("stage", STAGES)
def test_policy_covers_every_table_and_index_of_the_models(stage):
    from chalicelib.models import all_models

    policy = load_policy(stage)
    prefix = stage_environment(stage)["PORTAL_TABLE_PREFIX"]
    for model in all_models():
        table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{prefix}{model.Meta.short_name}"
        for action in ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"):
            assert allowed(policy, f"dynamodb:{action}", [table]), (action, table)
        assert not allowed(policy, "dynamodb:Scan", [table])
        for index in model._indexes:
            assert allowed(policy, "dynamodb:Query", [f"{table}/index/{index}"]), (table, index)


# What the shipped code calls (chalicelib/ is what goes to Lambda) -> the IAM action it needs.
# A call found here must be granted on the stage's resources; Scan is listed so that a
# Scan anywhere in chalicelib fails this test (the design forbids it; the policy refuses it).
CODE_CALLS = {
    r"\.condition_check\(": "dynamodb:ConditionCheckItem",
    r"\.batch_write\(": "dynamodb:BatchWriteItem",
    r"\.batch_get\(": "dynamodb:BatchGetItem",
    r"\.scan\(": "dynamodb:Scan",
    r"\.query\(": "dynamodb:Query",
    r"TransactGet\(": "dynamodb:GetItem",
    r"\.send_email\(": "ses:SendEmail",
    r"\.send_raw_email\(": "ses:SendRawEmail",
    r"\.get_parameter\(": "ssm:GetParameter",
    r"\.get_parameters(_by_path)?\(": "ssm:GetParameters",
    r"\.get_secret_value\(": "secretsmanager:GetSecretValue",
    r"\.head_object\(": "s3:GetObject",
    r"generate_presigned_url\(\s*[\"']get_object": "s3:GetObject",
    r"\.generate_presigned_post\(": "s3:PutObject",
    r"\.encrypt\(": "kms:Encrypt",
    r"\.decrypt\(": "kms:Decrypt",
}
KNOWN_CLIENTS = {"dynamodb", "ses", "ssm", "kms", "s3"}  # services whose calls infra/policy.py grants


def code_calls() -> dict[str, list[str]]:
    """{action: [file:line, ...]} for every AWS call pattern found in chalicelib/."""
    found: dict[str, list[str]] = {}
    base = os.path.join(ROOT, "chalicelib")
    for folder, _dirs, files in os.walk(base):
        for filename in files:
            if not filename.endswith(".py"):
                continue
            path = os.path.join(folder, filename)
            with open(path, encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    code = line.split("#")[0]
                    for pattern, action in CODE_CALLS.items():
                        if re.search(pattern, code):
                            found.setdefault(action, []).append(f"{os.path.relpath(path, ROOT)}:{number}")
                    for service in re.findall(r"""boto3\.(?:client|resource)\(\s*["']([a-z0-9-]+)["']""", code):
                        if service not in KNOWN_CLIENTS:
                            found.setdefault(f"{service}:<unknown>", []).append(
                                f"{os.path.relpath(path, ROOT)}:{number}")
    return found


def granted_actions(policy: dict) -> set[str]:
    return {a for statement in policy["Statement"] for a in _list(statement["Action"])}


@pytest.mark.parametrize("stage", STAGES)
def test_policy_grants_every_kind_of_call_the_code_makes(stage):
    calls = code_calls()
    assert "dynamodb:Query" in calls and "ses:SendEmail" in calls  # the scan itself works
    granted = granted_actions(load_policy(stage))
    missing = {action: where for action, where in calls.items() if action not in granted}
    assert not missing, f"add these to infra/policy.py (or drop the call): {missing}"


# -- replaying real AWS calls against the policy

def allowed(policy: dict, action: str, arns: list[str], context: dict | None = None) -> bool:
    """A small IAM evaluator (Allow statements, StringEquals conditions): is `action` allowed
    on any one of `arns` (alternatives, e.g. the sender's address or its domain)?"""
    context = context or {}
    for statement in policy["Statement"]:
        if statement["Effect"] != "Allow":
            continue
        if not any(fnmatch.fnmatchcase(action, a) for a in _list(statement["Action"])):
            continue
        if not any(fnmatch.fnmatchcase(arn, resolve(r)) for arn in arns for r in _list(statement["Resource"])):
            continue
        conditions = statement.get("Condition", {})
        if set(conditions) - {"StringEquals"}:
            continue
        if all(context.get(key) == value for key, value in conditions.get("StringEquals", {}).items()):
            return True
    return False


class Recorder:
    def __init__(self):
        self.calls: list[tuple[str, str, dict]] = []


@pytest.fixture
def recorded_calls(monkeypatch):
    import botocore.client

    recorder = Recorder()
    original = botocore.client.BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        recorder.calls.append((self.meta.service_model.service_name, operation_name, api_params))
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    return recorder


TRANSACT_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                    "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}


def required_permissions(call, stage: str):
    """(action, [alternative ARNs], condition context) for one recorded call, with the test
    stage's names translated to `stage`'s."""
    from chalicelib.core.settings import get_settings

    service, operation, params = call
    test, env = get_settings(), stage_environment(stage)

    def table_arn(name):
        assert name.startswith(test.table_prefix), name
        return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{env['PORTAL_TABLE_PREFIX']}{name[len(test.table_prefix):]}"

    if service == "dynamodb":
        if operation in ("TransactWriteItems", "TransactGetItems"):
            for item in params["TransactItems"]:
                kind, body = next(iter(item.items()))
                yield f"dynamodb:{TRANSACT_ACTIONS[kind]}", [table_arn(body["TableName"])], {}
        elif operation in ("BatchWriteItem", "BatchGetItem"):
            for name in params["RequestItems"]:
                yield f"dynamodb:{operation}", [table_arn(name)], {}
        else:
            arn = table_arn(params["TableName"])
            if params.get("IndexName"):
                arn += f"/index/{params['IndexName']}"
            yield f"dynamodb:{operation}", [arn], {}
    elif service == "ses" and operation in ("SendEmail", "SendRawEmail"):
        source = re.sub(r".*<([^>]+)>.*", r"\1", params["Source"])
        sender = env["PORTAL_SES_SENDER"] if source == test.ses_sender else source
        arns = [f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{sender}",
                f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{sender.rpartition('@')[2]}"]
        yield f"ses:{operation}", arns, {"ses:FromAddress": sender}
        if params.get("ConfigurationSetName"):
            yield f"ses:{operation}", [f"arn:aws:ses:{REGION}:{ACCOUNT}:configuration-set/"
                                       f"{env['PORTAL_SES_CONFIGURATION_SET']}"], {"ses:FromAddress": sender}
    elif service == "ssm" and operation == "GetParameter":
        name = params["Name"]
        if name == test.recaptcha_secret_parameter:
            name = env["PORTAL_RECAPTCHA_SECRET_PARAMETER"]
        yield "ssm:GetParameter", [f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{name.lstrip('/')}"], {}
    elif service == "kms" and operation in ("Encrypt", "Decrypt"):
        # Encrypt names the stage's alias; Decrypt finds the key in the ciphertext: the test
        # stack has one key, which on a deployed stage is the template's MfaKey.
        if operation == "Encrypt":
            assert params["KeyId"] == test.mfa_key_alias, params["KeyId"]
        yield f"kms:{operation}", [f"arn:aws:kms:{REGION}:{ACCOUNT}:{OWN_KEY}"], {}
    elif service == "s3" and operation in ("HeadObject", "GetObject", "PutObject"):
        # HeadObject is authorized as s3:GetObject; the stage's bucket for the test's.
        assert params["Bucket"] == test.documents_bucket, params["Bucket"]
        action = "s3:PutObject" if operation == "PutObject" else "s3:GetObject"
        yield action, [f"arn:aws:s3:::{env['PORTAL_DOCUMENTS_BUCKET']}/{params['Key']}"], {}
    else:
        yield f"{service}:{operation}", [f"unmapped:{service}:{operation}"], {}


def refused_calls(calls, stage: str) -> list:
    policy = load_policy(stage)
    refused = []
    for call in calls:
        for action, arns, context in required_permissions(call, stage):
            if not allowed(policy, action, arns, context):
                refused.append((action, arns[0]))
    return refused


@pytest.mark.parametrize("stage", STAGES)
def test_policy_allows_every_aws_call_of_the_request_flow(stage, gateway, seeded, recorded_calls):
    from tests.core.test_request_log import run_flow

    run_flow(gateway)
    assert {c[1] for c in recorded_calls.calls} >= {"TransactGetItems", "TransactWriteItems", "GetItem", "Query"}
    assert refused_calls(recorded_calls.calls, stage) == []


@pytest.mark.parametrize("stage", STAGES)
def test_policy_allows_mail_as_the_stage_sender_and_reading_the_captcha_secret(stage, aws, recorded_calls,
                                                                              monkeypatch):
    import boto3

    from chalicelib.auth import captcha
    from chalicelib.auth.captcha import RecaptchaVerifier
    from chalicelib.core.mail import Email, send
    from chalicelib.core.settings import get_settings

    monkeypatch.setattr(captcha, "_secret_cache", {})  # read it from SSM in this test
    name = get_settings().recaptcha_secret_parameter
    boto3.client("ssm").put_parameter(Name=name, Value="s3cret", Type="SecureString")
    recorded_calls.calls.clear()
    send(Email(to="someone@example.org", subject="Hello", text="Hi", html="<p>Hi</p>"))
    assert RecaptchaVerifier(name, None).secret() == "s3cret"
    assert {c[1] for c in recorded_calls.calls} == {"SendEmail", "GetParameter"}
    assert refused_calls(recorded_calls.calls, stage) == []


@pytest.mark.parametrize("stage", STAGES)
def test_policy_allows_the_two_factor_calls(stage, gateway, seeded, recorded_calls):
    """Setting up 2FA (kms:Encrypt) and signing in with a code (kms:Decrypt)."""
    import time

    import pyotp

    from tests.auth.mfa_helpers import enrolled_now
    from tests.conftest import DESK_PW, login

    secret = enrolled_now(gateway, "SmithF", DESK_PW)
    token = login(gateway.browser(), "SmithF", DESK_PW).json()["mfa_token"]
    r = gateway.browser().post("/api/clinics/SUNRISE/login/mfa",
                               json={"mfa_token": token, "code": pyotp.TOTP(secret).at(time.time() + 30)})
    assert r.status == 200, r.text
    assert {c[1] for c in recorded_calls.calls if c[0] == "kms"} == {"Encrypt", "Decrypt"}
    assert refused_calls(recorded_calls.calls, stage) == []


@pytest.mark.parametrize("stage", STAGES)
def test_the_template_has_the_key_the_app_encrypts_with(stage):
    from chalicelib.core.settings import get_settings
    from infra.template import mfa_key_alias

    resources = merge_template(stage)["Resources"]
    assert resources[MFA_KEY]["Type"] == "AWS::KMS::Key" and resources[MFA_KEY]["DeletionPolicy"] == "Retain"
    alias = resources["MfaKeyAlias"]["Properties"]
    assert alias["TargetKeyId"] == {"Ref": MFA_KEY} and alias["AliasName"] == mfa_key_alias(stage)
    with stage_settings(stage):
        assert get_settings().mfa_key_alias == alias["AliasName"] == f"alias/clinic-portal-{stage}-mfa"
    kms = [s for s in load_policy(stage)["Statement"] if any(a.startswith("kms:") for a in _list(s["Action"]))]
    assert [(sorted(s["Action"]), s["Resource"]) for s in kms] == [
        (["kms:Decrypt", "kms:Encrypt"], [{"Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:"
                                                       + OWN_KEY}])]


def test_the_evaluator_refuses_what_the_policy_does_not_grant():
    policy = load_policy("dev")
    ok = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/clinic-portal-dev-staff"
    assert allowed(policy, "dynamodb:GetItem", [ok])
    assert not allowed(policy, "dynamodb:Scan", [ok])
    assert not allowed(policy, "dynamodb:GetItem", [ok.replace("-dev-", "-prod-")])
    assert not allowed(policy, "dynamodb:Query", [ok + "/index/by_anything"])
    assert not allowed(policy, "dynamodb:DescribeTable", [ok])
    sender = stage_environment("dev")["PORTAL_SES_SENDER"]
    identity = f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{sender}"
    assert allowed(policy, "ses:SendEmail", [identity], {"ses:FromAddress": sender})
    assert not allowed(policy, "ses:SendEmail", [identity], {"ses:FromAddress": "ceo@elsewhere.example"})
    assert not allowed(policy, "ssm:GetParameter",
                       [f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/clinic-portal/prod/recaptcha-secret"])
    assert refused_calls([("s3", "ListObjectsV2", {})], "dev") == [("s3:ListObjectsV2", "unmapped:s3:ListObjectsV2")]


# ---------------------------------------------------------------- gateway responses

def app_response_headers(gateway, stage: str) -> dict:
    """The headers the app itself puts on a JSON response on this stage (a real request)."""
    with stage_settings(stage):
        reply = gateway.browser().get("/api/health")
    assert reply.status == 200
    return {k: v for k, v in reply.headers.items() if k.lower() not in ("content-type", "content-length")}


# One single-quoted literal, every inner quote (and backslash) escaped with a backslash.
STATIC_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'")


def static_value(literal: str) -> str:
    """The header value API Gateway sends for a static mapping value; fails unless
    the value is exactly one quoted literal whose inner quotes are escaped."""
    assert STATIC_LITERAL.fullmatch(literal), f"not one escaped single-quoted literal: {literal}"
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def check_static_values(responses: dict) -> None:
    for response_type, response in responses.items():
        for name, literal in response["responseParameters"].items():
            assert STATIC_LITERAL.fullmatch(literal), (response_type, name, literal)


def check_gateway_responses(responses: dict, stage: str, app_headers: dict) -> None:
    origin = stage_environment(stage)["PORTAL_PUBLIC_BASE_URL"]
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "MISSING_AUTHENTICATION_TOKEN", "UNAUTHORIZED",
            "ACCESS_DENIED", "THROTTLED"} <= set(responses)
    for response_type, response in responses.items():
        params = response["responseParameters"]
        headers = {k.removeprefix("gatewayresponse.header."): v for k, v in params.items()}
        for name, value in app_headers.items():
            assert name in headers, (response_type, name)
            if name == "Content-Security-Policy" and response_type in HTML_NOT_FOUND:
                continue  # the page's own CSP (check_not_found_page)
            assert static_value(headers[name]) == value, (response_type, name)
        assert static_value(headers["Access-Control-Allow-Origin"]) == origin, response_type
        assert "*" not in headers["Access-Control-Allow-Origin"]
        assert "Access-Control-Allow-Credentials" not in headers
        body = json.loads(response["responseTemplates"]["application/json"])
        assert set(body) == {"error", "message"} and re.fullmatch(r"[a-z]+(_[a-z]+)*", body["error"])
        status = response.get("statusCode")
        assert status is None or re.fullmatch(r"[45]\d\d", status), response_type
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"
    check_not_found_page(responses, stage)


def page_csp(gateway, stage: str) -> str:
    with stage_settings(stage):
        reply = gateway.browser().get("/home")
    assert reply.status == 200
    return reply.header("Content-Security-Policy")


def check_not_found_page(responses: dict, stage: str) -> None:
    """No route at an address: a 404 whose templates are the app's JSON error and the
    HTML "Page not found" page (API Gateway picks by Accept), under the page CSP."""
    for response_type in HTML_NOT_FOUND:
        response = responses[response_type]
        assert response["statusCode"] == "404"
        templates = response["responseTemplates"]
        assert json.loads(templates["application/json"]) == {"error": "not_found",
                                                             "message": "There is nothing at this address."}
        html = templates["text/html"]
        assert html.startswith("<!doctype html>") and "<h1 id=\"not-found-title\">Page not found</h1>" in html
        assert "$" not in html  # nothing for the template's variable substitution to touch
        assert len(html.encode()) < 10_000  # well within API Gateway's template size quota
        csp = static_value(response["responseParameters"]["gatewayresponse.header.Content-Security-Policy"])
        assert "script-src 'self'" in csp and "style-src 'self'" in csp, response_type
        if stage != "test":
            assert "https://www.google.com/recaptcha/" in csp  # the stage's page CSP (reCAPTCHA on deployed stages)


@pytest.mark.parametrize("stage", STAGES)
def test_gateway_responses_carry_the_apps_security_headers_cors_and_error_shape(stage, gateway):
    app_headers = app_response_headers(gateway, stage)
    assert {"Content-Security-Policy", "X-Content-Type-Options", "Strict-Transport-Security"} <= set(app_headers)
    definition = merge_template(stage)["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    responses = definition["x-amazon-apigateway-gateway-responses"]
    assert set(responses) == set(GATEWAY_RESPONSES)
    check_gateway_responses(responses, stage, app_headers)


@pytest.mark.parametrize("stage", STAGES)
def test_no_route_answers_the_apps_own_not_found_page_and_error(stage, gateway):
    responses = merge_template(stage)["Resources"]["RestAPI"]["Properties"]["DefinitionBody"][
        "x-amazon-apigateway-gateway-responses"]
    check_not_found_page(responses, stage)
    csp = static_value(responses["MISSING_AUTHENTICATION_TOKEN"]["responseParameters"][
        "gatewayresponse.header.Content-Security-Policy"])
    assert csp == page_csp(gateway, stage)
    # The very page the local stack and the test gateway answer for an unknown page path.
    with stage_settings(stage):
        local = gateway.browser().get("/no-such-page")
    assert local.status == 404 and local.text == responses["MISSING_AUTHENTICATION_TOKEN"]["responseTemplates"][
        "text/html"]


def test_not_found_check_fails_without_the_html_page():
    responses = merge_template("dev")["Resources"]["RestAPI"]["Properties"]["DefinitionBody"][
        "x-amazon-apigateway-gateway-responses"]
    del responses["MISSING_AUTHENTICATION_TOKEN"]["responseTemplates"]["text/html"]
    with pytest.raises(KeyError):
        check_not_found_page(responses, "dev")


@pytest.mark.parametrize("stage", STAGES)
def test_every_static_gateway_response_value_is_one_escaped_literal(stage):
    responses = merge_template(stage)["Resources"]["RestAPI"]["Properties"]["DefinitionBody"][
        "x-amazon-apigateway-gateway-responses"]
    check_static_values(responses)
    csp = responses["DEFAULT_4XX"]["responseParameters"]["gatewayresponse.header.Content-Security-Policy"]
    assert csp == r"'default-src \'none\'; frame-ancestors \'none\''"
    assert static_value(csp) == "default-src 'none'; frame-ancestors 'none'"


def test_static_value_check_refuses_an_unescaped_inner_quote():
    with pytest.raises(AssertionError):
        check_static_values({"X": {"responseParameters": {"h": "'default-src 'none''"}}})
    with pytest.raises(AssertionError):
        static_value("'a' 'b'")
    assert static_value(r"'it\'s \\ ok'") == "it's \\ ok"


def test_gateway_response_check_fails_without_a_header(gateway):
    app_headers = app_response_headers(gateway, "dev")
    responses = merge_template("dev")["Resources"]["RestAPI"]["Properties"]["DefinitionBody"][
        "x-amazon-apigateway-gateway-responses"]
    del responses["THROTTLED"]["responseParameters"]["gatewayresponse.header.Content-Security-Policy"]
    with pytest.raises(AssertionError):
        check_gateway_responses(responses, "dev", app_headers)


# ---------------------------------------------------------------- the packaged template

def is_subset(expected, actual) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and is_subset(v, actual[k]) for k, v in expected.items())
    return expected == actual


def packaged(stage: str) -> dict:
    """build/<stage>/sam.json if it is there and current; else skip (fail under PORTAL_REQUIRE_PACKAGE=1)."""
    path = os.path.join(ROOT, "build", stage, "sam.json")
    problem = None
    if not os.path.exists(path):
        problem = f"{path} is missing"
    else:
        with open(path, encoding="utf-8") as f:
            template = json.load(f)
        current = merge_template(stage)
        resources = template.get("Resources", {})
        role = resources.get("ApiHandlerRole", {}).get("Properties", {}).get("Policies", [{}])
        if not is_subset(current["Resources"], resources):
            problem = f"{path} predates the current merge template"
        elif role[0].get("PolicyDocument") != policy_document(stage):
            problem = f"{path} predates the current policy file"
        elif resources.get("APIHandler", {}).get("Properties", {}).get("Environment", {}).get("Variables") \
                != stage_environment(stage):
            problem = f"{path} predates the current .chalice/config.json"
    if problem:
        message = f"{problem}: run `make package STAGE={stage}`"
        if REQUIRE_PACKAGE:
            pytest.fail(message)
        pytest.skip(message)
    return template


@pytest.mark.parametrize("stage", STAGES)
def test_packaged_template_tables_match_the_models(stage):
    check_tables(packaged(stage)["Resources"], stage)


@pytest.mark.parametrize("stage", STAGES)
def test_packaged_template_has_no_wildcard_action_and_only_the_stage_policy(stage):
    resources = packaged(stage)["Resources"]
    iam = {k: r for k, r in resources.items() if r["Type"].startswith("AWS::IAM::")}
    # Chalice gives each function its role: the API's and the hourly reminders' (both
    # with the stage's one policy file, nothing else).
    assert sorted(iam) == ["ApiHandlerRole", "AppointmentRemindersRole"]
    for name in iam:
        role = iam[name]["Properties"]
        assert "ManagedPolicyArns" not in role
        for policy in role["Policies"]:
            assert wildcard_actions(policy["PolicyDocument"]) == []
            assert foreign_resources(policy["PolicyDocument"], stage) == []
        assert [p["PolicyDocument"] for p in role["Policies"]] == [load_policy(stage)]


@pytest.mark.parametrize("stage", STAGES)
def test_packaged_reminders_run_hourly_with_their_own_role_and_time(stage):
    resources = packaged(stage)["Resources"]
    function = resources["AppointmentReminders"]["Properties"]
    assert function["Handler"] == "app.appointment_reminders"
    assert function["Role"] == {"Fn::GetAtt": ["AppointmentRemindersRole", "Arn"]}
    # a busy day's reminders (an SES call each) fit in one run, not the API's 10 s
    assert function["Timeout"] == 300
    assert function["Environment"]["Variables"] == stage_environment(stage)
    (event,) = function["Events"].values()
    assert event["Type"] == "Schedule" and event["Properties"]["Schedule"] == "rate(1 hour)"


@pytest.mark.parametrize("stage", STAGES)
def test_packaged_function_is_configured_for_the_stage(stage):
    resources = packaged(stage)["Resources"]
    cfg = load_config()["stages"][stage]
    function = resources["APIHandler"]["Properties"]
    assert function["FunctionName"] == function_name(stage)
    assert function["MemorySize"] == cfg["lambda_memory_size"] and function["Timeout"] == cfg["lambda_timeout"]
    assert function["Environment"]["Variables"] == stage_environment(stage)
    assert function["Role"] == {"Fn::GetAtt": ["ApiHandlerRole", "Arn"]}
    log_group = resources["ApiHandlerLogGroup"]["Properties"]
    assert log_group["LogGroupName"] == log_group_name(stage)
    assert log_group["RetentionInDays"] == cfg["log_retention_in_days"]


@pytest.mark.parametrize("stage", STAGES)
def test_packaged_gateway_responses(stage, gateway):
    definition = packaged(stage)["Resources"]["RestAPI"]["Properties"]["DefinitionBody"]
    check_static_values(definition["x-amazon-apigateway-gateway-responses"])
    check_gateway_responses(definition["x-amazon-apigateway-gateway-responses"], stage,
                            app_response_headers(gateway, stage))


@pytest.mark.parametrize("stage", STAGES)
def test_packaged_bundle_holds_the_app_and_nothing_local(stage):
    packaged(stage)
    with zipfile.ZipFile(os.path.join(ROOT, "build", stage, "deployment.zip")) as bundle:
        names = set(bundle.namelist())
    assert {"app.py", "chalicelib/core/request_log.py", "chalicelib/core/settings.py"} <= names
    assert any(n.startswith("argon2/") for n in names) and any(n.startswith("pynamodb/") for n in names)
    assert not any(n.startswith(("infra/", "tests/", ".chalice/", "build/", ".local/")) for n in names)
