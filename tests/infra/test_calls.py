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


def test_captures_scanned_count_and_the_items_a_write_touches(aws):
    """items_read is what DynamoDB read (ScannedCount), a FilterExpression's discards
    included; a peek records each written item before and after, around the counter."""
    from chalicelib.core.settings import get_settings
    from infra.calls import consistent_get, item_ref

    table = get_settings().table_name("audit_events")
    ddb = aws_client("dynamodb")
    for i in range(5):
        ddb.put_item(TableName=table, Item={"clinic_key": {"S": "c"}, "event_key": {"S": f"{i:03d}"},
                                            "kind": {"S": "keep" if i < 2 else "drop"}})
    key = {"clinic_key": {"S": "c"}, "event_key": {"S": "000"}}
    with CallCounter(peek=consistent_get) as counter, counter.window() as calls:
        ddb.query(TableName=table, KeyConditionExpression="clinic_key = :c", FilterExpression="kind = :k",
                  ExpressionAttributeValues={":c": {"S": "c"}, ":k": {"S": "keep"}})
        ddb.update_item(TableName=table, Key=key, UpdateExpression="SET note = :n",
                        ExpressionAttributeValues={":n": {"S": "x" * 10}})
        ddb.delete_item(TableName=table, Key={"clinic_key": {"S": "c"}, "event_key": {"S": "004"}})
    assert calls.scanned == [5] and calls.items_read == 5  # 2 returned, 3 read and discarded
    assert calls == {"Query": 1, "UpdateItem": 1, "DeleteItem": 1}  # the peeks are not counted
    assert counter.count("dynamodb", "GetItem") == 0 and calls.peek_ms > 0
    update, delete = calls.records[1], calls.records[2]
    assert "note" not in update.before[item_ref(table, key)]
    assert update.after[item_ref(table, key)]["note"] == {"S": "x" * 10}
    gone = item_ref(table, {"clinic_key": {"S": "c"}, "event_key": {"S": "004"}})
    assert delete.before[gone]["kind"] == {"S": "drop"} and delete.after[gone] is None


def test_keys_read_counts_every_key_a_read_by_key_asks_for(aws):
    """keys_read: a GetItem's key, each key of a BatchGetItem and of a TransactGetItems,
    found or not (DynamoDB reads and bills each); Queries are items_read's."""
    from chalicelib.core.settings import get_settings

    table = get_settings().table_name("clinics")
    ddb = aws_client("dynamodb")
    keys = [{"clinic_key": {"S": f"nobody{i}"}} for i in range(3)]
    with CallCounter() as counter, counter.window() as calls:
        ddb.get_item(TableName=table, Key=keys[0])
        ddb.batch_get_item(RequestItems={table: {"Keys": keys}})
        ddb.transact_get_items(TransactItems=[{"Get": {"TableName": table, "Key": k}} for k in keys[:2]])
        ddb.query(TableName=table, KeyConditionExpression="clinic_key = :p",
                  ExpressionAttributeValues={":p": {"S": "nobody0"}})
    assert calls.key_reads == [1, 3, 2] and calls.keys_read == 6
    assert calls.items_read == 0
