"""Finding patients (the patients list and the account setup form's "wand"): search
by id or name prefix, and demographics. Adding and editing: test_patient_records.py."""
import pytest

from tests.portal_helpers import clinician, desk

PATIENTS = "/api/clinics/SUNRISE/patients"


@pytest.fixture
def patients(seeded):
    from chalicelib.models import PatientModel
    from chalicelib.patients.records import new_patient_item

    rows = [("P101", "Ben", "Lee"), ("P102", "Carla", "Diaz"), ("P103", "Anna", "Leeds"), ("P104", "Zoe", "Li")]
    rows += [(f"Q{i:03d}", f"Kid{i:03d}", "Garcia") for i in range(30)]
    with PatientModel.batch_write() as batch:
        for pid, first, last in rows:
            batch.save(new_patient_item("sunrise", patient_id=pid, first_name=first, last_name=last,
                                        email=f"{pid.lower()}@example.com", date_of_birth=None))


def names(reply) -> list[str]:
    assert reply.status == 200, reply.text
    return [f"{p['last_name']}, {p['first_name']}" for p in reply.json()["items"]]


def test_search_by_name_prefix(gateway, patients, aws_calls):
    staff = desk(gateway)
    aws_calls.reset()
    assert names(staff.get(PATIENTS + "?q=lee")) == ["Lee, Ann", "Lee, Ben", "Leeds, Anna"]
    # the three sources in turn (patient id, last name, first name): one Query each, never a Scan
    assert aws_calls.count("dynamodb", "Query") == 3 and aws_calls.count("dynamodb", "Scan") == 0
    assert names(staff.get(PATIENTS + "?q=Lee,")) == ["Lee, Ann", "Lee, Ben"]
    assert names(staff.get(PATIENTS + "?q=LEE, b")) == ["Lee, Ben"]
    assert names(staff.get(PATIENTS + "?q=nobody")) == []


def test_search_by_exact_patient_id(gateway, patients):
    staff = desk(gateway)
    r = staff.get(PATIENTS + "?q=P102")
    assert names(r) == ["Diaz, Carla"]
    assert r.json()["items"][0] | {"created_at": None, "updated_at": None} == {
        "patient_id": "P102", "first_name": "Carla", "last_name": "Diaz", "email": "p102@example.com",
        "date_of_birth": None, "phone": None, "address_line1": None, "address_line2": None, "city": None,
        "region": None, "postal_code": None, "created_at": None, "updated_at": None, "withdrawn_at": None,
        "revision": 0}
    assert names(staff.get(PATIENTS + "?q=p102")) == ["Diaz, Carla"]
    assert names(staff.get(PATIENTS + "?q=L200")) == []  # another clinic's patient


def test_search_pages(gateway, patients):
    staff = desk(gateway)
    seen, cursor = [], None
    while True:
        r = staff.get(PATIENTS + "?q=garcia" + (f"&cursor={cursor}" if cursor else ""))
        seen += names(r)
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Garcia, Kid{i:03d}" for i in range(30)]
    first = staff.get(PATIENTS + "?q=garcia").json()["next_cursor"]
    r = staff.get(PATIENTS + f"?q=lee&cursor={first}")
    assert r.status == 400 and r.json()["error"] == "invalid_cursor"
    r = staff.get(PATIENTS + "?cursor=garbage")
    assert r.status == 400 and r.json()["error"] == "invalid_cursor"
    assert staff.get(PATIENTS + "?q=" + "x" * 101).status == 400


def test_demographics(gateway, patients):
    staff = desk(gateway)
    r = staff.get(PATIENTS + "/P100")
    assert r.status == 200
    assert r.header("etag") == '"0"'
    assert {k: v for k, v in r.json()["patient"].items() if k in ("patient_id", "first_name", "last_name",
                                                                   "email", "date_of_birth")} == {
        "patient_id": "P100", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com",
        "date_of_birth": "1980-02-03"}
    for missing in ("P999", "L200", "bad%20id"):
        r = staff.get(PATIENTS + "/" + missing)
        assert r.status == 404 and r.json()["error"] == "patient_not_found"


def test_clinicians_cannot_use_the_wand(gateway, seeded):
    b = clinician(gateway)
    assert b.get(PATIENTS + "?q=lee").status == 403
    assert b.get(PATIENTS + "/P100").status == 403
