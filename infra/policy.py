"""The Lambda role's least-privilege IAM policy, one file per stage:
`.chalice/policy-<stage>.json` (named by `iam_policy_file` in .chalice/config.json).

Generated, never hand-edited: the tables and indexes come from the PynamoDB
models (through infra.tables, the same source as the CloudFormation tables), the
names (table prefix, SES sender and configuration set, SSM parameter) from the
stage's environment in .chalice/config.json.

    python -m infra.policy           # rewrite .chalice/policy-*.json
    python -m infra.policy --check   # exit 1 if a committed file is stale (tests do this too)

A new model is covered by regenerating; a new kind of AWS call needs its action
added below (tests/test_deploy.py replays a full flow against moto and fails on
any call the policy would refuse).

ARNs use CloudFormation pseudo parameters (`Fn::Sub` with ${AWS::Partition},
${AWS::Region}, ${AWS::AccountId}): `chalice package` copies the document into
the template as-is and CloudFormation fills them in at deploy time, so the files
name no account. (That is also why the stages deploy with `make deploy`, not
`chalice deploy`, which would hand the unresolved document to IAM.)
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from infra.stage_env import ROOT, stage_environment

MFA_KEY = "MfaKey"   # the merge template's KMS key (infra.template.MFA_KEY)

STAGES = ("dev", "staging", "prod")
APP_NAME = "clinic-portal"

# Every DynamoDB action the Lambda needs on the app's tables, and why. Nothing
# else: no Scan (no request path scans), no DescribeTable (PynamoDB 6 does not
# call it), no CreateTable/DeleteTable.
TABLE_ACTIONS = {
    "dynamodb:GetItem": "Model.get; each Get of a TransactGetItems (chalicelib.core.db.transact_get)",
    "dynamodb:PutItem": "Model.save; each Put of a TransactWriteItems (chalicelib.core.records.write)",
    "dynamodb:UpdateItem": "Model.update (atomic ADD counters, session touch); each Update of a TransactWriteItems",
    "dynamodb:DeleteItem": "Model.delete (single-use tokens); each Delete of a TransactWriteItems",
    "dynamodb:Query": "Model.query (audit events newest first)",
    "dynamodb:BatchWriteItem": "Model.batch_write (ending a user's other sessions, chalicelib.auth.sessions)",
    "dynamodb:BatchGetItem": "Model.batch_get (the logins of one User Management page, "
                             "chalicelib.portal_accounts.listing)",
    "dynamodb:ConditionCheckItem": "TransactWrite.condition_check (account/staff/form-request writes that "
                                   "require another item to exist)",
}
# Transactions have no IAM action of their own: AWS authorizes each item of a
# TransactWriteItems/TransactGetItems against PutItem/UpdateItem/DeleteItem/GetItem,
# and a ConditionCheck item against dynamodb:ConditionCheckItem.
INDEX_ACTIONS = {
    "dynamodb:Query": "Index.query (sessions by principal, access grants by clinic/status/patient/login, "
                      "patients by name, audit events by kind/actor/subject)",
}
SES_ACTIONS = {"ses:SendEmail": "boto3 SES client send_email (invitations, password resets)"}
KMS_ACTIONS = {"kms:Encrypt": "chalicelib.auth.mfa_secrets seals a new TOTP secret",
               "kms:Decrypt": "chalicelib.auth.mfa_secrets opens a TOTP secret to check a code"}
S3_ACTIONS = {"s3:PutObject": "the staff upload's presigned POST (sections/documents/uploads) is signed "
                              "with the function's credentials",
              "s3:GetObject": "HeadObject when an upload is confirmed; the patient's presigned GET"}
SSM_ACTIONS = {"ssm:GetParameter": "chalicelib.auth.captcha reads the reCAPTCHA secret once per container"}
LOG_ACTIONS = {"logs:CreateLogStream": "Lambda runtime", "logs:PutLogEvents": "Lambda runtime"}
# The reCAPTCHA SecureString is encrypted with the AWS managed key aws/ssm, whose
# key policy lets every principal of the account decrypt through SSM: no
# kms:Decrypt is granted here. A customer managed key would need kms:Decrypt on
# that key with a kms:ViaService = ssm.<region>.amazonaws.com condition.


def function_name(stage: str) -> str:
    """The API Lambda's name (set in the merge template), so its log group has a fixed name."""
    return f"{APP_NAME}-{stage}"


