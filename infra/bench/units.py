"""DynamoDB request units of one request, from the sizes of the items it read and
wrote, by DynamoDB's published on-demand rules
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/capacity-mode.html,
.../CapacityUnitCalculations.html, .../transaction-apis.html#transaction-capacity-handling):

- item size: attribute names plus values (strings and binary by their bytes, a
  number about one byte per two significant digits plus one, booleans and nulls
  one byte, lists and maps 3 bytes plus one per element);
- reads: 1 unit per 4 KB, rounded up, for a strongly consistent read, half for an
  eventually consistent one, twice for a transactional one; a Query (or Scan) adds
  up the sizes of every item it read (ScannedCount: what a FilterExpression then
  discards counts too; their sizes are not returned, so each is taken at the mean
  size of those returned, 1 KB if none was) and rounds up once; at least one unit;
- writes: 1 unit per KB, rounded up, of the larger of the item before and after,
  at least one; transactional ×2 (a ConditionCheck is billed as a write of the item
  it checks); a write that fails its condition still pays;
- global secondary indexes: a write pays again, at the same rules (not doubled for
  transactions), for every index whose projected item it changes: one write when
  an item enters, leaves or changes inside the index, two when its index key moves.

`infra.calls.CallCounter(peek=consistent_get)` supplies the items before and after
each write; Calls.records the responses."""
from __future__ import annotations

import math
from dataclasses import dataclass

from infra.calls import Call, Calls, item_ref, written_keys


def value_size(value: dict) -> int:
    (kind, v), = value.items()
    if kind == "S":
        return len(v.encode("utf-8"))
    if kind == "N":
        return _number_size(v)
    if kind == "B":
        return len(v)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode("utf-8")) for s in v)
    if kind == "NS":
        return sum(_number_size(n) for n in v)
    if kind == "BS":
        return sum(len(b) for b in v)
    if kind == "L":
        return 3 + sum(value_size(e) + 1 for e in v)
    if kind == "M":
        return 3 + sum(len(k.encode("utf-8")) + value_size(e) + 1 for k, e in v.items())
    raise ValueError(f"unknown DynamoDB type {kind!r}")


def _number_size(n: str) -> int:
    digits = n.lstrip("-").replace(".", "").split("e")[0].split("E")[0].strip("0") or "0"
    return (len(digits) + 1) // 2 + 1


def item_size(item: dict | None) -> int:
    return sum(len(name.encode("utf-8")) + value_size(v) for name, v in (item or {}).items())


def read_units(size: int, *, consistent: bool = False, transactional: bool = False) -> float:
    units = max(1, math.ceil(size / 4096))
    return units * 2 if transactional else units if consistent else units / 2


def write_units(size: int, *, transactional: bool = False) -> int:
    units = max(1, math.ceil(size / 1024))
    return units * 2 if transactional else units


@dataclass
class Units:
    read: float = 0.0
    write: float = 0.0

    def __iadd__(self, other: Units):
        self.read += other.read
        self.write += other.write
        return self


def _project(item: dict | None, index: dict, table_keys: list[str]) -> dict | None:
    index_keys = [k["AttributeName"] for k in index["KeySchema"]]
    if not item or any(k not in item for k in index_keys):
        return None  # not in the index (sparse)
    projection = index.get("Projection", {})
    kind = projection.get("ProjectionType", "ALL")
    if kind == "ALL":
        return item
    names = set(index_keys) | set(table_keys) | (
        set(projection.get("NonKeyAttributes", [])) if kind == "INCLUDE" else set())
    return {k: v for k, v in item.items() if k in names}


def _index_writes(before: dict | None, after: dict | None, table: dict) -> float:
    table_keys = [k["AttributeName"] for k in table["KeySchema"]]
    units = 0
    for index in table.get("GlobalSecondaryIndexes", []):
        old, new = _project(before, index, table_keys), _project(after, index, table_keys)
        if old == new:
            continue
        index_keys = [k["AttributeName"] for k in index["KeySchema"]]
        if old and new and any(old[k] != new[k] for k in index_keys):
            units += write_units(item_size(old)) + write_units(item_size(new))  # moved: delete + put
        else:
            units += write_units(max(item_size(old), item_size(new)))
    return units


def call_units(call: Call, tables: dict[str, dict]) -> Units:
    """The request units one recorded call consumed (`tables`: DescribeTable by name)."""
    op, params, response = call.operation, call.params, call.response or {}
    if op == "GetItem":
        return Units(read=read_units(item_size(response.get("Item")), consistent=bool(params.get("ConsistentRead"))))
    if op in ("Query", "Scan"):
        items = response.get("Items") or []
        returned = sum(item_size(i) for i in items)
        discarded = max(0, int(response.get("ScannedCount", len(items))) - len(items))
        mean = returned / len(items) if items else 1024
        return Units(read=read_units(returned + round(discarded * mean),
                                     consistent=bool(params.get("ConsistentRead"))))
    if op == "TransactGetItems":
        return Units(read=sum(read_units(item_size(r.get("Item")), transactional=True)
                              for r in response.get("Responses") or [{}] * len(params["TransactItems"])))
    if op == "BatchGetItem":
        return Units(read=sum(read_units(item_size(i), consistent=bool(req.get("ConsistentRead")))
                              for t, req in params["RequestItems"].items()
                              for i in (response.get("Responses") or {}).get(t, [])))
    if op in ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"):
        transactional = op == "TransactWriteItems"
        units = Units()
        for table_name, key in written_keys(op, params):
            table = tables[table_name]
            names = [k["AttributeName"] for k in table["KeySchema"]]
            ref = item_ref(table_name, {n: key[n] for n in names})
            before, after = call.before.get(ref), call.after.get(ref)
            attempted = key if len(key) > len(names) else None  # a Put's item, written or not
            size = max(item_size(before), item_size(after), item_size(attempted))
            units.write += write_units(size, transactional=transactional)
            units.write += _index_writes(before, after, table)
        return units
    return Units()


def request_units(calls: Calls, tables: dict[str, dict]) -> Units:
    total = Units()
    for call in calls.records:
        total += call_units(call, tables)
    return total
