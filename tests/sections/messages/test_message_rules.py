"""Secure messages: who may open what (the permission matrix), plain text and its
limits, the send limit, topics, the inbox's conditional refresh, one Query per list
page and the access log."""
import pytest

from tests.conftest import table_items
from tests.portal_helpers import STRONG_PW, accept, create, lakeside_admin, rep_body, signed_in, token_in
from tests.sections.messages.helpers import (
    CONV,
    INBOX,
    PP,
    clinician,
    desk,
    jane,
    patient,
    sent_messages,
    start,
    summary,
)


@pytest.fixture
def reps(gateway, seeded):
    """Rita represents Ann (P100) with messages; Bob represents Ann without it; Olga
    represents Ben (P101) with messages. Returns their browsers and Ann's."""
    staff = desk(gateway)
    out = {"ann": patient(gateway)}
    for name, username, pid, perms in (("rita", "rita@example.com", "P100", ["messages"]),
                                       ("bob", "bob@example.com", "P100", ["appointments"]),
                                       ("olga", "olga@example.com", "P101", ["messages"])):
        before = len(sent_messages())
        assert create(staff, rep_body(username=username, patient_id=pid, permissions=perms)).status == 201
        assert accept(gateway.browser(), token_in(sent_messages()[before])).status == 204
        out[name] = signed_in(gateway, username, STRONG_PW, login_type="patient")
    return out


def test_the_permission_matrix(gateway, reps):
    cid = start(reps["ann"])
    # Self and a representative with messages share the patient side.
    assert reps["rita"].get(f"{PP}/{cid}").status == 200
    assert reps["rita"].post(f"{PP}/{cid}/replies", json={"text": "Rita here"}).status == 201
    thread = reps["ann"].get(f"{PP}/{cid}").json()
    assert [m["author"]["name"] for m in thread["messages"]] == ["Ann Lee", "Rita Lee"]
    # A representative without the section, of another patient, staff, another clinic.
    for path in (PP, f"{PP}/{cid}"):
        r = reps["bob"].get(path)
        assert (r.status, r.json()["error"]) == (403, "section_not_permitted")
        r = reps["olga"].get(path)
        assert (r.status, r.json()["error"]) == (403, "no_patient_access")
    r = reps["bob"].post(PP, json={"topic": "Billing", "subject": "s", "text": "t"})
    assert r.json()["error"] == "section_not_permitted"
    # Olga's own patient has no such conversation: 404, not Ann's thread.
    r = reps["olga"].get(f"/api/portal/patients/P101/messages/{cid}")
    assert (r.status, r.json()["error"]) == (404, "conversation_not_found")
    r = reps["olga"].post(f"/api/portal/patients/P101/messages/{cid}/replies", json={"text": "x"})
    assert r.status == 404
    assert desk(gateway).get(PP).json()["error"] == "forbidden"
    lake = lakeside_admin(gateway)
    assert lake.get(f"{INBOX}?box=unassigned").json()["error"] == "wrong_clinic"
    assert lake.get(f"{CONV}/{cid}").json()["error"] == "wrong_clinic"
    r = lake.get(f"/api/clinics/Lakeside/conversations/{cid}")
    assert (r.status, r.json()["error"]) == (404, "conversation_not_found")
    # Every staff role holds messages.manage; a patient login holds no staff permission.
    for staff in (jane(gateway), desk(gateway), clinician(gateway)):
        assert staff.get(f"{CONV}/{cid}").status == 200
    assert reps["ann"].get(f"{INBOX}?box=unassigned").json()["error"] == "forbidden"
    assert reps["ann"].post(f"{CONV}/{cid}/close").json()["error"] == "forbidden"


