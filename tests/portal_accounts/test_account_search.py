"""Search that finds people, in User Management and the patients list: the start
of a username, a patient id, a last name, a first name, "Last, First" or "First
Last", whatever the case and accents; a bounded number of Queries (one per
source, never a Scan); pages with no one twice and no one missing."""
from types import SimpleNamespace

import pytest

from tests.portal_helpers import ACCOUNTS, create, desk, lakeside_admin, rep_body, self_body

PATIENTS = "/api/clinics/SUNRISE/patients"


@pytest.fixture
def family(seeded, gateway):
    """José Müller (P200) and Zoë García (P201), with a parent who represents both
    (mum@example.org, invited) and José's own Self login (jose@example.org)."""
    staff = desk(gateway)
    for pid, first, last in (("P200", "José", "Müller"), ("P201", "Zoë", "García")):
        r = staff.post(PATIENTS, json={"patient_id": pid, "first_name": first, "last_name": last,
                                       "date_of_birth": "2015-01-02"})
        assert r.status == 201, r.text
    for body in (rep_body(patient_id="P200", username="mum@example.org", last_name="Muller"),
                 rep_body(patient_id="P201", username="mum@example.org", last_name="Muller"),
                 self_body(patient_id="P200", username="jose@example.org", first_name="José",
                           last_name="Müller")):
        assert create(staff, body).status == 201
    return staff


def rows(reply) -> list[tuple[str, str]]:
    assert reply.status == 200, reply.text
    return [(i["username"], i["patient"]["patient_id"]) for i in reply.json()["items"]]


def search(staff, q: str, **params) -> list[tuple[str, str]]:
    from urllib.parse import urlencode

    return rows(staff.get(ACCOUNTS + "?" + urlencode({"q": q, **params})))


def test_user_management_finds_people_by_each_key(family, aws_calls):
    staff = family
    aws_calls.reset()
    assert search(staff, "Lee") == [("ann@example.com", "P100")]  # Ann Lee's row, by her last name
    assert aws_calls.count("dynamodb", "Scan") == 0 and aws_calls.count("dynamodb", "Query") <= 4
    assert search(staff, "P100") == [("ann@example.com", "P100")]
    assert search(staff, "p20") == [("jose@example.org", "P200"), ("mum@example.org", "P200"),
                                    ("mum@example.org", "P201")]
    assert search(staff, "mum@") == [("mum@example.org", "P200"), ("mum@example.org", "P201")]
    # José: by username first, then by first name (the row already listed is not listed again)
    assert search(staff, "jose") == [("jose@example.org", "P200"), ("mum@example.org", "P200")]
    assert search(staff, "MULLER") == [("jose@example.org", "P200"), ("mum@example.org", "P200")]
    assert search(staff, "müller, JO") == [("jose@example.org", "P200"), ("mum@example.org", "P200")]
    assert search(staff, "Garcia, Zoe") == [("mum@example.org", "P201")]
    assert search(staff, "zoe garcia") == [("mum@example.org", "P201")]
    assert search(staff, "Muller, Zoe") == []
    assert search(staff, "nobody") == []


def test_user_management_search_with_a_status_filter(family):
    staff = family
    assert search(staff, "muller", status="invited") == [("mum@example.org", "P200")]
    assert search(staff, "muller", status="enabled") == [("jose@example.org", "P200")]
    assert search(staff, "jose", status="disabled") == []


def test_patients_search_by_each_key(family, aws_calls):
    staff = family

    def ids(q):
        r = staff.get(PATIENTS + "?q=" + q)
        assert r.status == 200, r.text
        return [p["patient_id"] for p in r.json()["items"]]

    aws_calls.reset()
    assert ids("jose") == ["P200"]
    assert aws_calls.count("dynamodb", "Scan") == 0 and aws_calls.count("dynamodb", "Query") <= 3
    assert ids("MULLER") == ["P200"]
    assert ids("Müller,%20Jo") == ["P200"]
    assert ids("Jos%C3%A9%20M") == ["P200"]          # "José M": First Last
    assert ids("zoe") == ["P201"]                      # first name
    assert ids("p20") == ["P200", "P201"]              # patient id prefix
    assert ids("ann") == ["P100"]
    assert ids("lee") == ["P100", "P101", "P102"]


