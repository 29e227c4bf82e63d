"""infra.calls: the one botocore-level call counter the tests and the bench share."""
from __future__ import annotations

from botocore.client import BaseClient

from infra.calls import CallCounter
from tests.conftest import aws_client


def test_counts_every_service_and_windows_only_dynamodb(aws):
    from chalicelib.core.settings import get_settings

    table = get_settings().table_name("clinics")
    ddb = aws_client("dynamodb")
    before = BaseClient._make_api_call
    with CallCounter() as counter:
        ddb.describe_table(TableName=table)
        with counter.window() as calls:
            ddb.get_item(TableName=table, Key={"clinic_key": {"S": "nobody"}})
            aws_client("ses").list_identities()
            ddb.query(TableName=table, KeyConditionExpression="clinic_key = :p",
                      ExpressionAttributeValues={":p": {"S": "nobody"}}, Limit=7)
            ddb.get_item(TableName=table, Key={"clinic_key": {"S": "nobody"}})
        ddb.describe_table(TableName=table)
    assert BaseClient._make_api_call is before  # uninstalled on exit
    assert calls.sequence == ["GetItem", "Query", "GetItem"]  # in order, DynamoDB only
    assert calls == {"GetItem": 2, "Query": 1} and calls.query_limits == [7]
    assert calls.db_ms > 0
    assert counter.count("dynamodb") == 5 and counter.count("ses", "ListIdentities") == 1
    assert counter.dynamodb() == {"DescribeTable": 2, "GetItem": 2, "Query": 1}
    counter.reset()
    assert counter.calls == []
