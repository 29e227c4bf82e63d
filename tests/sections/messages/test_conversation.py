"""A full conversation both ways (issue 12, point 3): start, inbox, open, assign,
reply, notification emails without content, read receipts, unread counts, close
and reopen."""
import pytest

from tests.sections.messages.helpers import (
    CONV,
    INBOX,
    PP,
    desk,
    jane,
    patient,
    patient_unread,
    sent_messages,
    start,
    summary,
)


@pytest.fixture
def people(gateway, seeded, clock):
    # The clock stands still: every message is written in the same second, and read
    # receipts must still tell them apart.
    return patient(gateway), jane(gateway), desk(gateway)


def test_a_full_conversation_both_ways(people):
    ann, jane_b, frank = people
    secret_subject, secret_text = "Rash on my left arm", "It itches since Tuesday <b>badly</b>"
    cid = start(ann, subject=secret_subject, text=secret_text)
    assert summary(jane_b) == {"unassigned_unread": 1, "unassigned_open": 1, "mine_unread": 0, "mine_open": 0}

    r = jane_b.get(f"{INBOX}?box=unassigned")
    (row,) = r.json()["items"]
    assert row["subject"] == secret_subject and row["unread"] and row["patient_name"] == "Ann Lee"

    # Jane takes it: it leaves the unassigned box and is hers, still unread.
    r = jane_b.post(f"{CONV}/{cid}/assign", json={"assignee": "DoeJ"})
    assert r.status == 200, r.text
    assert r.json()["conversation"]["assigned_to_me"]
    assert summary(jane_b) == {"unassigned_unread": 0, "unassigned_open": 0, "mine_unread": 1, "mine_open": 1}
    assert jane_b.get(f"{INBOX}?box=unassigned").json()["items"] == []
    assert [c["conversation_id"] for c in jane_b.get(f"{INBOX}?box=mine").json()["items"]] == [cid]

    # Opening it marks the clinic side read.
    r = jane_b.get(f"{CONV}/{cid}")
    assert r.status == 200, r.text
    assert [m["text"] for m in r.json()["messages"]] == [secret_text]
    assert summary(jane_b)["mine_unread"] == 0
    # Ann sees her message read by the clinic.
    thread = ann.get(f"{PP}/{cid}").json()
    assert thread["messages"][0]["read"] is True

    before = len(sent_messages())
    r = jane_b.post(f"{CONV}/{cid}/replies", json={"text": "  Please send a photo.  "})
    assert r.status == 201, r.text
    assert r.json()["message"]["text"] == "Please send a photo."
    assert r.json()["message"]["read"] is False
    assert patient_unread() == 1
    (email,) = sent_messages()[before:]
    assert email.destinations["ToAddresses"] == ["ann@example.com"]
    for secret in (secret_subject, secret_text, "photo", "Rash", "Billing"):
        assert secret not in email.body and secret not in email.subject
    assert "Sunrise Family Clinic" in email.body and "LoginType=Patient" in email.body

    items = ann.get(PP).json()["items"]
    assert items[0]["unread"] is True
    r = ann.get(f"{PP}/{cid}")
    assert [m["author"]["kind"] for m in r.json()["messages"]] == ["patient", "staff"]
    assert patient_unread() == 0
    assert ann.get(PP).json()["items"][0]["unread"] is False
    # Jane's reply now shows as read by the patient.
    assert jane_b.get(f"{CONV}/{cid}").json()["messages"][-1]["read"] is True

    # Ann answers: Jane (the assignee, who has an email) is told, without content.
    before = len(sent_messages())
    r = ann.post(f"{PP}/{cid}/replies", json={"text": "Photo attached tomorrow"})
    assert r.status == 201, r.text
    (email,) = sent_messages()[before:]
    assert email.destinations["ToAddresses"] == ["jane@sunrise.example"]
    assert "Photo" not in email.body and secret_subject not in email.body
    assert summary(jane_b)["mine_unread"] == 1

    # Closing takes it out of her box; the patient writing again reopens it.
    assert jane_b.post(f"{CONV}/{cid}/close").status == 200
    assert summary(jane_b) == {"unassigned_unread": 0, "unassigned_open": 0, "mine_unread": 0, "mine_open": 0}
    assert [c["conversation_id"] for c in jane_b.get(f"{INBOX}?box=closed").json()["items"]] == [cid]
    r = jane_b.post(f"{CONV}/{cid}/replies", json={"text": "late"})
    assert r.status == 409 and r.json()["error"] == "conversation_closed"
    assert ann.post(f"{PP}/{cid}/replies", json={"text": "One more thing"}).status == 201
    assert summary(jane_b) == {"unassigned_unread": 0, "unassigned_open": 0, "mine_unread": 1, "mine_open": 1}
    assert jane_b.get(f"{INBOX}?box=closed").json()["items"] == []
