"""The private documents bucket (visit summaries, test results: chalicelib/sections/documents).

One definition for every environment: `bucket_resources(stage)` is the merge
template's `AWS::S3::Bucket` and its policy; `create_documents_bucket()` makes the
same private bucket in moto (the local stack and the tests), with the browser
upload CORS rule.

The bucket: every public access blocked, objects owned by the bucket owner (no
ACLs), encrypted at rest (S3-managed keys, SSE-S3: the app never handles the key,
and a presigned GET stays a plain GET), versioned (an overwrite or a delete keeps
the earlier version), and a bucket policy refusing any request not made over TLS
(`aws:SecureTransport` false). CORS lets the portal's own origin POST (the staff
upload form) and GET; nothing else. Kept when the stack goes (DeletionPolicy
Retain): the files are medical records.
"""
from __future__ import annotations

from urllib.parse import urlparse

DOCUMENTS_BUCKET = "DocumentsBucket"   # logical id (infra.policy names its ARN through it)


def cors_rules(origins: list[str], *, api: bool = False) -> list[dict]:
    """The CORS rule, spelt for CloudFormation (`MaxAge`) or for the S3 API (`MaxAgeSeconds`)."""
    return [{"AllowedMethods": ["POST", "GET"], "AllowedOrigins": origins, "AllowedHeaders": ["*"],
             ("MaxAgeSeconds" if api else "MaxAge"): 600}]


def bucket_resources(stage: str) -> dict:
    from infra.stage_env import stage_environment

    env = stage_environment(stage)
    base = urlparse(env["PORTAL_PUBLIC_BASE_URL"])
    name = env["PORTAL_DOCUMENTS_BUCKET"]
    return {
        DOCUMENTS_BUCKET: {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": name,
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
                "VersioningConfiguration": {"Status": "Enabled"},
                "CorsConfiguration": {"CorsRules": cors_rules([f"{base.scheme}://{base.netloc}"])},
            },
        },
        "DocumentsBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": DOCUMENTS_BUCKET},
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Sid": "DenyRequestsWithoutTls",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [{"Fn::GetAtt": [DOCUMENTS_BUCKET, "Arn"]},
                                 {"Fn::Sub": "${" + DOCUMENTS_BUCKET + ".Arn}/*"}],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }]},
            },
        },
    }


def create_documents_bucket(client, name: str, origins: list[str] | None = None) -> None:
    """The same private bucket in moto (the local stack and the tests)."""
    client.create_bucket(Bucket=name)
    client.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True})
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    client.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    if origins:
        client.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": cors_rules(origins, api=True)})