def test_text_is_plain_trimmed_and_bounded(gateway, seeded):
    ann = patient(gateway)
    html = '<img src=x onerror="alert(1)"> & <script>'
    cid = start(ann, subject="  <b>Hi</b>  ", text=f"\n  {html}\n")
    thread = ann.get(f"{PP}/{cid}").json()
    assert thread["conversation"]["subject"] == "<b>Hi</b>"
    assert thread["messages"][0]["text"] == html   # stored and sent back as the text it is
    for body in ({"text": "x" * 5001}, {"text": "   "}, {"text": 5}, {"text": "ok", "html": True}):
        r = ann.post(f"{PP}/{cid}/replies", json=body)
        assert r.status == 400, body
    assert ann.post(f"{PP}/{cid}/replies", json={"text": "x" * 5000}).status == 201
    bad = [{"topic": "Billing", "subject": "s" * 201, "text": "t"},
           {"topic": "Billing", "subject": "two\nlines", "text": "t"},
           {"topic": "Gossip", "subject": "s", "text": "t"}]
    for body in bad:
        r = ann.post(PP, json=body)
        assert r.status == 400, body
    assert r.json()["error"] == "invalid_topic"
    assert len(ann.get(PP).json()["items"]) == 1   # nothing was written by the refusals


def test_sending_is_limited_per_person(gateway, seeded, clock):
    ann = patient(gateway)
    cid = start(ann)
    for i in range(9):
        assert ann.post(f"{PP}/{cid}/replies", json={"text": f"m{i}"}).status == 201
    r = ann.post(f"{PP}/{cid}/replies", json={"text": "one too many"})
    assert (r.status, r.json()["error"]) == (429, "too_many_messages")
    assert 0 < int(r.header("Retry-After")) <= 600
    assert ann.get(f"{PP}/{cid}").json()["conversation"]["message_count"] == 10
    # Staff are limited on their own count.
    assert jane(gateway).post(f"{CONV}/{cid}/replies", json={"text": "hello"}).status == 201
    clock.advance(600)
    assert ann.post(f"{PP}/{cid}/replies", json={"text": "later"}).status == 201


def test_topics_come_from_the_clinic_setting(gateway, seeded):
    admin = jane(gateway)
    ann = patient(gateway)
    assert ann.get(PP).json()["topics"] == ["Appointments", "Billing", "Ask my care team", "Other"]
    for bad in ([], ["x" * 41], ["A", "a"], "Billing", [1], ["line\nbreak"], ["t"] * 13):
        r = admin.patch("/api/clinics/SUNRISE/settings", json={"message_topics": bad})
        assert r.status == 400, bad
    r = admin.patch("/api/clinics/SUNRISE/settings", json={"message_topics": [" Refills ", "Other"]})
    assert r.status == 200, r.text
    assert r.json()["settings"]["message_topics"] == ["Refills", "Other"]
    assert ann.get(PP).json()["topics"] == ["Refills", "Other"]
    assert ann.post(PP, json={"topic": "Billing", "subject": "s", "text": "t"}).json()["error"] == "invalid_topic"
    start(ann, topic="Refills")


def test_the_inbox_refreshes_with_a_conditional_request(gateway, seeded, aws_calls):
    admin = jane(gateway)
    ann = patient(gateway)
    first = admin.get(f"{INBOX}/summary")
    etag = first.header("ETag")
    assert first.status == 200 and etag.startswith('W/"')
    aws_calls.reset()
    r = admin.get(f"{INBOX}/summary", headers={"If-None-Match": etag, "X-Portal-Background": "1"})
    assert r.status == 304 and r.body in (b"", "", None)
    # The whole check is one request: the counts are read in the session's own TransactGetItems.
    assert aws_calls.calls == [("dynamodb", "TransactGetItems")], aws_calls.calls
    start(ann)
    r = admin.get(f"{INBOX}/summary", headers={"If-None-Match": etag})
    assert r.status == 200 and r.header("ETag") != etag
    assert r.json()["counts"]["unassigned_unread"] == 1