def log_group_name(stage: str) -> str:
    return f"/aws/lambda/{function_name(stage)}"


def _arn(service: str, resource: str) -> dict:
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"}


def table_names(stage: str) -> dict[str, list[str]]:
    """{table name: [index names]} for every table of the app, from the models."""
    from infra.tables import cloudformation_resources

    prefix = stage_environment(stage)["PORTAL_TABLE_PREFIX"]
    out = {}
    for resource in cloudformation_resources(stage, prefix).values():
        props = resource["Properties"]
        out[props["TableName"]] = [ix["IndexName"] for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes")
                                   for ix in props.get(kind, [])]
    return dict(sorted(out.items()))


def ssm_parameter_arn_path(name: str) -> str:
    # A parameter named "/a/b" has the ARN "...:parameter/a/b"; one named "a" has "...:parameter/a".
    return "parameter/" + name.lstrip("/")


def policy_document(stage: str) -> dict:
    env = stage_environment(stage)
    tables = table_names(stage)
    sender = env["PORTAL_SES_SENDER"]
    sender_domain = sender.rpartition("@")[2]
    mail_resources = [_arn("ses", f"identity/{sender}"), _arn("ses", f"identity/{sender_domain}")]
    if env.get("PORTAL_SES_CONFIGURATION_SET"):
        mail_resources.append(_arn("ses", f"configuration-set/{env['PORTAL_SES_CONFIGURATION_SET']}"))
    statements = [
        {
            "Sid": "AppTables",
            "Effect": "Allow",
            "Action": sorted(TABLE_ACTIONS),
            "Resource": [_arn("dynamodb", f"table/{name}") for name in tables],
        },
        {
            "Sid": "AppIndexes",
            "Effect": "Allow",
            "Action": sorted(INDEX_ACTIONS),
            "Resource": [_arn("dynamodb", f"table/{name}/index/{index}")
                         for name, indexes in tables.items() for index in sorted(indexes)],
        },
        {
            # The sender's address or its domain, whichever identity SES verified;
            # the configuration set is authorized too when the message names it.
            "Sid": "SendMailAsTheStageSender",
            "Effect": "Allow",
            "Action": sorted(SES_ACTIONS),
            "Resource": mail_resources,
            "Condition": {"StringEquals": {"ses:FromAddress": sender}},
        },
        {
            # The stack's own key (infra.template.MFA_KEY; `Ref` of a KMS key is its id).
            "Sid": "SealTotpSecrets",
            "Effect": "Allow",
            "Action": sorted(KMS_ACTIONS),
            "Resource": [_arn("kms", "key/${" + MFA_KEY + "}")],
        },
        {
            # The documents bucket's objects only (infra.buckets): no listing, no deleting,
            # no bucket settings.
            "Sid": "DocumentObjects",
            "Effect": "Allow",
            "Action": sorted(S3_ACTIONS),
            "Resource": [{"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{env['PORTAL_DOCUMENTS_BUCKET']}/*"}],
        },
        {
            "Sid": "ReadRecaptchaSecret",
            "Effect": "Allow",
            "Action": sorted(SSM_ACTIONS),
            "Resource": [_arn("ssm", ssm_parameter_arn_path(env["PORTAL_RECAPTCHA_SECRET_PARAMETER"]))],
        },
        {
            # The log group itself is a stack resource (log_retention_in_days), so
            # the function never needs logs:CreateLogGroup.
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": sorted(LOG_ACTIONS),
            "Resource": [_arn("logs", f"log-group:{log_group_name(stage)}:*")],
        },
    ]
    return {"Version": "2012-10-17", "Statement": [s for s in statements if s["Resource"]]}


def policy_path(stage: str) -> str:
    return os.path.join(ROOT, ".chalice", f"policy-{stage}.json")


def render(stage: str) -> str:
    return json.dumps(policy_document(stage), indent=2) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.policy", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a policy file differs from the generated one")
    parser.add_argument("stages", nargs="*", default=list(STAGES))
    args = parser.parse_args(argv)
    stale = []
    for stage in args.stages:
        path, text = policy_path(stage), render(stage)
        current = None
        if os.path.exists(path):
            with open(path, encoding="utf-8") as file:
                current = file.read()
        if current == text:
            continue
        if args.check:
            stale.append(os.path.relpath(path, ROOT))
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote {os.path.relpath(path, ROOT)}")
    if stale:
        print(f"stale: {', '.join(stale)}; run `python -m infra.policy` and commit the result", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
