"""Form templates: staff with portal_accounts.manage define them (checked, bounded,
revisioned, archived rather than deleted); who may manage templates and who may
review submitted forms."""
import pytest

from tests.conftest import table_items
from tests.portal_helpers import all_tables, clinician, desk, lakeside_admin, patient
from tests.sections.forms.conftest import FIELDS, GOOD, SUBMISSIONS, TEMPLATES


def test_create_read_change_archive_restore(admin):
    r = admin.post(TEMPLATES, json={"name": "  New patient intake ", "description": "Fill before your visit",
                                    "fields": FIELDS})
    assert r.status == 201, r.text
    t = r.json()["form_template"]
    assert (t["name"], t["status"], t["revision"], r.headers["ETag"]) == ("New patient intake", "active", 0, '"0"')
    assert [f["key"] for f in t["fields"]] == [f["key"] for f in FIELDS]
    url = f"{TEMPLATES}/{t['template_id']}"
    assert admin.get(url).json()["form_template"] == t

    # Reorder the fields and rename: one revision; a change from the old revision is a 409.
    r = admin.patch(url, json={"fields": FIELDS[::-1], "description": None}, headers={"If-Match": '"0"'})
    assert r.status == 200 and r.headers["ETag"] == '"1"'
    assert [f["key"] for f in r.json()["form_template"]["fields"]] == [f["key"] for f in FIELDS[::-1]]
    assert r.json()["form_template"]["description"] is None
    stale = admin.patch(url, json={"name": "Old"}, headers={"If-Match": '"0"'})
    assert stale.status == 409 and stale.json()["error"] == "conflict"

    assert admin.post(url + "/archive").json()["form_template"]["status"] == "archived"
    assert [i["template_id"] for i in admin.get(TEMPLATES).json()["items"]] == []
    assert [i["status"] for i in admin.get(TEMPLATES + "?status=archived").json()["items"]] == ["archived"]
    assert admin.delete(url).status in (403, 404, 405)   # never deleted
    assert admin.post(url + "/restore").json()["form_template"]["status"] == "active"
    kinds = [e["kind"]["S"] for e in table_items("audit_events") if e["kind"]["S"].startswith("form_template_")]
    assert sorted(kinds) == sorted(["form_template_created", "form_template_updated", "form_template_archived",
                                    "form_template_restored"])


def test_an_archived_template_cannot_be_asked_for(forms):
    assert forms.staff.post(f"{TEMPLATES}/{forms.template_id}/archive").status == 200
    r = forms.staff.post(f"/api/clinics/SUNRISE/portal-accounts/{forms.account_id}/form-requests",
                         json={"template_id": forms.template_id})
    assert r.status == 409 and r.json()["error"] == "form_template_archived"
    r = forms.staff.post(f"/api/clinics/SUNRISE/portal-accounts/{forms.account_id}/form-requests",
                         json={"template_id": "0" * 32})
    assert r.status == 404 and r.json()["error"] == "form_template_not_found"


def field(**overrides):
    return {"key": "q", "label": "Question", "type": "short_text", "required": False, **overrides}


@pytest.mark.parametrize("body,words", [
    ({"name": "", "fields": [field()]}, "name"),
    ({"name": "x" * 201, "fields": [field()]}, "name"),
    ({"name": "F", "fields": []}, "fields must be a list of 1 to 30"),
    ({"name": "F", "fields": [field(key=f"q{i}") for i in range(31)]}, "1 to 30"),
    ({"name": "F", "fields": [field(), field()]}, "Two fields have the key 'q'"),
    ({"name": "F", "fields": [field(key="Bad Key")]}, "fields[0].key"),
    ({"name": "F", "fields": [field(type="signature")]}, "fields[0].type"),
    ({"name": "F", "fields": [field(label="")]}, "fields[0].label"),
    ({"name": "F", "fields": [field(label="x" * 201)]}, "fields[0].label"),
    ({"name": "F", "fields": [field(help="x" * 301)]}, "fields[0].help"),
    ({"name": "F", "fields": [field(required="yes")]}, "fields[0].required"),
    ({"name": "F", "fields": [field(type="choice")]}, "fields[0].options"),
    ({"name": "F", "fields": [field(type="choice", options=["Only"])]}, "fields[0].options"),
    ({"name": "F", "fields": [field(type="choice", options=["A", "A"])]}, "repeat"),
    ({"name": "F", "fields": [field(type="choice", options=["A", "x" * 81])]}, "fields[0].options[1]"),
    ({"name": "F", "fields": [field(options=["A", "B"])]}, "only for a choice"),
    ({"name": "F", "fields": [field(colour="red")]}, "unknown property"),
    ({"name": "F", "fields": ["q"]}, "fields[0]"),
    ({"name": "F"}, "Missing field: fields"),
])
def test_a_bad_template_is_refused_and_changes_nothing(admin, body, words):
    before = all_tables()
    r = admin.post(TEMPLATES, json=body)
    assert r.status == 400 and words in r.json()["message"], r.text
    assert all_tables() == before


def test_who_may_manage_templates(gateway, seeded, admin):
    tid = admin.post(TEMPLATES, json={"name": "Consent", "fields": [field()]}).json()["form_template"]["template_id"]
    assert desk(gateway).get(f"{TEMPLATES}/{tid}").status == 200          # front desk: portal_accounts.manage
    kim = lakeside_admin(gateway)
    people = ((clinician(gateway), "forbidden"), (patient(gateway), "forbidden"), (kim, "wrong_clinic"))
    before = all_tables()
    for who, code in people:
        for method, path, body in (("GET", TEMPLATES, None), ("POST", TEMPLATES, {"name": "X", "fields": [field()]}),
                                   ("PATCH", f"{TEMPLATES}/{tid}", {"name": "Y"}),
                                   ("POST", f"{TEMPLATES}/{tid}/archive", None)):
            r = who.request(method, path, json=body)
            assert (r.status, r.json()["error"]) == (403, code), (code, method, path)
    # Another clinic's admin cannot reach SUNRISE's template through their own clinic either.
    r = kim.get(f"/api/clinics/Lakeside/form-templates/{tid}")
    assert r.status == 404 and r.json()["error"] == "form_template_not_found"
    assert all_tables() == before


def test_every_staff_role_reviews_but_patients_do_not(forms, gateway):
    rid = forms.ask()["request_id"]
    assert forms.person.post(forms.mine(rid) + "/submit", json={"answers": GOOD}).status == 200
    doctor = clinician(gateway)
    assert [i["request_id"] for i in doctor.get(SUBMISSIONS).json()["items"]] == [rid]
    assert doctor.get(f"{SUBMISSIONS}/{rid}").json()["form_request"]["answers"] == GOOD
    for who, code in ((forms.person, "forbidden"), (lakeside_admin(gateway), "wrong_clinic")):
        assert (who.get(SUBMISSIONS).status, who.get(SUBMISSIONS).json()["error"]) == (403, code)
        r = who.post(f"{SUBMISSIONS}/{rid}/mark-reviewed")
        assert (r.status, r.json()["error"]) == (403, code)
    # An open request is not in review: not found there.
    open_rid = forms.ask()["request_id"]
    assert doctor.get(f"{SUBMISSIONS}/{open_rid}").status == 404
    assert doctor.post(f"{SUBMISSIONS}/{open_rid}/mark-reviewed").status == 404
    assert doctor.post(f"{SUBMISSIONS}/{rid}/mark-reviewed").status == 200
