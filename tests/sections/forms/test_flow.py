"""A form end to end: template -> request -> draft -> submit -> review, with the
counts, the access-log events, and lists that are one Query a page."""
from chalicelib.sections import counters
from tests.conftest import table_items
from tests.sections.forms.conftest import FIELDS, GOOD, SUBMISSIONS, TEMPLATES


def count(key: str, name: str) -> int:
    return counters.count(counters.read("sunrise", [key]), key, name)


def events(kind: str) -> list[dict]:
    return [e for e in table_items("audit_events") if e["kind"]["S"] == kind]


def test_template_request_draft_submit_review(forms, admin):
    req = forms.ask(note="Before the visit", due_date="2031-05-01")
    rid = req["request_id"]
    assert (req["form_name"], req["status"], req["template_id"]) == ("Intake", "open", forms.template_id)
    grant_key = counters.grant(forms.account_id)
    assert count(grant_key, "forms_open") == 1

    # The patient side: the open list, then the form itself (the template as asked, no draft yet).
    listed = forms.person.get(forms.mine()).json()["items"]
    assert [(i["request_id"], i["form_name"], i["note"]) for i in listed] == [(rid, "Intake", "Before the visit")]
    opened = forms.person.get(forms.mine(rid)).json()["form_request"]
    assert opened["template"]["fields"] == [dict(f, help=f.get("help")) for f in FIELDS]
    assert opened["draft"] is None and opened["answers"] is None

    # A partial draft is kept; the template changing afterwards does not touch the request.
    r = forms.person.put(forms.mine(rid) + "/draft", json={"answers": {"full_name": "Ben", "smoker": None}})
    assert r.status == 200, r.text
    assert forms.staff.patch(f"{TEMPLATES}/{forms.template_id}", json={"name": "Intake v2", "fields": [
        {"key": "other", "label": "Other", "type": "short_text", "required": True}]}).status == 200
    opened = forms.person.get(forms.mine(rid)).json()["form_request"]
    assert opened["draft"] == {"full_name": "Ben"} and opened["form_name"] == "Intake"
    assert [f["key"] for f in opened["template"]["fields"]] == [f["key"] for f in FIELDS]

    r = forms.person.post(forms.mine(rid) + "/submit", json={"answers": GOOD})
    assert r.status == 200, r.text
    assert r.json()["form_request"]["status"] == "submitted"
    assert count(grant_key, "forms_open") == 0 and count(counters.CLINIC, "forms_submitted") == 1
    assert forms.person.get(forms.mine()).json()["items"] == []
    done = forms.person.get(forms.mine() + "?status=submitted").json()["items"]
    assert [(i["request_id"], i["status"]) for i in done] == [(rid, "submitted")]
    again = forms.person.post(forms.mine(rid) + "/submit", json={"answers": GOOD})
    assert again.status == 409 and again.json()["error"] == "form_request_closed"
    assert count(counters.CLINIC, "forms_submitted") == 1   # a refused submit counts nothing

    # Staff review: the queue, the answers laid out with the template, mark reviewed.
    queue = forms.staff.get(SUBMISSIONS).json()["items"]
    assert [(i["request_id"], i["patient_name"], i["patient_id"]) for i in queue] == [(rid, "Ben Lee", "P101")]
    shown = forms.staff.get(f"{SUBMISSIONS}/{rid}").json()["form_request"]
    assert shown["answers"] == GOOD and shown["template"]["name"] == "Intake"
    r = forms.staff.post(f"{SUBMISSIONS}/{rid}/mark-reviewed")
    assert r.status == 200 and r.json()["form_request"]["status"] == "reviewed"
    assert r.json()["form_request"]["reviewed_by"] == "SmithF"
    assert count(counters.CLINIC, "forms_submitted") == 0
    assert forms.staff.get(SUBMISSIONS).json()["items"] == []
    assert [i["request_id"] for i in forms.staff.get(SUBMISSIONS + "?status=reviewed").json()["items"]] == [rid]
    r = forms.staff.post(f"{SUBMISSIONS}/{rid}/mark-reviewed")
    assert r.status == 409 and r.json()["error"] == "form_already_reviewed"
    assert count(counters.CLINIC, "forms_submitted") == 0

    # The audit log: every step names the patient; answers never appear in it.
    for kind in ("form_request_created", "form_draft_saved", "form_request_submitted", "form_request_reviewed"):
        (event,) = events(kind)
        assert event["patient_ref"]["S"] == "sunrise#P101", kind
    assert "Asthma" not in str(table_items("audit_events"))
    words = [i["description"] for i in admin.get("/api/clinics/SUNRISE/audit?patient=P101").json()["items"]]
    assert "Frank Smith marked “Intake” reviewed" in words and "Rita Lee submitted “Intake”" in words


