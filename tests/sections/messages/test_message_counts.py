"""The unread and open counts never drift: replies, reads, assignment and closing
racing each other on one conversation leave the counts equal to what the records
say (each change is conditional on the conversation as it read it)."""
import threading

from chalicelib.sections import counters
from tests.conftest import table_items
from tests.sections.messages.helpers import CONV, PP, jane, patient, start


def _counts() -> dict:
    items = counters.read("sunrise", [counters.CLINIC, counters.patient("P100"), counters.staff("doej")])
    return {"patient_unread": counters.count(items, counters.patient("P100"), "messages_unread"),
            "unassigned_unread": counters.count(items, counters.CLINIC, "messages_unassigned_unread"),
            "unassigned_open": counters.count(items, counters.CLINIC, "messages_unassigned_open"),
            "mine_unread": counters.count(items, counters.staff("doej"), "messages_assigned_unread"),
            "mine_open": counters.count(items, counters.staff("doej"), "messages_assigned_open")}


def _from_records() -> dict:
    """The same counts, worked out from the conversation items themselves."""
    out = dict.fromkeys(("patient_unread", "unassigned_unread", "unassigned_open", "mine_unread", "mine_open"), 0)
    for item in table_items("conversations"):
        if item["item_key"]["S"] != "~conversation":
            continue
        def flag(name, item=item):
            return bool(item.get(name, {}).get("BOOL"))
        out["patient_unread"] += flag("patient_unread")
        if item["status"]["S"] != "open":
            continue
        who = item.get("assigned_to", {}).get("S")
        prefix = "mine" if who == "doej" else "unassigned" if not who else None
        if prefix:
            out[f"{prefix}_open"] += 1
            out[f"{prefix}_unread"] += flag("staff_unread")
    return out


def test_racing_reads_replies_and_closing_never_drift(gateway, seeded, atomic_dynamodb):
    ann, staff = patient(gateway), jane(gateway)
    ids = [start(ann, subject=f"c{i}") for i in range(2)]
    assert staff.post(f"{CONV}/{ids[1]}/assign", json={"assignee": "DoeJ"}).status == 200
    errors = []

    def run(step, n):
        for i in range(n):
            r = step(i)
            if r.status not in (200, 201, 409, 429):
                errors.append(r.text)

    steps = [
        (lambda i: staff.post(f"{CONV}/{ids[i % 2]}/replies", json={"text": f"s{i}"}), 4),
        (lambda i: ann.get(f"{PP}/{ids[i % 2]}"), 6),
        (lambda i: staff.get(f"{CONV}/{ids[i % 2]}"), 6),
        (lambda i: ann.post(f"{PP}/{ids[i % 2]}/replies", json={"text": f"p{i}"}), 4),
        (lambda i: staff.post(f"{CONV}/{ids[0]}/{'close' if i % 2 == 0 else 'reopen'}"), 4),
    ]
    threads = [threading.Thread(target=run, args=step) for step in steps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert _counts() == _from_records()


def test_counts_follow_each_step(gateway, seeded):
    ann, staff = patient(gateway), jane(gateway)
    cid = start(ann)
    assert _counts() == {"patient_unread": 0, "unassigned_unread": 1, "unassigned_open": 1,
                         "mine_unread": 0, "mine_open": 0}
    assert staff.get(f"{CONV}/{cid}").status == 200
    assert staff.get(f"{CONV}/{cid}").status == 200   # reading twice counts once
    assert _counts()["unassigned_unread"] == 0
    assert staff.post(f"{CONV}/{cid}/replies", json={"text": "hi"}).status == 201
    assert staff.post(f"{CONV}/{cid}/replies", json={"text": "again"}).status == 201
    assert _counts()["patient_unread"] == 1     # one conversation, however many replies
    assert staff.post(f"{CONV}/{cid}/close").status == 200
    assert staff.post(f"{CONV}/{cid}/close").status == 200   # already closed: nothing moves
    assert _counts() == {"patient_unread": 1, "unassigned_unread": 0, "unassigned_open": 0,
                         "mine_unread": 0, "mine_open": 0}
    assert ann.get(f"{PP}/{cid}").status == 200
    assert _counts() == _from_records() == {"patient_unread": 0, "unassigned_unread": 0, "unassigned_open": 0,
                                            "mine_unread": 0, "mine_open": 0}
