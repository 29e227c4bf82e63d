"""Seed files' `conversations` (secure messages): checked with the rest of the seed,
written through the same use case as the API, so the counts match the records."""
import copy

import pytest

from infra.seed import SeedError, load, validate
from tests.conftest import SEED

CONVERSATION = {"clinic_id": "SUNRISE", "patient_id": "P100", "topic": "Billing", "subject": "My bill",
                "messages": [{"from": "patient", "text": "Is it right?"}, {"from": "DoeJ", "text": "Yes."}],
                "assigned_to": "DoeJ"}


def seed_with(**changes) -> dict:
    data = copy.deepcopy(SEED)
    data["conversations"] = [{**CONVERSATION, **changes}]
    return data


@pytest.mark.parametrize("changes,words", [
    ({"patient_id": "P999"}, "not among the seed's patients"),
    ({"topic": "Gossip"}, "not one of the clinic's topics"),
    ({"messages": []}, "must not be empty"),
    ({"messages": [{"from": "DoeJ", "text": "Hi"}]}, "first message must be the patient's"),
    ({"messages": [{"from": "patient", "text": "Hi"}, {"from": "KimS", "text": "x"}]}, "staff username"),
    ({"messages": [{"from": "patient"}]}, "exactly 'from' and 'text'"),
    ({"assigned_to": "NobodyZ"}, "is not a staff username"),
    ({"status": "archived"}, "open or closed"),
    ({"subject": "two\nlines"}, "one line"),
])
def test_bad_conversations_are_refused(changes, words):
    with pytest.raises(SeedError, match=words):
        validate(seed_with(**changes))


def test_a_seeded_conversation_has_an_unread_reply_and_matching_counts(aws, gateway):
    from chalicelib.sections import counters
    from tests.sections.messages.helpers import PP, patient

    load(seed_with())
    items = counters.read("sunrise", [counters.patient("P100"), counters.staff("doej")])
    assert counters.count(items, counters.patient("P100"), "messages_unread") == 1
    assert counters.count(items, counters.staff("doej"), "messages_assigned_open") == 1
    ann = patient(gateway)
    (item,) = ann.get(PP).json()["items"]
    assert item["unread"] and item["subject"] == "My bill" and item["assigned_name"] == "Jane Doe"
    thread = ann.get(f"{PP}/{item['conversation_id']}").json()
    assert [(m["author"]["name"], m["text"]) for m in thread["messages"]] == [("Ann Lee", "Is it right?"),
                                                                               ("Jane Doe", "Yes.")]
