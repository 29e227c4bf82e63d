"""Adding and editing patients (`patients.manage`: administrators and front desk):
validation of every field, unique ids, revisions, the audit trail, clinic isolation."""
import pytest

from tests.conftest import ADMIN_PW, table_items
from tests.portal_helpers import all_tables, clinician, desk, lakeside_admin

PATIENTS = "/api/clinics/SUNRISE/patients"
NEW = {"patient_id": "P500", "first_name": "Mia", "last_name": "O'Neil-Ruiz", "date_of_birth": "2012-07-04",
       "email": "mia.parent@example.com", "phone": "+1 (555) 010-0142", "address_line1": "12 Harbor Road",
       "address_line2": "Apt 4", "city": "Sunrise", "region": "CA", "postal_code": "94000-1234"}


def audit_kinds(kind: str) -> list[dict]:
    return [e for e in table_items("audit_events") if e["kind"]["S"] == kind]


def test_front_desk_adds_a_patient_and_finds_it(gateway, seeded):
    staff = desk(gateway)
    r = staff.post(PATIENTS, json=NEW)
    assert r.status == 201, r.text
    p = r.json()["patient"]
    assert {k: p[k] for k in NEW} == NEW
    assert p["revision"] == 0 and r.header("etag") == '"0"'
    got = staff.get(f"{PATIENTS}/P500")
    assert got.status == 200 and got.json()["patient"] == p
    assert [i["patient_id"] for i in staff.get(PATIENTS + "?q=o'neil").json()["items"]] == ["P500"]
    (event,) = audit_kinds("patient_created")
    assert event["subject"]["M"]["id"]["S"] == "P500"
    assert event["actor"]["M"]["username"]["S"] == "SmithF"
    # The audit log holds no demographics.
    assert "Mia" not in str(event) and "Harbor" not in str(event) and "2012" not in str(event)
    from chalicelib.core.audit_words import describe

    assert describe("patient_created", "succeeded", {"name": "Frank Smith"}, {"kind": "patient", "id": "P500"},
                    {}) == "Frank Smith added patient P500"


def test_only_required_fields_and_a_generated_id(gateway, seeded):
    staff = desk(gateway)
    r = staff.post(PATIENTS, json={"first_name": "Zoë", "last_name": "Ångström", "date_of_birth": "1950-01-31"})
    assert r.status == 201, r.text
    p = r.json()["patient"]
    assert p["patient_id"].startswith("P") and len(p["patient_id"]) == 8 and p["patient_id"][1:].isdigit()
    assert (p["email"], p["phone"], p["city"], p["postal_code"]) == (None, None, None, None)
    # A blank id is the same as none.
    r = staff.post(PATIENTS, json={"patient_id": "  ", "first_name": "Al", "last_name": "Bo",
                                   "date_of_birth": "1950-01-31"})
    assert r.status == 201 and r.json()["patient"]["patient_id"] != p["patient_id"]


def test_a_taken_id_is_409_and_ids_are_case_insensitive(gateway, seeded):
    staff = desk(gateway)
    before = all_tables()
    for pid in ("P100", "p100"):
        r = staff.post(PATIENTS, json=dict(NEW, patient_id=pid))
        assert r.status == 409 and r.json()["error"] == "patient_exists", r.text
    assert all_tables() == before
    # Another clinic's id is free here, and an id typed in small letters is stored in capitals.
    r = staff.post(PATIENTS, json=dict(NEW, patient_id="l200"))
    assert r.status == 201 and r.json()["patient"]["patient_id"] == "L200"
    assert staff.get(f"{PATIENTS}/l200").json()["patient"]["patient_id"] == "L200"
    assert lakeside_admin(gateway).get("/api/clinics/Lakeside/patients/L200").json()["patient"]["last_name"] == "Park"


