"""The section pattern (issue 12, point 1): the registry, the section guard (403
`section_not_permitted` / `no_patient_access`), the access-log event of a view and
the audit page's filter by patient. Proven on the patient-side form-requests routes."""
import pytest

from tests.conftest import table_items
from tests.portal_helpers import (
    CONSENT_ANSWERS,
    STRONG_PW,
    accept,
    create,
    desk,
    rep_body,
    request_form,
    sent_messages,
    signed_in,
    token_in,
)

PP = "/api/portal/patients"
AUDIT = "/api/clinics/SUNRISE/audit"


@pytest.fixture
def rita(gateway, seeded):
    """(staff browser, Rita's browser): Rita represents Ben (P101) with Forms and Cara
    (P102) with Billing only; she has nothing for Ann (P100)."""
    staff = desk(gateway)
    assert create(staff, rep_body(patient_id="P101", permissions=["forms"])).status == 201
    (invitation,) = sent_messages()
    assert create(staff, rep_body(patient_id="P102", permissions=["billing"])).status == 201
    assert accept(gateway.browser(), token_in(invitation)).status == 204
    return staff, signed_in(gateway, "rep@example.com", STRONG_PW, login_type="patient")


def viewed_events() -> list[dict]:
    return [e for e in table_items("audit_events") if e["kind"]["S"] == "section_viewed"]


def test_the_registry_is_the_one_list_of_sections():
    from chalicelib.api.page_config import SECTION_LABELS
    from chalicelib.portal_accounts.records import PORTAL_SECTIONS
    from chalicelib.sections import SECTIONS
    from chalicelib.sections.access import section_access

    ids = tuple(s.id for s in SECTIONS)
    assert ids == ("appointments", "visit_summaries", "test_results", "messages", "refills", "billing", "forms")
    assert ids == PORTAL_SECTIONS and list(SECTION_LABELS) == list(ids)
    with pytest.raises(KeyError):
        section_access("chat")   # a route cannot name a section the registry lacks


def test_a_permitted_section_is_shown_and_written_to_the_access_log(rita):
    staff, person = rita
    r = person.get(f"{PP}/P101/form-requests")
    assert r.status == 200, r.text
    (event,) = viewed_events()
    assert event["actor"]["M"]["username"]["S"] == "rep@example.com"
    details = event["details"]["M"]
    assert details["patient_id"]["S"] == "P101" and details["section"]["S"] == "forms"
    assert event["patient_ref"]["S"] == "sunrise#P101"


def test_a_grant_without_the_section_is_refused_and_logs_nothing(rita):
    staff, person = rita
    r = person.get(f"{PP}/P102/form-requests")
    assert r.status == 403 and r.json()["error"] == "section_not_permitted"
    r = person.post(f"{PP}/P102/form-requests/R1/submit", json={"answers": {}})
    assert r.status == 403 and r.json()["error"] == "section_not_permitted"
    assert viewed_events() == []


def test_another_patient_is_no_patient_access_whether_or_not_they_exist(rita):
    staff, person = rita
    for pid in ("P100", "P999"):
        r = person.get(f"{PP}/{pid}/form-requests")
        assert r.status == 403 and r.json()["error"] == "no_patient_access", pid
    assert viewed_events() == []


def test_staff_are_not_portal_logins(rita):
    staff, person = rita
    r = staff.get(f"{PP}/P101/form-requests")
    assert r.status == 403 and r.json()["error"] == "forbidden"


def test_the_audit_page_filters_by_patient_in_plain_words(rita, admin, aws_calls):
    staff, person = rita
    assert person.get(f"{PP}/P101/form-requests").status == 200
    assert person.get(f"{PP}/P102/form-requests").status == 403

    aws_calls.reset()
    r = admin.get(f"{AUDIT}?patient=P101")
    assert r.status == 200, r.text
    assert aws_calls.count("dynamodb", "Query") == 1   # the by_patient index, never a Scan
    assert aws_calls.count("dynamodb", "Scan") == 0
    items = r.json()["items"]
    viewed = [i for i in items if i["kind"] == "section_viewed"]
    assert [i["description"] for i in viewed] == ["Rita Lee viewed Ben Lee's forms"]
    # Every event about Ben, and nothing about anyone else.
    assert {i["details"]["patient_id"] for i in items} == {"P101"}
    assert "access_grant_created" in {i["kind"] for i in items} or "portal_account_created" in {
        i["kind"] for i in items}

    r = admin.get(f"{AUDIT}?patient=P102&kind=section_viewed")
    assert r.status == 200 and r.json()["items"] == []   # the refused view was not logged
    r = admin.get(f"{AUDIT}?patient=P101&person=rep@example.com&kind=section_viewed")
    assert [i["description"] for i in r.json()["items"]] == ["Rita Lee viewed Ben Lee's forms"]
    r = admin.get(f"{AUDIT}?patient=P100&person=rep@example.com")
    assert r.status == 200 and r.json()["items"] == []


def test_a_patient_filter_that_is_not_a_patient_id_is_a_400(admin):
    r = admin.get(f"{AUDIT}?patient=..%2Fx")
    assert r.status == 400 and r.json()["error"] == "invalid_patient"


def test_submitting_a_form_is_in_the_patients_log_without_an_extra_request(rita, atomic_dynamodb, aws_calls):
    """A route that writes puts its own event (naming the patient and the section) in its
    transaction: no separate access-log write."""
    staff, person = rita
    account_id = next(i["account_id"] for i in staff.get(
        "/api/clinics/SUNRISE/portal-accounts?q=rep@").json()["items"] if i["patient"]["patient_id"] == "P101")
    r = request_form(staff, account_id, "Consent")
    assert r.status == 201, r.text
    request_id = r.json()["form_request"]["request_id"]
    aws_calls.reset()
    r = person.post(f"{PP}/P101/form-requests/{request_id}/submit", json={"answers": CONSENT_ANSWERS})
    assert r.status == 200, r.text
    assert aws_calls.count("dynamodb", "PutItem") == 0
    (done,) = [e for e in table_items("audit_events") if e["kind"]["S"] == "form_request_submitted"]
    assert done["patient_ref"]["S"] == "sunrise#P101" and done["details"]["M"]["section"]["S"] == "forms"


def test_a_view_whose_access_log_cannot_be_written_shows_nothing(rita):
    """The event is written before the reply: if DynamoDB refuses it, 503 with
    Retry-After and no data, so no view goes unlogged."""
    from tests.faults import Faults

    staff, person = rita
    with Faults() as faults:
        with faults.armed() as run:
            assert person.get(f"{PP}/P101/form-requests").status == 200
        put = run.calls.index(("dynamodb", "PutItem")) + 1
        assert run.calls[put - 2] == ("dynamodb", "Query")   # the page, then its event
        with faults.armed(fail_at=put, kind="throttle") as run:
            r = person.get(f"{PP}/P101/form-requests")
    assert run.failed == ("dynamodb", "PutItem")
    assert r.status == 503 and r.headers.get("Retry-After") == "5" and "items" not in r.json()
    assert len(viewed_events()) == 1   # the first view only
