"""Request bodies (`chalicelib.api.requests`): keyword-only, frozen, defaults kept,
unknown and missing names refused, and nothing of their values in their repr."""
import dataclasses

import pytest

from chalicelib.api.fields import Text
from chalicelib.api.requests import ABSENT, Body, optional, request_body, required


@request_body
class Sample(Body):
    name: str = required(Text(20))
    note: str | None = optional(Text(20), default=ABSENT)


def test_a_body_takes_keywords_keeps_defaults_and_cannot_change():
    body = Sample(name="Ann Lee")
    assert (body.name, body.note) == ("Ann Lee", ABSENT)
    assert body.sent() == {"name": "Ann Lee"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        body.name = "Someone else"
    with pytest.raises(dataclasses.FrozenInstanceError):
        del body.note
    assert body.name == "Ann Lee"


def test_missing_and_unknown_names_are_refused():
    with pytest.raises(TypeError, match="name"):
        Sample(note="x")
    with pytest.raises(TypeError, match="surname"):
        Sample(name="Ann", surname="Lee")
    with pytest.raises(TypeError):
        Sample("Ann")   # keyword-only


def test_its_repr_holds_no_value():
    assert "Ann Lee" not in repr(Sample(name="Ann Lee"))
