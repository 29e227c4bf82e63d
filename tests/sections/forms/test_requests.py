"""Requests, the staff side: ask a User Management row (with Forms) to fill in a
template; list its requests; cancel an open one; bad bodies change nothing."""
import pytest

from tests.conftest import PATIENT_PW, table_items
from tests.portal_helpers import ACCOUNTS, all_tables, ann_account_id, clinician, form_template, signed_in


def test_a_request_takes_its_name_from_the_template(forms):
    req = forms.ask(note="Please sign", due_date="2031-05-01")
    assert (req["form_name"], req["requested_by"], req["due_date"], req["patient_name"]) == (
        "Intake", "SmithF", "2031-05-01", "Ben Lee")
    listed = forms.staff.get(f"{ACCOUNTS}/{forms.account_id}/form-requests").json()["items"]
    assert [(i["request_id"], i["status"]) for i in listed] == [(req["request_id"], "open")]
    # The legacy list of the session's patient shows it too.
    assert [i["request_id"] for i in forms.person.get("/api/portal/form-requests").json()["items"]] == [
        req["request_id"]]
    (event,) = [e for e in table_items("audit_events") if e["kind"]["S"] == "form_request_created"]
    assert event["details"]["M"]["form_name"]["S"] == "Intake"


@pytest.mark.parametrize("body", [
    {}, {"template_id": ""}, {"template_id": "not-an-id"}, {"template_id": 5},
    {"template_id": "TEMPLATE", "due_date": "2031-13-01"},
    {"template_id": "TEMPLATE", "due_date": "01/05/2031"}, {"template_id": "TEMPLATE", "note": "x" * 2001},
    {"template_id": "TEMPLATE", "form_name": "Intake"},
])
def test_bad_requests_change_nothing(forms, body):
    body = {k: (forms.template_id if v == "TEMPLATE" else v) for k, v in body.items()}
    before = all_tables()
    r = forms.staff.post(f"{ACCOUNTS}/{forms.account_id}/form-requests", json=body)
    assert r.status == 400, r.text
    assert all_tables() == before


def test_only_accounts_with_forms_and_only_managers(forms, gateway):
    r = forms.staff.post(f"{ACCOUNTS}/{ann_account_id(forms.staff)}/form-requests",
                         json={"template_id": forms.template_id})
    assert r.status == 409 and r.json()["error"] == "forms_not_permitted"
    doctor = clinician(gateway)
    assert doctor.get(f"{ACCOUNTS}/{forms.account_id}/form-requests").status == 403
    r = doctor.post(f"{ACCOUNTS}/{forms.account_id}/form-requests", json={"template_id": forms.template_id})
    assert r.status == 403


def test_one_account_cannot_reach_anothers_request(forms, gateway):
    ann = ann_account_id(forms.staff)
    assert forms.staff.patch(f"{ACCOUNTS}/{ann}", json={"permissions": ["forms"]}).status == 200
    tid = form_template(forms.staff, "Ann's form")
    rid = forms.staff.post(f"{ACCOUNTS}/{ann}/form-requests", json={"template_id": tid}).json()[
        "form_request"]["request_id"]
    assert forms.staff.get(f"{ACCOUNTS}/{forms.account_id}/form-requests/{rid}").status == 404
    assert forms.staff.post(f"{ACCOUNTS}/{forms.account_id}/form-requests/{rid}/cancel").status == 404
    me = signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient")
    assert [i["form_name"] for i in me.get("/api/portal/patients/P100/form-requests").json()["items"]] == [
        "Ann's form"]
    assert forms.person.get(forms.mine()).json()["items"] == []
