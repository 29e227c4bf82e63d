"""Parsing an integration body into the portal's fields (appointments.py,
results.py): 400 `invalid_field` naming the wire field (or the row and field of a
list, e.g. `observations[0].value`), and the external id rule of records that are
not patients."""
from __future__ import annotations

import re

from chalicelib.integrations.records import InvalidField

# A FHIR R4 `id` (letters, digits, '-', '.'), plus '_' that EHR ids often hold; case matters.
EXTERNAL_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def external_id(value, noun: str) -> str:
    if not isinstance(value, str) or not EXTERNAL_ID_RE.fullmatch(value):
        raise InvalidField("external_id", f"{noun} external id is 1 to 64 letters, digits, '.', '-' or '_'.")
    return value


def parse(request, body, field_map: dict[str, str], *, max_bytes: int | None = None) -> dict:
    """{portal field: value} of every field of `body` (a requests.Body class; absent
    or null is None), named by `field_map` (wire name -> portal name)."""
    from chalicelib.api.http import json_body
    from chalicelib.core.errors import InvalidRequest

    raw = json_body(request, required=body.required_names(), optional=body.optional_names(),
                    field_error=InvalidField, max_bytes=max_bytes)
    out = {portal: None for portal in field_map.values()}
    for name, (parser, _) in body.specs().items():
        if name in raw:
            try:
                out[field_map[name]] = parser(name, raw[name])
            except InvalidRequest as exc:
                field = (getattr(exc, "extra", None) or {}).get("field") or name
                raise InvalidField(field, exc.message) from None
    return out
