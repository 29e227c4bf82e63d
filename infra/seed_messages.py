"""Seed files' `conversations` (secure messages): checked with the rest of the seed,
then written through the same `sections.messages.records.commit` the API uses, so
the counts (unread, open, per box) match the records.

    {"clinic_id": "SUNRISE", "patient_id": "P100", "topic": "Billing", "subject": "My bill",
     "messages": [{"from": "patient", "text": "..."}, {"from": "DoeJ", "text": "..."}],
     "assigned_to": "DoeJ", "status": "open"}

`from` is "patient" (the patient's side) or a staff username of the clinic; the first
message is the patient's. The last message is unread by the other side. Messages are
dated a minute apart, ending now.
"""
from __future__ import annotations

from types import SimpleNamespace

SCHEMA = {"required": {"clinic_id": str, "patient_id": str, "topic": str, "subject": str, "messages": list},
          "optional": {"assigned_to": str, "status": str}}


def check(where: str, e: dict, *, patients: set, staff: set, clinic_key: str, topics: tuple, error) -> dict:
    """One `conversations` entry, checked (raises `error(text)`); returns it with defaults."""
    from chalicelib.api.fields import bad_character
    from chalicelib.core.ids import normalize_key
    from chalicelib.core.limits import MESSAGE_SUBJECT_MAX, MESSAGE_TEXT_MAX

    if (clinic_key, e["patient_id"]) not in patients:
        raise error(f"{where}: patient {e['patient_id']!r} is not among the seed's patients")
    if e["topic"] not in topics:
        raise error(f"{where}: topic {e['topic']!r} is not one of the clinic's topics ({', '.join(topics)})")
    if len(e["subject"]) > MESSAGE_SUBJECT_MAX or bad_character(e["subject"], one_line=True):
        raise error(f"{where}: subject must be one line of at most {MESSAGE_SUBJECT_MAX} characters")
    messages = e["messages"]
    if not messages:
        raise error(f"{where}: messages must not be empty")
    for i, m in enumerate(messages):
        at = f"{where}.messages[{i}]"
        if not isinstance(m, dict) or set(m) != {"from", "text"}:
            raise error(f"{at}: must be an object with exactly 'from' and 'text'")
        if not isinstance(m["text"], str) or not m["text"].strip() or len(m["text"]) > MESSAGE_TEXT_MAX:
            raise error(f"{at}: text must be 1 to {MESSAGE_TEXT_MAX} characters")
        sender = m["from"]
        if sender != "patient" and (not isinstance(sender, str) or (clinic_key, normalize_key(sender)) not in staff):
            raise error(f"{at}: from must be \"patient\" or a staff username of the clinic")
    if messages[0]["from"] != "patient":
        raise error(f"{where}: the first message must be the patient's")
    if "assigned_to" in e and (clinic_key, normalize_key(e["assigned_to"])) not in staff:
        raise error(f"{where}: assigned_to {e['assigned_to']!r} is not a staff username of the clinic")
    if e.setdefault("status", "open") not in ("open", "closed"):
        raise error(f"{where}: status must be open or closed")
    e.setdefault("assigned_to", None)
    return e


def load(e: dict, *, clinic_key: str, patient: dict, staff: dict, patient_side_name: str | None) -> None:
    """Write one checked entry. `staff`: {username key: seed staff entry}."""
    from chalicelib.core.ids import new_id, normalize_key, now
    from chalicelib.models import ConversationModel as C
    from chalicelib.sections.messages import records as r

    def author(sender: str):
        if sender == "patient":
            name = patient_side_name or f"{patient['first_name']} {patient['last_name']}"
            return "patient", SimpleNamespace(kind="patient", subject_id="seed", display_name=name)
        s = staff[normalize_key(sender)]
        return "staff", SimpleNamespace(kind="staff", subject_id=normalize_key(sender),
                                        display_name=f"{s['first_name']} {s['last_name']}")

    end = now()
    start = end - 60 * (len(e["messages"]) - 1)
    cid = new_id()
    item = C(r.thread_key(clinic_key, cid), r.HEADER, clinic_key=clinic_key, conversation_id=cid,
             patient_id=patient["patient_id"], patient_key=r.patient_key(clinic_key, patient["patient_id"]),
             patient_name=f"{patient['first_name']} {patient['last_name']}", topic=e["topic"],
             subject=e["subject"].strip(), created_at=start, status="open", patient_unread=False,
             staff_unread=False, message_count=0)
    for i, m in enumerate(e["messages"]):
        by, person = author(m["from"])
        message = r.new_message(item, at=start + 60 * i, author_kind=by, session=person, text=m["text"].strip())
        r.commit(item, r.posted(item, message, by=by), new=(i == 0), message=message)
    if e["assigned_to"]:
        s = staff[normalize_key(e["assigned_to"])]
        r.commit(item, {"assigned_to": normalize_key(e["assigned_to"]),
                        "assigned_name": f"{s['first_name']} {s['last_name']}"})
    if e["status"] == "closed":
        r.commit(item, {"status": "closed"})
