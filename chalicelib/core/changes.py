"""The PATCH bodies' name fields (first/last name), checked at the edge."""
from __future__ import annotations

from chalicelib.core.errors import InvalidRequest
from chalicelib.core.limits import NAME_MAX


def changed_names(body: dict) -> dict:
    """The first/last name changes of a PATCH body, trimmed; 400 for anything but 1-100 characters of text."""
    clean = {}
    for name in ("first_name", "last_name"):
        if name in body:
            value = body[name]
            if not isinstance(value, str) or not value.strip() or len(value) > NAME_MAX or "\x00" in value:
                raise InvalidRequest(f"{name} must be 1 to {NAME_MAX} characters of text.")
            clean[name] = value.strip()
    return clean
