"""The app's DynamoDB tables, rendered from the PynamoDB models.

The models are the single source: `cloudformation_resources()` turns them into
the `AWS::DynamoDB::Table` resources of the merge template, and
`create_tables()` creates the local/test tables from those same resources.
"""
from __future__ import annotations

import re

from pynamodb.attributes import TTLAttribute

from chalicelib.models import all_models

_SHARED_CREATE_KEYS = ("TableName", "KeySchema", "AttributeDefinitions", "GlobalSecondaryIndexes",
                       "LocalSecondaryIndexes", "BillingMode")


def _logical_id(short_name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[_-]", short_name)) + "Table"


def _hash_first(key_schema: list[dict]) -> list[dict]:
    return sorted(({"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in key_schema),
                  key=lambda k: k["KeyType"] != "HASH")


def ttl_attribute(model) -> str | None:
    for name, attr in model.get_attributes().items():
        if isinstance(attr, TTLAttribute):
            return attr.attr_name or name
    return None


def table_properties(model, table_name: str, *, production: bool) -> dict:
    schema = model._get_schema()
    props: dict = {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": _hash_first(schema["key_schema"]),
        "AttributeDefinitions": sorted(schema["attribute_definitions"], key=lambda a: a["AttributeName"]),
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "SSESpecification": {"SSEEnabled": True},
        "DeletionProtectionEnabled": production,
    }
    indexes = [{
        "IndexName": ix["index_name"],
        "KeySchema": _hash_first(ix["key_schema"]),
        "Projection": ix["projection"],
    } for ix in schema["global_secondary_indexes"]]
    if indexes:
        props["GlobalSecondaryIndexes"] = sorted(indexes, key=lambda i: i["IndexName"])
    local_indexes = [{
        "IndexName": ix["index_name"],
        "KeySchema": _hash_first(ix["key_schema"]),
        "Projection": ix["projection"],
    } for ix in schema["local_secondary_indexes"]]
    if local_indexes:
        props["LocalSecondaryIndexes"] = sorted(local_indexes, key=lambda i: i["IndexName"])
    ttl = ttl_attribute(model)
    if ttl:
        props["TimeToLiveSpecification"] = {"AttributeName": ttl, "Enabled": True}
    return props


def cloudformation_resources(stage: str, table_prefix: str) -> dict:
    production = stage == "prod"
    resources = {}
    for model in all_models():
        resource = {
            "Type": "AWS::DynamoDB::Table",
            "Properties": table_properties(model, table_prefix + model.Meta.short_name, production=production),
        }
        if production:
            resource["DeletionPolicy"] = "Retain"
            resource["UpdateReplacePolicy"] = "Retain"
        resources[_logical_id(model.Meta.short_name)] = resource
    return resources


def create_tables(client, table_prefix: str) -> list[str]:
    """Create every table (as the template defines it) with a boto3 DynamoDB client."""
    created = []
    for resource in cloudformation_resources("local", table_prefix).values():
        props = resource["Properties"]
        kwargs = {k: props[k] for k in _SHARED_CREATE_KEYS if k in props}
        kwargs["SSESpecification"] = {"Enabled": props["SSESpecification"]["SSEEnabled"]}
        client.create_table(**kwargs)
        if "TimeToLiveSpecification" in props:
            client.update_time_to_live(TableName=props["TableName"],
                                       TimeToLiveSpecification=props["TimeToLiveSpecification"])
        created.append(props["TableName"])
    return created


def create_mfa_key(client, alias: str) -> str:
    """The KMS key that encrypts TOTP secrets, under the stage's alias (moto: the
    local stack and the tests; deployed stages get it from the merge template)."""
    key_id = client.create_key(Description="Clinic portal: TOTP secrets")["KeyMetadata"]["KeyId"]
    client.create_alias(AliasName=alias, TargetKeyId=key_id)
    return key_id
