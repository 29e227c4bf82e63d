"""Fuzzing the integration API's bodies with a real key (schemathesis' anonymous cases
stop at the 401): any JSON object of known and unknown fields with any values is a
201/200, or a 400 `invalid_field` naming a field it sent (or a required one it left
out) that wrote nothing; never a 5xx."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import table_items
from tests.integrations.helpers import PATIENT, ehr
from tests.integrations.patients_fields import FIELDS, REQUIRED

SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
           | st.text(max_size=40))
JSON = st.recursive(SCALARS,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=5)
VALUES = st.one_of(JSON, st.sampled_from(["", " ", "1984-07-09", "2999-01-01", "+1 555 010 4242", "Ann-Marie",
                                          "a@b.co", "SW1A 1AA", "x" * 300, "\u202e", "名前"]))
BODIES = st.fixed_dictionaries({}, optional={name: VALUES for name in FIELDS + ["nickname", "resourceType"]})


def test_any_body_is_written_whole_or_refused_naming_its_field(admin, gateway):
    client = ehr(gateway, admin)
    assert client.put("FUZZ-1", PATIENT).status == 201
    seen = {"statuses": set()}

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(BODIES, st.booleans())
    def check(body, over_valid):
        sent = {**PATIENT, **body} if over_valid else body
        before = table_items("patients")
        r = client.put("FUZZ-1", sent)
        seen["statuses"].add(r.status)
        assert r.status in (200, 201, 400), r.text
        if r.status == 400:
            err = r.json()
            assert err["error"] == "invalid_field", err
            assert err["field"] in sent or err["field"] in REQUIRED, err
            assert table_items("patients") == before

    check()
    assert {200, 400} <= seen["statuses"]