def test_every_list_is_one_query_a_page(gateway, seeded, aws_calls, clock, monkeypatch):
    from chalicelib.sections.messages import records

    ann = patient(gateway)
    admin = jane(gateway)
    ids = []
    for i in range(3):
        ids.append(start(ann, subject=f"s{i}"))
        clock.advance(5)
    monkeypatch.setattr(records, "PAGE_SIZE", 2)
    for browser, path in ((ann, PP), (admin, f"{INBOX}?box=unassigned")):
        seen, cursor, pages = [], None, 0
        while True:
            pages += 1
            aws_calls.reset()
            url = path + (("&" if "?" in path else "?") + f"cursor={cursor}" if cursor else "")
            r = browser.get(url)
            assert r.status == 200, r.text
            assert aws_calls.count("dynamodb", "Query") == 1
            seen += [c["conversation_id"] for c in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
        assert seen == ids[::-1] and pages == 2   # latest activity first, two to a page
    aws_calls.reset()
    assert admin.get(f"{CONV}/{ids[0]}").status == 200
    assert aws_calls.count("dynamodb", "Query") == 1
    r = ann.get(f"{PP}/{ids[0]}?cursor=bogus")
    assert (r.status, r.json()["error"]) == (400, "invalid_cursor")


def test_views_are_in_the_access_log_with_the_patient(gateway, seeded):
    ann = patient(gateway)
    admin = jane(gateway)
    cid = start(ann)
    assert ann.get(PP).status == 200
    assert admin.get(f"{CONV}/{cid}").status == 200     # marks read: the event rides in that write
    assert admin.get(f"{CONV}/{cid}").status == 200     # already read: one PutItem
    events = [e for e in table_items("audit_events") if e["kind"]["S"] == "section_viewed"]
    who = sorted((e["actor"]["M"]["username"]["S"], e["details"]["M"]["patient_id"]["S"],
                  e["details"]["M"]["section"]["S"]) for e in events)
    assert who == [("DoeJ", "P100", "messages"), ("DoeJ", "P100", "messages"),
                   ("ann@example.com", "P100", "messages")]
    assert all(e["patient_ref"]["S"] == "sunrise#P100" for e in events)
    kinds = {e["kind"]["S"] for e in table_items("audit_events")}
    assert "message_conversation_started" in kinds
    r = admin.get("/api/clinics/SUNRISE/audit?patient_id=P100")
    assert r.status == 200, r.text
    words = [e["description"] for e in r.json()["items"]]
    assert "Jane Doe viewed Ann Lee's messages" in words or "DoeJ viewed Ann Lee's messages" in words, words
    # The audit log never holds the message's subject or text.
    assert "Refill question" not in r.text and "Can I get a refill?" not in r.text


def test_assignment_is_to_active_staff_with_the_permission(gateway, seeded):
    ann, admin = patient(gateway), jane(gateway)
    cid = start(ann)
    for who in ("NoAccessN", "NobodyZ", "KimS"):
        r = admin.post(f"{CONV}/{cid}/assign", json={"assignee": who})
        assert (r.status, r.json()["error"]) == (400, "invalid_assignee"), who
    r = admin.post(f"{CONV}/{cid}/assign", json={"assignee": "PatelR"})
    assert r.status == 200 and r.json()["conversation"]["assigned_name"] == "Ravi Patel"
    ravi = clinician(gateway)
    assert summary(ravi)["mine_unread"] == 1 and summary(admin)["unassigned_open"] == 0
    assert [c["conversation_id"] for c in ravi.get(f"{INBOX}?box=mine").json()["items"]] == [cid]
    # Back to the clinic.
    assert admin.post(f"{CONV}/{cid}/assign", json={"assignee": None}).status == 200
    assert summary(ravi)["mine_open"] == 0 and summary(admin)["unassigned_unread"] == 1
    names = {i["username"] for i in admin.get(f"{INBOX}/assignees").json()["items"]}
    assert names == {"DoeJ", "SmithF", "PatelR"}
    events = [e for e in table_items("audit_events") if e["kind"]["S"] == "message_conversation_assigned"]
    assert len(events) == 2 and events[0]["details"]["M"]["patient_id"]["S"] == "P100"
    assert ann.get(f"{PP}/{cid}").json()["conversation"]["assigned_name"] is None