def test_renaming_a_patient_moves_their_rows_in_user_management(family):
    staff = family
    r = staff.patch(PATIENTS + "/P200", json={"last_name": "Schmidt"})
    assert r.status == 200, r.text
    assert search(staff, "muller") == []
    assert search(staff, "schmidt") == [("jose@example.org", "P200"), ("mum@example.org", "P200")]
    item = staff.get(ACCOUNTS + "?q=schmidt").json()["items"][0]
    assert item["patient"] == {"patient_id": "P200", "first_name": "José", "last_name": "Schmidt"}
    assert search(staff, "José Schmidt") == [("jose@example.org", "P200"), ("mum@example.org", "P200")]


@pytest.mark.parametrize("path,longest", [(ACCOUNTS, 254), (PATIENTS, 100)])
def test_cursors_belong_to_their_clinic_and_search(gateway, seeded, path, longest):
    from chalicelib.models import PatientModel
    from chalicelib.patients.records import new_patient_item

    staff = desk(gateway)
    with PatientModel.batch_write() as batch:
        for i in range(60):
            batch.save(new_patient_item("sunrise", patient_id=f"G{i:03d}", first_name="Kid", last_name="Garcia",
                                        email=None, date_of_birth=None))
    if path == ACCOUNTS:
        for i in range(60):
            assert create(staff, rep_body(patient_id=f"G{i:03d}", username=f"g{i}@example.org")).status == 201
    cursor = staff.get(path + "?q=garcia").json()["next_cursor"]
    assert cursor
    assert staff.get(path + f"?q=garcia&cursor={cursor}").status == 200
    for other in ("?q=garci", "?q=kid", "?q=Garcia", ""):
        r = staff.get(path + other + ("&" if other else "?") + f"cursor={cursor}")
        assert r.status == 400 and r.json()["error"] == "invalid_cursor", other
    r = lakeside_admin(gateway).get(path.replace("SUNRISE", "Lakeside") + f"?q=garcia&cursor={cursor}")
    assert r.status == 400 and r.json()["error"] == "invalid_cursor"
    assert staff.get(path + "?q=" + "g" * longest).status == 200
    r = staff.get(path + "?q=" + "g" * (longest + 1))
    assert r.status == 400 and r.json()["error"] == "invalid_request"


# ---------------------------------------------------------------- pages across sources

def lee_patients():
    """Patients that "lee" finds by id (LEE1, LEE2), by last name and by first name,
    some by two keys at once (each must be listed once)."""
    from chalicelib.models import PatientModel
    from chalicelib.patients.records import new_patient_item

    rows = [("LEE1", "Zed", "Ault"), ("LEE2", "Lee", "Lee"),           # id; id + last + first
            ("P300", "Lee", "Leeds"), ("P301", "Mia", "Lée"),          # last + first; last
            ("P302", "Leena", "Ortiz"), ("P303", "Lee", "Vance"),      # first; first
            ("P304", "Noel", "Alee")]                                  # none
    with PatientModel.batch_write() as batch:
        for pid, first, last in rows:
            batch.save(new_patient_item("sunrise", patient_id=pid, first_name=first, last_name=last,
                                        email=None, date_of_birth=None))
    # by id; by last name (the seed's Ann, Ben and Cara Lee, then Lée, Mia before Leeds, Lee);
    # by first name ("lee#vance" before "leena#ortiz")
    return ["LEE1", "LEE2", "P100", "P101", "P102", "P301", "P300", "P303", "P302"]


