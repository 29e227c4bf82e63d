"""Real replies of every secure-messages operation checked against docs/openapi.yaml:
a success reply of each, and the error codes people will meet."""
from tests.api.test_openapi import Wire, load_doc, operations
from tests.sections.messages.helpers import jane, patient

PP = "/api/portal/patients/{patient_id}/messages"
TH = PP + "/{conversation_id}"
C = "/api/clinics/{clinic_id}"
CT = C + "/conversations/{conversation_id}"


def test_message_wire_matches_document(gateway, seeded):
    w = Wire()
    ann, admin = patient(gateway), jane(gateway)
    base = "/api/portal/patients/P100/messages"
    r = w.check(ann.post(base, json={"topic": "Billing", "subject": "Wire", "text": "Hello"}), "POST", PP)
    cid = r.json()["conversation"]["conversation_id"]
    w.check(ann.post(base, json={"topic": "Nope", "subject": "Wire", "text": "Hello"}), "POST", PP,
            code="invalid_topic")
    w.check(ann.get(base), "GET", PP)
    w.check(ann.get(base + "?cursor=xyz"), "GET", PP, code="invalid_cursor")
    w.check(ann.get(f"{base}/{cid}"), "GET", TH)
    w.check(ann.get(f"{base}/{'0' * 32}"), "GET", TH, code="conversation_not_found")
    w.check(ann.post(f"{base}/{cid}/replies", json={"text": "More"}), "POST", TH + "/replies")
    w.check(ann.post(f"{base}/{cid}/replies", json={"text": ""}), "POST", TH + "/replies", code="invalid_request")

    clinic = "/api/clinics/SUNRISE"
    w.check(admin.get(f"{clinic}/inbox?box=unassigned"), "GET", C + "/inbox")
    w.check(admin.get(f"{clinic}/inbox?box=everything"), "GET", C + "/inbox", code="invalid_box")
    w.check(admin.get(f"{clinic}/inbox/summary"), "GET", C + "/inbox/summary")
    w.check(admin.get(f"{clinic}/inbox/assignees"), "GET", C + "/inbox/assignees")
    w.check(admin.get(f"{clinic}/conversations/{cid}"), "GET", CT)
    w.check(admin.post(f"{clinic}/conversations/{cid}/replies", json={"text": "Answer"}), "POST", CT + "/replies")
    w.check(admin.post(f"{clinic}/conversations/{cid}/assign", json={"assignee": "DoeJ"}), "POST", CT + "/assign")
    w.check(admin.post(f"{clinic}/conversations/{cid}/assign", json={"assignee": "KimS"}), "POST", CT + "/assign",
            code="invalid_assignee")
    w.check(admin.post(f"{clinic}/conversations/{cid}/close"), "POST", CT + "/close")
    w.check(admin.post(f"{clinic}/conversations/{cid}/replies", json={"text": "Late"}), "POST", CT + "/replies",
            code="conversation_closed")
    w.check(admin.post(f"{clinic}/conversations/{cid}/reopen"), "POST", CT + "/reopen")
    w.check(admin.get(f"{clinic}/conversations/{'0' * 32}"), "GET", CT, code="conversation_not_found")
    for i in range(9):
        admin.post(f"{clinic}/conversations/{cid}/replies", json={"text": f"r{i}"})
    w.check(admin.post(f"{clinic}/conversations/{cid}/replies", json={"text": "Too many"}), "POST",
            CT + "/replies", code="too_many_messages")
    w.assert_ok()

    unchecked = []
    for path, method, op, _ in operations(load_doc()):
        if "/messages" not in path and "/inbox" not in path and "/conversations" not in path:
            continue
        success = {s for s in op.get("responses", {}) if str(s).startswith("2")}
        if not any((path, method, s) in w.checked for s in success):
            unchecked.append(f"{method.upper()} {path}")
    assert not unchecked, f"no success reply checked for: {unchecked}"