def test_reading_answers_is_in_the_access_log_for_staff_and_patients(forms):
    rid = forms.ask()["request_id"]
    assert forms.person.post(forms.mine(rid) + "/submit", json={"answers": GOOD}).status == 200
    before = len(events("section_viewed"))
    assert forms.person.get(forms.mine(rid)).status == 200
    assert forms.staff.get(f"{SUBMISSIONS}/{rid}").status == 200
    assert forms.staff.get(f"/api/clinics/SUNRISE/portal-accounts/{forms.account_id}/form-requests/{rid}").status == 200
    new = events("section_viewed")[before:]
    who = sorted(e["actor"]["M"]["username"]["S"] for e in new)
    assert who == ["SmithF", "SmithF", "rep@example.com"]
    assert {e["patient_ref"]["S"] for e in new} == {"sunrise#P101"}
    assert {e["details"]["M"]["section"]["S"] for e in new} == {"forms"}
    # Lists of names are not answers: the staff queue writes no access-log event.
    assert forms.staff.get(SUBMISSIONS).status == 200
    assert len(events("section_viewed")) == before + 3


def test_cancel_counts_down_once(forms):
    rid = forms.ask()["request_id"]
    base = f"/api/clinics/SUNRISE/portal-accounts/{forms.account_id}/form-requests/{rid}"
    assert forms.staff.post(base + "/cancel").status == 200
    assert forms.staff.post(base + "/cancel").status == 409
    assert count(counters.grant(forms.account_id), "forms_open") == 0
    assert forms.person.get(forms.mine(rid)).status == 404
    r = forms.person.post(forms.mine(rid) + "/submit", json={"answers": GOOD})
    assert r.status == 404 and count(counters.CLINIC, "forms_submitted") == 0


def test_lists_are_one_query_a_page(forms, aws_calls):
    rids = [forms.ask()["request_id"] for _ in range(3)]
    for rid in rids:
        assert forms.person.post(forms.mine(rid) + "/submit", json={"answers": GOOD}).status == 200
    forms.ask()
    from chalicelib.sections.forms import answers as a
    from chalicelib.sections.forms import review as rv
    from chalicelib.sections.forms import templates as t

    for module in (a, rv, t):
        module.PAGE_SIZE = 2
    try:
        for url, browser in ((forms.mine() + "?status=submitted", forms.person), (SUBMISSIONS, forms.staff),
                             (TEMPLATES + "?status=all", forms.staff)):
            seen, cursor = [], None
            while True:
                aws_calls.reset()
                r = browser.get(url + ("&" if "?" in url else "?") + (f"cursor={cursor}" if cursor else "x=1"))
                assert r.status == 200, r.text
                assert aws_calls.count("dynamodb", "Query") == 1, url
                assert aws_calls.count("dynamodb", "Scan") == 0
                seen += r.json()["items"]
                cursor = r.json()["next_cursor"]
                if not cursor:
                    break
            assert len(seen) == (1 if "templates" in url else 3), url
    finally:
        for module in (a, rv, t):
            module.PAGE_SIZE = 50


def test_answers_whose_access_log_cannot_be_written_are_not_shown(forms):
    """Staff and patient alike: the view's event is written before the answers are
    sent; if DynamoDB refuses it, 503 with Retry-After and no answers."""
    from tests.faults import Faults

    rid = forms.ask()["request_id"]
    assert forms.person.post(forms.mine(rid) + "/submit", json={"answers": GOOD}).status == 200
    for browser, url in ((forms.staff, f"{SUBMISSIONS}/{rid}"), (forms.person, forms.mine(rid))):
        with Faults() as faults:
            with faults.armed() as run:
                assert browser.get(url).status == 200
            put = run.calls.index(("dynamodb", "PutItem")) + 1
            with faults.armed(fail_at=put, kind="throttle") as run:
                r = browser.get(url)
        assert run.failed == ("dynamodb", "PutItem")
        assert r.status == 503 and r.headers.get("Retry-After") == "5" and "form_request" not in r.json()
