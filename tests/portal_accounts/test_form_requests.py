"""Form requests: staff ask, the account (with Forms) sees and completes, staff see the status."""
import pytest

from tests.conftest import PATIENT_PW, table_items
from tests.portal_helpers import (
    ACCOUNTS,
    STRONG_PW,
    accept,
    ann_account_id,
    clinician,
    desk,
    invite_rep,
    patient,
    signed_in,
)


@pytest.fixture
def rep(gateway, seeded):
    """(staff browser, the rep's account id, the rep's signed-in browser); the rep has Forms."""
    staff = desk(gateway)
    account, token = invite_rep(staff, permissions=["forms"])
    assert accept(gateway.browser(), token).status == 204
    return staff, account["account_id"], signed_in(gateway, "rep@example.com", STRONG_PW, login_type="patient")


def test_request_complete_and_status(rep):
    staff, account_id, person = rep
    r = staff.post(f"{ACCOUNTS}/{account_id}/form-requests",
                   json={"form_name": "Consent to treat", "note": "Please sign", "due_date": "2031-05-01"})
    assert r.status == 201, r.text
    req = r.json()["form_request"]
    assert req["status"] == "open" and req["requested_by"] == "SmithF" and req["due_date"] == "2031-05-01"

    mine = person.get("/api/portal/form-requests").json()["items"]
    assert [(m["request_id"], m["form_name"], m["note"]) for m in mine] == [
        (req["request_id"], "Consent to treat", "Please sign")]

    answers = {"signed": True, "name": "Rita Lee", "allergies": ["penicillin"]}
    r = person.post(f"/api/portal/form-requests/{req['request_id']}/complete", json={"answers": answers})
    assert r.status == 200, r.text
    assert r.json()["form_request"]["status"] == "completed"
    assert person.get("/api/portal/form-requests").json()["items"] == []
    again = person.post(f"/api/portal/form-requests/{req['request_id']}/complete", json={"answers": {}})
    assert again.status == 409 and again.json()["error"] == "form_request_closed"

    listed = staff.get(f"{ACCOUNTS}/{account_id}/form-requests").json()["items"]
    assert [(i["form_name"], i["status"]) for i in listed] == [("Consent to treat", "completed")]
    detail = staff.get(f"{ACCOUNTS}/{account_id}/form-requests/{req['request_id']}").json()["form_request"]
    assert detail["answers"] == answers and detail["completed_at"]
    kinds = [e["kind"]["S"] for e in table_items("audit_events")]
    assert "form_request_created" in kinds and "form_request_completed" in kinds
    assert "penicillin" not in str(table_items("audit_events"))  # answers stay out of the audit log


def test_staff_cancel_an_open_request(rep):
    staff, account_id, person = rep
    rid = staff.post(f"{ACCOUNTS}/{account_id}/form-requests", json={"form_name": "Intake"}).json()[
        "form_request"]["request_id"]
    r = staff.post(f"{ACCOUNTS}/{account_id}/form-requests/{rid}/cancel")
    assert r.status == 200 and r.json()["form_request"]["status"] == "cancelled"
    assert person.get("/api/portal/form-requests").json()["items"] == []
    r = person.post(f"/api/portal/form-requests/{rid}/complete", json={"answers": {}})
    assert r.status == 409


@pytest.mark.parametrize("body", [
    {"form_name": ""}, {"form_name": "x" * 201}, {"form_name": "Intake", "due_date": "2031-13-01"},
    {"form_name": "Intake", "due_date": "01/05/2031"}, {"form_name": "Intake", "due_date": 20310501},
    {"form_name": "Intake", "assignee": "x"}, {"note": "no name"},
])
def test_bad_requests_change_nothing(rep, body):
    staff, account_id, _ = rep
    before = len(table_items("form_requests"))
    r = staff.post(f"{ACCOUNTS}/{account_id}/form-requests", json=body)
    assert r.status == 400, r.text
    assert len(table_items("form_requests")) == before


@pytest.mark.parametrize("answers,code", [
    ([1, 2], "invalid_request"), ("yes", "invalid_request"),
    ({"essay": "x" * 12_000}, "answers_too_large"), ({"a": {"b": {"c": {"d": {"e": {"f": {"g": 1}}}}}}},
                                                     "invalid_request"),
])
def test_bad_answers_are_refused(rep, answers, code):
    staff, account_id, person = rep
    rid = staff.post(f"{ACCOUNTS}/{account_id}/form-requests", json={"form_name": "Intake"}).json()[
        "form_request"]["request_id"]
    r = person.post(f"/api/portal/form-requests/{rid}/complete", json={"answers": answers})
    assert r.status == 400 and r.json()["error"] == code
    assert person.get("/api/portal/form-requests").json()["items"][0]["status"] == "open"


def test_only_accounts_with_forms(rep, gateway):
    staff, account_id, person = rep
    rid = staff.post(f"{ACCOUNTS}/{account_id}/form-requests", json={"form_name": "Intake"}).json()[
        "form_request"]["request_id"]
    ann = patient(gateway)  # Ann's account has appointments and messages, not forms
    assert ann.get("/api/portal/form-requests").status == 403
    assert ann.post(f"/api/portal/form-requests/{rid}/complete", json={"answers": {}}).status == 403
    r = staff.post(f"{ACCOUNTS}/{ann_account_id(staff)}/form-requests", json={"form_name": "Intake"})
    assert r.status == 409 and r.json()["error"] == "forms_not_permitted"
    # Staff sessions are not portal accounts.
    assert staff.get("/api/portal/form-requests").status == 403
    assert clinician(gateway).get(f"{ACCOUNTS}/{account_id}/form-requests").status == 403


def test_an_account_cannot_complete_anothers_request(rep, gateway):
    staff, account_id, person = rep
    ann_id = ann_account_id(staff)
    assert staff.patch(f"{ACCOUNTS}/{ann_id}", json={"permissions": ["forms"]}).status == 200
    rid = staff.post(f"{ACCOUNTS}/{ann_id}/form-requests", json={"form_name": "Ann's form"}).json()[
        "form_request"]["request_id"]
    r = person.post(f"/api/portal/form-requests/{rid}/complete", json={"answers": {"x": 1}})
    assert r.status == 404
    assert staff.get(f"{ACCOUNTS}/{account_id}/form-requests/{rid}").status == 404  # not this account's
    ann = signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient")
    assert [i["form_name"] for i in ann.get("/api/portal/form-requests").json()["items"]] == ["Ann's form"]
