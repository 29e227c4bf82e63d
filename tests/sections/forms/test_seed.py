"""Seed files gain form templates and form requests (with a draft, answers, a
review), written through the Forms use cases so the counts match the records;
a bad entry loads nothing."""
import copy
import json
import os

import pytest

from chalicelib.sections import counters
from tests.conftest import SEED, table_items

FIELDS = [{"key": "full_name", "label": "Full name", "type": "short_text", "required": True},
          {"key": "signed", "label": "I agree", "type": "yes_no", "required": True}]


def seed_with(**forms) -> dict:
    data = copy.deepcopy(SEED)
    data["portal_accounts"][0]["permissions"].append("forms")
    data["form_templates"] = [{"clinic_id": "SUNRISE", "name": "Consent", "fields": FIELDS}]
    data["form_requests"] = forms.get("requests", [])
    return data


def ask(**extra) -> dict:
    return {"clinic_id": "SUNRISE", "patient_id": "P100", "username": "ann@example.com", "template": "Consent",
            **extra}


def test_templates_requests_drafts_submissions_and_counts(aws):
    from infra.seed import load

    load(seed_with(requests=[ask(note="Before your visit", draft={"full_name": "Ann"}), ask(),
                             ask(answers={"full_name": "Ann Lee", "signed": True}),
                             ask(answers={"full_name": "Ann Lee", "signed": False}, reviewed=True)]))
    statuses = sorted(i["status"]["S"] for i in table_items("form_requests"))
    assert statuses == ["open", "open", "reviewed", "submitted"]
    (draft,) = [i for i in table_items("form_requests") if "draft_json" in i and i["status"]["S"] == "open"]
    assert json.loads(draft["draft_json"]["S"]) == {"full_name": "Ann"}
    grant_id = draft["account_id"]["S"]
    items = counters.read("sunrise", [counters.grant(grant_id), counters.CLINIC])
    assert counters.count(items, counters.grant(grant_id), "forms_open") == 2
    assert counters.count(items, counters.CLINIC, "forms_submitted") == 1


@pytest.mark.parametrize("requests,words", [
    ([ask(template="Nope")], "not among the seed's form_templates"),
    ([ask(username="nobody@example.com")], "no portal_accounts entry"),
    ([ask(answers={"full_name": "Ann"})], "is required"),
    ([ask(draft={"colour": "red"})], "no field 'colour'"),
    ([ask(reviewed=True)], "only a form with answers"),
])
def test_a_bad_forms_entry_loads_nothing(aws, requests, words):
    from infra.seed import SeedError, load

    with pytest.raises(SeedError, match=words):
        load(seed_with(requests=requests))
    assert table_items("clinics") == [] and table_items("form_templates") == []


def test_the_demo_seed_shows_a_patient_with_an_open_form(aws):
    from infra.seed import load_file

    load_file(os.path.join(os.path.dirname(__file__), "..", "..", "..", "infra", "demo_seed.json"))
    open_forms = [i for i in table_items("form_requests") if i["status"]["S"] == "open"]
    assert open_forms and open_forms[0]["patient_id"]["S"] == "P100"
