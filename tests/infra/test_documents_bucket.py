"""The documents bucket on every stage: the merge template's private, encrypted,
versioned, TLS-only bucket (cfn-lint clean), the same bucket in moto, and a Lambda
policy that reaches its objects and nothing else of S3."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from infra.buckets import DOCUMENTS_BUCKET, bucket_resources, create_documents_bucket
from infra.policy import STAGES
from infra.stage_env import ROOT, stage_environment
from infra.template import merge_template
from tests.conftest import aws_client
from tests.infra.test_deploy import allowed, load_policy, refused_calls
from tests.infra.test_deploy import recorded_calls as recorded_calls


@pytest.mark.parametrize("stage", STAGES)
def test_the_template_bucket_is_private_encrypted_versioned_and_tls_only(stage):
    resources = merge_template(stage)["Resources"]
    bucket = resources[DOCUMENTS_BUCKET]
    props = bucket["Properties"]
    assert bucket["Type"] == "AWS::S3::Bucket" and bucket["DeletionPolicy"] == "Retain"
    assert props["BucketName"] == stage_environment(stage)["PORTAL_DOCUMENTS_BUCKET"]
    assert props["PublicAccessBlockConfiguration"] == {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                                       "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    (cors,) = props["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedOrigins"] == [stage_environment(stage)["PORTAL_PUBLIC_BASE_URL"]]
    (deny,) = resources["DocumentsBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "s3:*")
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert len(deny["Resource"]) == 2   # the bucket and its objects


@pytest.mark.parametrize("stage", STAGES)
def test_the_policy_reaches_the_bucket_objects_only(stage):
    bucket = stage_environment(stage)["PORTAL_DOCUMENTS_BUCKET"]
    policy = load_policy(stage)
    s3 = [s for s in policy["Statement"] if any(a.startswith("s3:") for a in s["Action"])]
    assert [(sorted(s["Action"]), s["Resource"]) for s in s3] == [
        (["s3:GetObject", "s3:PutObject"], [{"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{bucket}/*"}])]
    key = f"arn:aws:s3:::{bucket}/sunrise/P100/{'0' * 32}"
    assert allowed(policy, "s3:GetObject", [key]) and allowed(policy, "s3:PutObject", [key])
    for action, arn in (("s3:DeleteObject", key), ("s3:ListBucket", f"arn:aws:s3:::{bucket}"),
                        ("s3:GetObject", f"arn:aws:s3:::another-bucket/{'0' * 32}"),
                        ("s3:PutBucketPolicy", f"arn:aws:s3:::{bucket}")):
        assert not allowed(policy, action, [arn]), (action, arn)


@pytest.mark.parametrize("stage", STAGES)
def test_policy_allows_the_documents_calls(stage, gateway, seeded, recorded_calls):
    """Confirming an upload (HeadObject) on the stage's bucket."""
    from tests.portal_helpers import clinician
    from tests.sections.documents.helpers import upload

    upload(clinician(gateway))
    assert ("s3", "HeadObject") in {(c[0], c[1]) for c in recorded_calls.calls}
    assert refused_calls(recorded_calls.calls, stage) == []


def test_moto_bucket_is_the_template_bucket(aws):
    """The tests' and the local stack's bucket has the template's settings."""
    from chalicelib.core.settings import get_settings

    s3 = aws_client("s3")
    name = get_settings().documents_bucket
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    assert s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"]
    rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    create_documents_bucket(s3, "cors-check", origins=["http://127.0.0.1:8000"])
    assert s3.get_bucket_cors(Bucket="cors-check")["CORSRules"][0]["AllowedMethods"] == ["POST", "GET"]


def test_cfn_lint_passes_on_the_bucket_of_every_stage(tmp_path):
    """cfn-lint on a template of the bucket resources of each stage (the full packaged
    template is linted by `make package`)."""
    cfn_lint = os.path.join(os.path.dirname(sys.executable), "cfn-lint")
    if not os.path.exists(cfn_lint):
        pytest.skip("cfn-lint is not installed in this environment")
    paths = []
    for stage in STAGES:
        template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": bucket_resources(stage),
                    "Outputs": {"DocumentsBucketName": {"Value": {"Ref": DOCUMENTS_BUCKET}}}}
        path = tmp_path / f"{stage}.json"
        path.write_text(json.dumps(template))
        paths.append(str(path))
    command = [cfn_lint, "--non-zero-exit-code", "warning", "--", *paths]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)  # noqa: S603 - our cfn-lint
    assert run.returncode == 0, run.stdout + run.stderr
