"""Answers are checked against the request's template on the server: each rule's
refusal is a 400 naming the field and changes nothing. And who may fill in a form:
self, a representative with Forms; not one without, not another patient's, not
another clinic's, not staff."""
import pytest

from tests.conftest import PATIENT_PW
from tests.portal_helpers import (
    ACCOUNTS,
    STRONG_PW,
    accept,
    all_tables,
    ann_account_id,
    create,
    form_template,
    lakeside_admin,
    patient,
    rep_body,
    sent_messages,
    signed_in,
    token_in,
)
from tests.sections.forms.conftest import GOOD, PP


@pytest.mark.parametrize("answers,code,field", [
    ({"favourite_colour": "blue"}, "unknown_field", "favourite_colour"),
    ({"born": "07/06/2015"}, "invalid_answer", "born"),
    ({"born": "2015-02-30"}, "invalid_answer", "born"),
    ({"born": 20150607}, "invalid_answer", "born"),
    ({"smoker": "no"}, "invalid_answer", "smoker"),
    ({"smoker": 0}, "invalid_answer", "smoker"),
    ({"contact": "Carrier pigeon"}, "invalid_answer", "contact"),
    ({"full_name": "x" * 201}, "invalid_answer", "full_name"),
    ({"full_name": ["Ben"]}, "invalid_answer", "full_name"),
    ({"full_name": "Ben\u202eLee"}, "invalid_answer", "full_name"),
    ({"history": "x" * 4001}, "invalid_answer", "history"),
])
@pytest.mark.parametrize("action", ["draft", "submit"])
def test_a_bad_answer_is_refused_by_name_and_changes_nothing(forms, answers, code, field, action):
    rid = forms.ask()["request_id"]
    answers = {**GOOD, **answers} if action == "submit" else answers
    before = all_tables()
    if action == "draft":
        r = forms.person.put(forms.mine(rid) + "/draft", json={"answers": answers})
    else:
        r = forms.person.post(forms.mine(rid) + "/submit", json={"answers": answers})
    assert r.status == 400, r.text
    assert r.json()["error"] == code and r.json()["field"] == field and field in r.json()["message"]
    assert all_tables() == before


def test_a_required_field_is_needed_on_submit_not_in_a_draft(forms):
    rid = forms.ask()["request_id"]
    partial = {"full_name": "Ben Lee", "smoker": True, "born": "  "}
    assert forms.person.put(forms.mine(rid) + "/draft", json={"answers": partial}).status == 200
    before = all_tables()
    r = forms.person.post(forms.mine(rid) + "/submit", json={"answers": partial})
    assert r.status == 400 and r.json()["error"] == "answer_required" and r.json()["field"] == "born"
    assert "Date of birth" in r.json()["message"]
    assert all_tables() == before
    # No, as an answer to a yes/no question, is an answer.
    r = forms.person.post(forms.mine(rid) + "/submit", json={"answers": {**partial, "born": "2015-06-07",
                                                                          "smoker": False}})
    assert r.status == 200, r.text
    assert r.json()["form_request"]["answers"] == {"full_name": "Ben Lee", "born": "2015-06-07", "smoker": False}


@pytest.mark.parametrize("body", [{"answers": [1]}, {"answers": "yes"}, {}, {"answers": {}, "extra": 1},
                                  {"answers": {"a": {"b": {"c": {"d": {"e": {"f": {"g": 1}}}}}}}}])
def test_a_body_that_is_not_answers_is_refused(forms, body):
    rid = forms.ask()["request_id"]
    before = all_tables()
    r = forms.person.put(forms.mine(rid) + "/draft", json=body)
    assert r.status == 400, r.text
    assert all_tables() == before


# ---------------------------------------------------------------- who may fill it in

def test_self_with_forms_fills_in_their_own(forms, gateway):
    ann = ann_account_id(forms.staff)
    assert forms.staff.patch(f"{ACCOUNTS}/{ann}", json={"permissions": ["forms"]}).status == 200
    tid = form_template(forms.staff, "Ann's form")
    rid = forms.staff.post(f"{ACCOUNTS}/{ann}/form-requests", json={"template_id": tid}).json()[
        "form_request"]["request_id"]
    me = signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient")
    r = me.post(f"{PP}/P100/form-requests/{rid}/submit", json={"answers": {"full_name": "Ann Lee", "signed": True}})
    assert r.status == 200, r.text
    # Rita (Ben's representative) sees none of it, even naming the request under Ben.
    assert forms.person.get(forms.mine(rid)).status == 404
    assert forms.person.get(f"{PP}/P100/form-requests/{rid}").json()["error"] == "no_patient_access"


def test_a_representative_without_forms_is_refused(forms, gateway):
    rid = forms.ask()["request_id"]
    r = create(forms.staff, rep_body(patient_id="P101", username="nope@example.com", permissions=["billing"]))
    assert r.status == 201
    assert accept(gateway.browser(), token_in(sent_messages()[-1])).status == 204
    other = signed_in(gateway, "nope@example.com", STRONG_PW, login_type="patient")
    before = all_tables()
    for method, path, body in (("GET", forms.mine(), None), ("GET", forms.mine(rid), None),
                               ("PUT", forms.mine(rid) + "/draft", {"answers": {}}),
                               ("POST", forms.mine(rid) + "/submit", {"answers": GOOD})):
        r = other.request(method, path, json=body)
        assert (r.status, r.json()["error"]) == (403, "section_not_permitted"), path
    assert all_tables() == before


def test_a_representative_of_another_patient_and_other_clinics_are_refused(forms, gateway):
    rid = forms.ask()["request_id"]
    ann = patient(gateway)      # Ann holds no grant for Ben
    kim = lakeside_admin(gateway)
    before = all_tables()
    for who, code in ((ann, "no_patient_access"), (kim, "forbidden"), (forms.staff, "forbidden")):
        for method, path, body in (("GET", forms.mine(rid), None),
                                   ("POST", forms.mine(rid) + "/submit", {"answers": GOOD})):
            r = who.request(method, path, json=body)
            assert (r.status, r.json()["error"]) == (403, code), (code, path)
    r = kim.get(f"/api/clinics/SUNRISE/form-submissions/{rid}")
    assert (r.status, r.json()["error"]) == (403, "wrong_clinic")
    assert all_tables() == before