@pytest.mark.parametrize("field,value,words", [
    ("first_name", "", "first_name must be 1 to 100 letters"),
    ("first_name", "   ", "first_name must be 1 to 100 letters"),
    ("first_name", "x" * 101, "first_name must be 1 to 100 letters"),
    ("last_name", "Lee3", "last_name must be 1 to 100 letters"),
    ("last_name", "Lee, Ann", "last_name must be 1 to 100 letters"),
    ("last_name", "Lee\u202e", "last_name must be 1 to 100 letters"),
    ("last_name", "<script>", "last_name must be 1 to 100 letters"),
    ("first_name", 7, "first_name must be 1 to 100 letters"),
    ("date_of_birth", "1980-02-30", "date_of_birth is not a real date"),
    ("date_of_birth", "03/02/1980", "date_of_birth must be a date written YYYY-MM-DD"),
    ("date_of_birth", "1899-12-31", "date_of_birth must be in 1900 or later"),
    ("date_of_birth", "2999-01-01", "date_of_birth cannot be in the future"),
    ("date_of_birth", None, "date_of_birth must be a date written YYYY-MM-DD"),
    ("email", "not-an-email", "email"),
    ("phone", "555-CALL-NOW", "phone must be a phone number"),
    ("phone", "12345", "phone must be a phone number"),
    ("phone", "+1 555 010 0100 0000 0", "phone must be a phone number"),
    ("phone", "++15550100", "phone must be a phone number"),
    ("address_line1", "x" * 101, "address_line1 is longer than 100 characters"),
    ("address_line1", "12 Road\n<b>", "address_line1 contains a character that is not allowed"),
    ("city", "c" * 61, "city is longer than 60 characters"),
    ("region", ["CA"], "region must be text"),
    ("postal_code", "9400!", "postal_code must be 2 to 12 letters or digits"),
    ("postal_code", "1234567890123", "postal_code must be 2 to 12 letters or digits"),
    ("patient_id", "P 100", "A patient id is 1 to 64"),
    ("patient_id", "x" * 65, "A patient id is 1 to 64"),
])
def test_every_field_is_validated_and_nothing_changes(gateway, seeded, field, value, words):
    staff = desk(gateway)
    before = all_tables()
    r = staff.post(PATIENTS, json=dict(NEW, **{field: value}))
    assert r.status == 400, r.text
    assert words in r.json()["message"], r.json()
    assert all_tables() == before


def test_text_is_normalized(gateway, seeded):
    staff = desk(gateway)
    r = staff.post(PATIENTS, json=dict(NEW, patient_id="P501", first_name="  Ｍｉａ  Rose ",
                                       city="  San   Jose ", postal_code=" sw1a 1aa ", phone=" 555 010 0142 "))
    assert r.status == 201, r.text
    p = r.json()["patient"]
    assert (p["first_name"], p["city"], p["postal_code"], p["phone"]) == ("Mia Rose", "San Jose", "SW1A 1AA",
                                                                         "555 010 0142")


def test_today_is_a_valid_date_of_birth(gateway, seeded, clock):
    import time

    today = time.strftime("%Y-%m-%d", time.gmtime(clock()))
    r = desk(gateway).post(PATIENTS, json=dict(NEW, date_of_birth=today))
    assert r.status == 201, r.text


def test_editing_demographics_with_revisions(gateway, seeded):
    staff = desk(gateway)
    r = staff.get(f"{PATIENTS}/P100")
    assert r.header("etag") == '"0"'
    r = staff.patch(f"{PATIENTS}/P100", json={"last_name": "Lee-Park", "phone": "555 010 0199",
                                               "city": "Sunrise"}, headers={"If-Match": '"0"'})
    assert r.status == 200, r.text
    p = r.json()["patient"]
    assert (p["last_name"], p["phone"], p["city"], p["revision"]) == ("Lee-Park", "555 010 0199", "Sunrise", 1)
    assert r.header("etag") == '"1"'
    # The list finds her under the new name only.
    assert [i["patient_id"] for i in staff.get(PATIENTS + "?q=lee-park").json()["items"]] == ["P100"]
    # (the seed's other Lees, Ben and Cara, are still found under "Lee,")
    assert [i["patient_id"] for i in staff.get(PATIENTS + "?q=Lee,").json()["items"]] == ["P101", "P102"]
    # A change from the old revision is refused and changes nothing.
    before = all_tables()
    r = staff.patch(f"{PATIENTS}/P100", json={"first_name": "Annie"}, headers={"If-Match": '"0"'})
    assert r.status == 409 and r.json()["error"] == "conflict"
    assert all_tables() == before
    # null removes an optional field; names and date of birth cannot be removed.
    r = staff.patch(f"{PATIENTS}/P100", json={"phone": None, "revision": 1})
    assert r.status == 200 and r.json()["patient"]["phone"] is None
    r = staff.patch(f"{PATIENTS}/P100", json={"date_of_birth": None})
    assert r.status == 400
    r = staff.patch(f"{PATIENTS}/P100", json={"patient_id": "P999"})
    assert r.status == 400 and "Unknown field: patient_id" in r.json()["message"]
    events = audit_kinds("patient_updated")
    assert len(events) == 2
    fields = sorted([f["S"] for f in e["details"]["M"]["fields"]["L"]] for e in events)
    assert fields == [["last_name", "phone", "city"], ["phone"]] or fields == [["last_name", "city", "phone"],
                                                                                ["phone"]]
    assert "Lee-Park" not in str(events)