def walk(fetch, limit: int) -> list[str]:
    seen, cursor, pages = [], None, 0
    while True:
        items, cursor = fetch(cursor, limit)
        seen += items
        pages += 1
        assert pages < 50
        if not cursor:
            return seen


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 25])
def test_patient_pages_across_sources_have_no_duplicates_or_gaps(aws, seeded, aws_calls, limit):
    from chalicelib.patients.lookup import search as patient_search

    expected = lee_patients()
    clinic = SimpleNamespace(clinic_key="sunrise")

    def fetch(cursor, n):
        aws_calls.reset()
        items, next_cursor = patient_search(clinic, "lee", cursor, limit=n)
        assert len(items) <= n
        assert aws_calls.count("dynamodb", "Query") <= 3 and aws_calls.count("dynamodb", "Scan") == 0
        return [p.patient_id for p in items], next_cursor

    assert walk(fetch, limit) == expected  # id, then last name, then first name order; each once


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 50])
def test_account_pages_across_sources_have_no_duplicates_or_gaps(aws, seeded, aws_calls, limit):
    from chalicelib.models import PortalAccountModel
    from chalicelib.patients.lookup import get_patient
    from chalicelib.portal_accounts.grants import new_grant
    from chalicelib.portal_accounts.listing import list_accounts
    from chalicelib.portal_accounts.records import new_account_items

    lee_patients()
    clinic = SimpleNamespace(clinic_key="sunrise")
    usernames = ["lee.fan@example.org", "ops@example.org"]
    expected = []
    with PortalAccountModel.batch_write() as logins:
        from chalicelib.models import AccessGrantModel
        with AccessGrantModel.batch_write() as grants:
            for username in usernames:
                login, _claim = new_account_items("sunrise", username=username, first_name="X", last_name="Y",
                                                  force_password_change=False, password_hash="x", status="active")
                logins.save(login)
                for pid in ("LEE2", "P301", "P303", "P200x"):
                    patient = get_patient(clinic, pid) if pid != "P200x" else SimpleNamespace(
                        patient_id="P200x", first_name="Una", last_name="Related")
                    grants.save(new_grant(login, patient, access_type="authorized_rep",
                                          permissions=["appointments"], at=login.created_at))
    # username "lee…" (all four of lee.fan's rows), then patient id LEE2, last name (Lée), first name (Lee Vance)
    expected = [("lee.fan@example.org", p) for p in ("LEE2", "P200x", "P301", "P303")]
    expected += [("ops@example.org", "LEE2"), ("ops@example.org", "P301"), ("ops@example.org", "P303")]
    # ann@example.com's row: Ann Lee (P100), by last name, between Lée (P301)'s rows by name order
    expected.insert(5, ("ann@example.com", "P100"))

    def fetch(cursor, n):
        aws_calls.reset()
        items, next_cursor = list_accounts(clinic, q="lee", cursor=cursor, limit=n)
        assert aws_calls.count("dynamodb", "Query") <= 4 and aws_calls.count("dynamodb", "Scan") == 0
        return [(r.login.username, r.grant.patient_id) for r in items], next_cursor

    assert walk(fetch, limit) == expected


# ---------------------------------------------------------------- a rename racing a new grant

def test_a_grant_made_while_a_rename_runs_is_not_left_with_the_old_name(family, monkeypatch):
    """A rename reads the patient's grants, then writes them with the patient. A grant
    set up in between would keep the old name: the rename fails with 409 instead, and
    done again it rewrites that grant too."""
    from chalicelib.portal_accounts import grants

    staff = family
    read = grants.of_patient
    made = []

    def of_patient_then_setup(clinic_key, patient_id):
        found = read(clinic_key, patient_id)
        if not made:  # another staff member sets up access at that moment
            made.append(create(staff, rep_body(patient_id="P200", username="aunt@example.org")).status)
        return found

    monkeypatch.setattr(grants, "of_patient", of_patient_then_setup)
    r = staff.patch(PATIENTS + "/P200", json={"last_name": "Schmidt"})
    assert made == [201] and r.status == 409 and r.json()["error"] == "conflict", r.text
    assert staff.get(PATIENTS + "/P200").json()["patient"]["last_name"] == "Müller"  # nothing changed
    assert staff.patch(PATIENTS + "/P200", json={"last_name": "Schmidt"}).status == 200
    assert search(staff, "schmidt") == [("aunt@example.org", "P200"), ("jose@example.org", "P200"),
                                        ("mum@example.org", "P200")]
    assert search(staff, "muller") == []


def test_a_rename_while_a_grant_is_set_up_makes_the_setup_409(family, monkeypatch):
    """The setup copies the patient's name onto the grant; a rename between its read
    and its write makes it a 409 (nothing made), and done again it copies the new name."""
    from chalicelib.portal_accounts import grants

    staff = family
    real = grants.new_grant
    renamed = []

    def rename_then_new_grant(login, patient, **kwargs):
        if not renamed:
            renamed.append(staff.patch(PATIENTS + "/P201", json={"first_name": "Zoé"}).status)
        return real(login, patient, **kwargs)

    monkeypatch.setattr(grants, "new_grant", rename_then_new_grant)
    r = create(staff, rep_body(patient_id="P201", username="uncle@example.org"))
    assert renamed == [200] and r.status == 409 and r.json()["error"] == "conflict", r.text
    assert search(staff, "uncle@") == []
    assert create(staff, rep_body(patient_id="P201", username="uncle@example.org")).status == 201
    assert search(staff, "garcia, zoe") == [("mum@example.org", "P201"), ("uncle@example.org", "P201")]
    row = staff.get(ACCOUNTS + "?q=uncle@").json()["items"][0]
    assert row["patient"]["first_name"] == "Zoé"
