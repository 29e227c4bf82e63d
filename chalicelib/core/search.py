"""One page of a search that reads several sources (indexes) in a fixed order.

A search text can match several keys (a username, a patient id, a last name, a
first name), each answered by its own index. `search_page` reads them one after
the other: the page is filled from the current source; when that source ends,
the same request continues into the next one. So a request makes at most one
DynamoDB Query per source (`query_page`: exactly one call each, `Limit` = what
the page still needs + 1), reads at most page + number of sources items, and
never a Scan, whatever the clinic holds.

Nobody is listed twice: an item a later source returns is dropped when it also
matches an earlier source (`Source.matches`, computed from the item itself), as
the earlier source listed it (or will, on another page).

The cursor is opaque: the position in the current source (its
LastEvaluatedKey, or none at a source's start), the source's number, and a digest
of the clinic and the search (text and filter). A cursor made for another
clinic, another search or another source's keys is refused with 400
`invalid_cursor`; its key is also checked to lie in the caller's partition and
inside the source's prefix (`core.db.check_start`).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.core.db import check_start, encode_cursor, invalid_cursor, parse_cursor, query_page

SOURCE = "~source"
SCOPE = "~search"


@dataclass(frozen=True)
class Source:
    """One index a search reads: the Query, its partition and key names, the
    begins_with prefix on `prefix_name`, and the same test on an item."""
    query: Callable
    hash_name: str
    hash_value: str
    key_names: tuple[str, ...]
    prefix_name: str
    prefix: str
    range_condition: object
    matches: Callable[[object], bool]
    filter_condition: object = None


def scope_digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def _start(cursor: str | None, sources: list[Source], scope: str) -> tuple[int, dict | None]:
    if cursor in (None, ""):
        return 0, None
    data = parse_cursor(cursor)
    tag, source = data.pop(SCOPE, None), data.pop(SOURCE, None)
    if tag != {"S": scope} or not source or not source.get("S", "").isdigit():
        raise invalid_cursor()
    index = int(source["S"])
    if index >= len(sources):
        raise invalid_cursor()
    if not data:
        return index, None
    src = sources[index]
    if data.get(src.hash_name) != {"S": src.hash_value}:
        raise invalid_cursor()
    return index, check_start(data, key_names=src.key_names, prefix_name=src.prefix_name, prefix=src.prefix)


def _cursor(scope: str, index: int, last_key: dict | None) -> str:
    return encode_cursor({**(last_key or {}), SOURCE: {"S": str(index)}, SCOPE: {"S": scope}})


def search_page(model, sources: list[Source], cursor: str | None, *, scope: str,
                limit: int) -> tuple[list, str | None]:
    """One page: (items, next cursor or None). `scope` (`scope_digest` of the clinic
    and the search) binds the cursor to this search."""
    index, start = _start(cursor, sources, scope)
    out: list = []
    while index < len(sources) and len(out) < limit:
        src = sources[index]
        items, last_key = query_page(model, src.query, src.hash_value, limit=limit - len(out), start=start,
                                     key_names=src.key_names, range_key_condition=src.range_condition,
                                     filter_condition=src.filter_condition)
        earlier = sources[:index]
        out += [item for item in items if not any(s.matches(item) for s in earlier)]
        if last_key:
            return out, _cursor(scope, index, last_key)
        index, start = index + 1, None
    return out, (_cursor(scope, index, None) if index < len(sources) else None)