def test_a_change_that_changes_nothing_writes_nothing(gateway, seeded):
    staff = desk(gateway)
    before = all_tables()
    r = staff.patch(f"{PATIENTS}/P100", json={"first_name": "Ann"})
    assert r.status == 200 and r.json()["patient"]["revision"] == 0
    assert all_tables() == before


def test_editing_an_unknown_or_other_clinics_patient_is_404(gateway, seeded):
    staff = desk(gateway)
    for pid in ("P999", "L200"):
        r = staff.patch(f"{PATIENTS}/{pid}", json={"first_name": "X"})
        assert r.status == 404 and r.json()["error"] == "patient_not_found"


def test_clinicians_cannot_add_edit_or_read_patients(gateway, seeded):
    b = clinician(gateway)
    before = all_tables()
    assert b.post(PATIENTS, json=NEW).json()["error"] == "forbidden"
    assert b.patch(f"{PATIENTS}/P100", json={"first_name": "X"}).json()["error"] == "forbidden"
    assert b.get(f"{PATIENTS}/P100").status == 403
    assert all_tables() == before


def test_the_roles_that_hold_patients_manage(gateway, seeded):
    from chalicelib.staff.roles import permissions_for

    assert "patients.manage" in permissions_for(["admin"])
    assert "patients.manage" in permissions_for(["front_desk"])
    assert "patients.manage" not in permissions_for(["clinician"])
    me = desk(gateway).get("/api/me").json()["principal"]
    assert "patients.manage" in me["permissions"]


def test_racing_adds_of_one_id_give_one_patient(gateway, seeded, atomic_dynamodb):
    import threading

    staff = desk(gateway)
    statuses, barrier = [], threading.Barrier(4)

    def attempt(i):
        barrier.wait()
        statuses.append(staff.post(PATIENTS, json=dict(NEW, patient_id="p777" if i % 2 else "P777",
                                                       first_name=f"Racer{'abcd'[i]}")).status)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [201, 409, 409, 409]
    assert len([p for p in table_items("patients") if p["patient_id"]["S"] == "P777"]) == 1
    assert len(audit_kinds("patient_created")) == 1


def test_patient_events_in_plain_words():
    from chalicelib.core.audit_words import KINDS, describe

    assert KINDS["patient_created"] == "Patient added" and KINDS["patient_updated"] == "Patient details changed"
    actor, subject = {"kind": "staff", "username": "SmithF", "name": "Frank Smith"}, {"kind": "patient", "id": "P1"}
    assert describe("patient_updated", "succeeded", actor, subject, {"fields": ["date_of_birth", "phone"]}) == (
        "Frank Smith changed the date of birth and phone of patient P1")
    assert describe("patient_updated", "succeeded", actor, subject, {"fields": "junk"}) == (
        "Frank Smith changed the details of patient P1")


def test_opening_a_patient_record_is_in_the_access_log_under_the_patient(gateway, seeded):
    """HIPAA's access log: who opened which patient's details, found by the audit
    page's patient filter; a record whose view cannot be logged is not shown."""
    from tests.faults import Faults
    from tests.portal_helpers import signed_in

    staff = desk(gateway)
    assert staff.post(PATIENTS, json=NEW).status == 201
    assert staff.get(f"{PATIENTS}/P500").status == 200
    (event,) = audit_kinds("patient_record_viewed")
    assert event["actor"]["M"]["username"]["S"] == "SmithF"
    assert event["details"]["M"]["patient_id"]["S"] == "P500"
    admin = signed_in(gateway, "DoeJ", ADMIN_PW)
    kinds = [e["kind"] for e in admin.get("/api/clinics/SUNRISE/audit?patient=P500").json()["items"]]
    assert kinds == ["patient_record_viewed", "patient_created"]
    words = admin.get("/api/clinics/SUNRISE/audit?patient=P500").json()["items"][0]["description"]
    assert words == "Frank Smith viewed Mia O'Neil-Ruiz's details"
    with Faults() as faults:
        with faults.armed() as run:
            assert staff.get(f"{PATIENTS}/P500").status == 200
        put = run.calls.index(("dynamodb", "PutItem")) + 1
        with faults.armed(fail_at=put, kind="throttle") as run:
            r = staff.get(f"{PATIENTS}/P500")
    assert r.status == 503 and "Mia" not in r.text
    assert len(audit_kinds("patient_record_viewed")) == 2
