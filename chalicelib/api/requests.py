"""Request bodies, parsed at the edge.

A body is a frozen dataclass whose fields carry their parser (`fields.py`):

    @request_body
    class CreateThing(Body):
        name: str = required(Name())
        note: str | None = optional(Text(NOTE_MAX, allow_empty=True))

`route(..., body=CreateThing)` reads the JSON object (`http.json_body`: 415, size,
invalid JSON, unknown and missing fields), runs each field's parser and hands the
view a `CreateThing` whose values are clean. Every limit comes from
`chalicelib.core.limits`. An optional field the client left out is `ABSENT` when
declared `optional(..., default=ABSENT)` (PATCH bodies), so "not sent" and `null`
stay apart. Errors are `InvalidRequest` (400) with the messages the API has always
given; nothing here touches storage.
"""
from __future__ import annotations

import dataclasses

from chalicelib.api.fields import Parser
from chalicelib.core.errors import InvalidRequest


class _Absent:
    """The value of an optional field the body did not send."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self):
        return False

    def __repr__(self):
        return "ABSENT"


ABSENT = _Absent()

# ---------------------------------------------------------------- bodies

def request_body(cls):
    """The decorator of every request body: a dataclass for its fields only. `Body`
    gives the keyword-only `__init__` and refuses every later assignment (frozen). No
    generated method at all: each is an `exec` at import, and a cold start imports
    about fifty bodies (about 20 ms of it; infra/bench, cold start). No `__repr__`
    either: a body holds personal details, and printed by accident it shows only its
    class. Bodies are parsed, never compared (no `__eq__`)."""
    return dataclasses.dataclass(init=False, repr=False, eq=False)(cls)


def required(parser: Parser):
    return dataclasses.field(metadata={"parser": parser, "required": True})


def optional(parser: Parser, default=None):
    return dataclasses.field(default=default, metadata={"parser": parser, "required": False})


class Body:
    """Base of every request body. Subclasses are `@request_body` dataclasses.
    `require_one`: a PATCH body must send at least one field other than `revision`."""

    require_one = False

    def __init__(self, **values):
        for f in dataclasses.fields(self):
            if f.name in values:
                value = values.pop(f.name)
            elif f.default is not dataclasses.MISSING:
                value = f.default
            else:
                raise TypeError(f"{type(self).__name__}() is missing the keyword argument {f.name!r}")
            object.__setattr__(self, f.name, value)
        if values:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments: {', '.join(sorted(values))}")

    def __setattr__(self, name, value):
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    @classmethod
    def specs(cls) -> dict[str, tuple[Parser, bool]]:
        """name -> (parser, required), in declaration order."""
        return {f.name: (f.metadata["parser"], f.metadata["required"]) for f in dataclasses.fields(cls)}

    @classmethod
    def required_names(cls) -> tuple[str, ...]:
        return tuple(n for n, (_, req) in cls.specs().items() if req)

    @classmethod
    def optional_names(cls) -> tuple[str, ...]:
        return tuple(n for n, (_, req) in cls.specs().items() if not req)

    @classmethod
    def from_json(cls, body: dict):
        """Parse a JSON object whose field names have been checked."""
        values = {}
        for name, (parser, _) in cls.specs().items():
            if name in body:
                values[name] = parser(name, body[name])
        parsed = cls(**values)
        if cls.require_one and not parsed.changes():
            editable = [n for n in cls.specs() if n != "revision"]
            raise InvalidRequest(f"Send at least one of: {', '.join(editable)}.")
        return parsed

    def sent(self) -> dict:
        """Every field the client sent (PATCH bodies: those not ABSENT)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if getattr(self, f.name) is not ABSENT}

    def changes(self) -> dict:
        """What a PATCH body asks to change: the fields sent, but `revision`."""
        return {name: value for name, value in self.sent().items() if name != "revision"}


def parse_body(request, cls: type[Body]) -> Body:
    from chalicelib.api.http import json_body

    return cls.from_json(json_body(request, required=cls.required_names(), optional=cls.optional_names()))
