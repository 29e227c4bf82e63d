"""Shared steps of the secure-messages tests."""
from __future__ import annotations

from tests.conftest import ADMIN_PW
from tests.portal_helpers import clinician, desk, patient, sent_messages, signed_in  # noqa: F401

PP = "/api/portal/patients/P100/messages"
INBOX = "/api/clinics/SUNRISE/inbox"
CONV = "/api/clinics/SUNRISE/conversations"


def jane(gateway):
    return signed_in(gateway, "DoeJ", ADMIN_PW)


def start(browser, subject="Refill question", text="Can I get a refill?", topic="Billing", patient_id="P100"):
    r = browser.post(f"/api/portal/patients/{patient_id}/messages",
                     json={"topic": topic, "subject": subject, "text": text})
    assert r.status == 201, r.text
    return r.json()["conversation"]["conversation_id"]


def summary(browser) -> dict:
    r = browser.get(f"{INBOX}/summary")
    assert r.status == 200, r.text
    return r.json()["counts"]


def patient_unread() -> int:
    from chalicelib.sections import counters

    items = counters.read("sunrise", [counters.patient("P100")])
    return counters.count(items, counters.patient("P100"), "messages_unread")
