"""Fuzzing the appointments and results bodies with a real key: any JSON object of known
and unknown fields with any values is a 201/200 (or a documented 409), or a 400
`invalid_field` naming a field it sent (or a required one it left out, or a row of
one) that wrote nothing; never a 5xx."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import table_items
from tests.integrations.ehr_samples import appointment, form, result
from tests.integrations.helpers import ehr
from tests.integrations.test_put_fuzz import JSON

EXTRA = ["", " ", "2030-01-01T09:00:00Z", "2030-01-01T09:00:00", "P100", "PatelR", "final", "H", 30, 7,
         "https://v.example", "x" * 300, "\u202e", "名前", {"contentType": "application/pdf", "data": "JVBERi0="},
         [{"test": "Hb", "value": 13}], [{"test": "Hb", "value": "13", "interpretation": "Z"}], form()]
VALUES = st.one_of(JSON, st.sampled_from(EXTRA))


@pytest.mark.parametrize("resource,valid,table", [
    ("appointments", appointment(), "appointments"), ("results", result(), "documents")])
def test_any_body_is_written_whole_or_refused_naming_its_field(admin, gateway, resource, valid, table):
    from chalicelib.integrations import scopes

    cls = scopes.resource(resource).body
    fields, required = list(cls.specs()), set(cls.required_names())
    client = ehr(gateway, admin, scopes=(resource,))
    assert client.put("FUZZ-1", valid, resource=resource).status == 201
    bodies = st.fixed_dictionaries({}, optional={name: VALUES for name in fields + ["resourceType", "id"]})
    seen = set()

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(bodies, st.booleans())
    def check(body, over_valid):
        sent = {**valid, **body} if over_valid else body
        before = table_items(table)
        r = client.put("FUZZ-1", sent, resource=resource)
        seen.add(r.status)
        assert r.status in (200, 201, 400, 409), r.text
        if r.status == 400:
            err = r.json()
            assert err["error"] == "invalid_field", err
            root = err["field"].split("[")[0].split(".")[0]
            assert root in sent or root in required, err
            assert table_items(table) == before

    check()
    assert {200, 400} <= seen
