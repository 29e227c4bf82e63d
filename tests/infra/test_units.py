"""infra.bench.units: DynamoDB request units by the published on-demand rules."""
from __future__ import annotations

import pytest

from infra.bench.units import call_units, item_size, read_units, write_units
from infra.calls import Call, item_ref

TABLE = {"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
         "GlobalSecondaryIndexes": [
             {"IndexName": "by_status", "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
              "Projection": {"ProjectionType": "KEYS_ONLY"}}]}
TABLES = {"t": TABLE}


def item(pk: str, size: int, **extra) -> dict:
    """An item of exactly `size` bytes (pk and blob names and values, plus extras)."""
    base = {"pk": {"S": pk}, **{k: {"S": v} for k, v in extra.items()}}
    filler = size - item_size(base) - len("blob")
    return {**base, "blob": {"S": "x" * filler}}


def test_item_size_follows_the_published_rules():
    assert item_size({"name": {"S": "héllo"}}) == 4 + 6  # names and strings by their UTF-8 bytes
    assert item_size({"n": {"N": "12345"}}) == 1 + 4  # (5 digits + 1) // 2 + 1
    assert item_size({"b": {"BOOL": True}, "z": {"NULL": True}}) == 2 + 2
    assert item_size({"m": {"M": {"k": {"S": "ab"}}}}) == 1 + 3 + (1 + 2 + 1)
    assert item_size({"l": {"L": [{"S": "ab"}, {"N": "1"}]}}) == 1 + 3 + (2 + 1) + (2 + 1)


def test_units_round_up_per_unit_size():
    assert read_units(1) == 0.5 and read_units(4096) == 0.5 and read_units(4097) == 1.0
    assert read_units(4097, consistent=True) == 2 and read_units(10, transactional=True) == 2
    assert write_units(0) == 1 and write_units(1024) == 1 and write_units(1025) == 2
    assert write_units(1025, transactional=True) == 4


def test_a_query_pays_for_what_its_filter_discarded():
    items = [item(str(i), 1000) for i in range(2)]
    kept = Call("Query", {}, {"Items": items, "Count": 2, "ScannedCount": 2})
    filtered = Call("Query", {}, {"Items": items, "Count": 2, "ScannedCount": 40})
    assert call_units(kept, TABLES).read == 0.5  # 2,000 bytes: one 4 KB unit, eventually consistent
    assert call_units(filtered, TABLES).read == 5.0  # 40 items of ~1,000 bytes: 10 units, halved


def test_transactional_writes_cost_double_and_index_writes_are_counted():
    new = item("a", 1500, status="active")
    put = Call("TransactWriteItems", {"TransactItems": [{"Put": {"TableName": "t", "Item": new}}]})
    put.before, put.after = {item_ref("t", {"pk": new["pk"]}): None}, {item_ref("t", {"pk": new["pk"]}): new}
    # 2 KB item transactional: 2 × 2; entering the index (keys only, tiny): 1
    assert call_units(put, TABLES).write == 5

    key = {"pk": new["pk"]}
    moved = dict(new, status={"S": "disabled"})
    upd = Call("UpdateItem", {"TableName": "t", "Key": key})
    upd.before, upd.after = {item_ref("t", key): new}, {item_ref("t", key): moved}
    assert call_units(upd, TABLES).write == 2 + 2  # the item; its index key moved: delete + put

    untouched = dict(new, blob={"S": "y" * 10})
    upd.after = {item_ref("t", key): untouched}
    assert call_units(upd, TABLES).write == 2  # the index's projection did not change: no index write


def test_a_failed_conditional_put_still_pays():
    new = item("a", 3000)
    ref = item_ref("t", {"pk": new["pk"]})
    put = Call("PutItem", {"TableName": "t", "Item": new}, error="ConditionalCheckFailedException")
    put.before, put.after = {ref: None}, {ref: None}
    assert call_units(put, TABLES).write == 3


@pytest.mark.parametrize("consistent, expected", [(False, 0.5), (True, 1.0)])
def test_a_missing_item_still_costs_a_read(consistent, expected):
    call = Call("GetItem", {"TableName": "t", "Key": {"pk": {"S": "x"}}, "ConsistentRead": consistent}, {})
    assert call_units(call, TABLES).read == expected
