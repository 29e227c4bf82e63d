"""Seed files and the admin CLI."""
import copy
import io
import json

import pytest

from tests.conftest import ADMIN_PW, SEED, login, table_items


def bad(mutate):
    data = copy.deepcopy(SEED)
    mutate(data)
    return data


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d["staff"][1].update(favourite_colour="blue"), "staff[1]: unknown key 'favourite_colour'"),
    (lambda d: d["staff"][0].update(roles=["superuser"]), "staff[0]: unknown role 'superuser'"),
    (lambda d: d["clinics"][0]["settings"].update(lockout_threshold=0), "clinics[0].settings.lockout_threshold"),
    (lambda d: d["portal_accounts"][0].update(access_type="friend"), "portal_accounts[0]: access_type"),
    (lambda d: d["portal_accounts"][0].update(permissions=["xray"]), "portal_accounts[0]: unknown permission"),
    (lambda d: d["portal_accounts"][0].update(username="not-an-email"), "portal_accounts[0]: username"),
    (lambda d: d["staff"].append(dict(d["staff"][0], username="doej")), "appears twice"),
    (lambda d: d["patients"][0].update(clinic_id="ELSEWHERE"), "patients[0]: clinic 'ELSEWHERE'"),
    (lambda d: d.update(extra=[]), "unknown key 'extra'"),
    (lambda d: d["staff"][2].pop("password"), "staff[2]: missing 'password'"),
    (lambda d: d["staff"][2].update(portal_access="yes"), "staff[2]: 'portal_access' must be a bool"),
    (lambda d: d["patients"][0].update(phone="call me"), "patients[0]: phone must be a phone number"),
    (lambda d: d["patients"][1].update(postal_code="#1"), "patients[1]: postal_code must be 2 to 12"),
    (lambda d: d["patients"][0].update(city="x" * 61), "patients[0]: city is longer than 60"),
    (lambda d: d["patients"][0].update(county="Kent"), "patients[0]: unknown key 'county'"),
    (lambda d: d["portal_accounts"].append(dict(d["portal_accounts"][0], username="ann2@example.com")),
     "portal_accounts[1]: patient 'P100' has two self accounts"),
    (lambda d: d["portal_accounts"].append(dict(d["portal_accounts"][0], username="ANN@example.com")),
     "appears twice for patient 'P100'"),
    (lambda d: d["portal_accounts"][0].update(expires_on="soon"), "portal_accounts[0]: expires_on"),
])
def test_a_bad_seed_names_the_entry_and_loads_nothing(aws, mutate, message):
    from infra.seed import SeedError, load

    with pytest.raises(SeedError) as err:
        load(bad(mutate))
    assert message in str(err.value)
    for table in ("clinics", "staff", "patients", "portal_accounts"):
        assert table_items(table) == []


def test_todays_portal_accounts_entries_become_logins_and_grants(aws):
    """Migration: entries of today's shape, two sharing a username (a parent of two
    children), load as one login with a grant per patient."""
    from app import app
    from infra.gateway import InProcessGateway
    from infra.seed import load

    data = copy.deepcopy(SEED)
    rep = {"clinic_id": "SUNRISE", "username": "rita@example.com", "password": "rita-seed-password",
           "first_name": "Rita", "last_name": "Lee", "access_type": "authorized_rep", "permissions": ["forms"]}
    data["portal_accounts"] += [dict(rep, patient_id="P101", expires_on="2033-06-07"),
                                dict(rep, patient_id="P102", enabled=False)]
    load(data)
    logins = {i["username"]["S"]: i for i in table_items("portal_accounts")}
    assert sorted(logins) == ["ann@example.com", "rita@example.com"]
    assert logins["rita@example.com"]["grant_count"]["N"] == "2"
    grants = {g["patient_id"]["S"]: g for g in table_items("access_grants")
              if g["login_id"]["S"] == logins["rita@example.com"]["account_id"]["S"]}
    assert sorted(grants) == ["P101", "P102"]
    assert grants["P101"]["expires_on"]["S"] == "2033-06-07" and grants["P101"]["status"]["S"] == "active"
    assert grants["P102"]["status"]["S"] == "disabled"  # a later entry's enabled: false is its grant's
    assert len(table_items("self_grant_claims")) == 1  # Ann's
    r = login(InProcessGateway(app).browser(), "rita@example.com", "rita-seed-password", login_type="patient")
    assert r.status == 200 and r.json()["principal"]["patient_id"] == "P101"  # the only working grant


def test_loading_the_same_clinic_twice_is_refused_whole(seeded):
    from infra.seed import SeedError, load

    with pytest.raises(SeedError, match="already exists"):
        load(copy.deepcopy(SEED))
    assert len(table_items("staff")) == len(SEED["staff"])


def test_a_seed_may_add_to_a_clinic_it_names_as_existing(seeded, gateway):
    """`load(into=...)` (the bench grows its clinics): the named clinic is used to check
    the seed and is not created again; any other existing clinic is still refused."""
    from infra.seed import SeedError, load

    clinic = {"clinic_id": "SUNRISE", "name": "Another name"}
    more = {"clinics": [clinic], "staff": [{"clinic_id": "SUNRISE", "username": "NewR", "password": "new-r-password",
                                            "first_name": "Nina", "last_name": "New", "roles": ["clinician"]}]}
    with pytest.raises(SeedError, match="already exists"):
        load(copy.deepcopy(more))
    load(copy.deepcopy(more), into=("SUNRISE",))
    assert len(table_items("staff")) == len(SEED["staff"]) + 1
    assert [c["name"]["S"] for c in table_items("clinics") if c["clinic_id"]["S"] == "SUNRISE"] == [
        "Sunrise Family Clinic"]
    assert login(gateway.browser(), "NewR", "new-r-password").status == 200


def test_patients_phone_and_address_load_normalized(gateway, aws):
    from infra.seed import load

    data = copy.deepcopy(SEED)
    data["patients"][0].update(phone=" +1 555 010 0100 ", address_line1="12  Harbor Road",
                               city="Sunrise", region="CA", postal_code="94000-1234")
    load(data)
    admin = gateway.browser()
    assert login(admin, "DoeJ", ADMIN_PW).status == 200
    p = admin.get("/api/clinics/SUNRISE/patients/P100").json()["patient"]
    assert (p["phone"], p["address_line1"], p["address_line2"], p["city"], p["region"], p["postal_code"]) == (
        "+1 555 010 0100", "12 Harbor Road", None, "Sunrise", "CA", "94000-1234")
    # A seed written before phone and address existed loads as before.
    assert admin.get("/api/clinics/SUNRISE/patients/P100").json()["patient"]["date_of_birth"] == "1980-02-03"


def test_the_demo_seed_loads(aws):
    from infra.local import DEMO_SEED
    from infra.seed import load_file

    counts = load_file(DEMO_SEED)
    assert counts["clinics"] >= 1 and counts["staff"] >= 1


def test_every_demo_clinic_has_patients_to_set_accounts_up_for(aws):
    from infra.local import DEMO_SEED
    from infra.seed import load_file

    with open(DEMO_SEED, encoding="utf-8") as f:
        seed = json.load(f)
    load_file(DEMO_SEED)
    for clinic in seed["clinics"]:
        assert any(p["clinic_id"] == clinic["clinic_id"] for p in seed["patients"]), clinic["clinic_id"]
    # LAKESIDE (a paediatric practice) has two children of one family, for the representative flows.
    okoro = [p for p in table_items("patients") if p.get("last_name", {}).get("S") == "Okoro"]
    assert len(okoro) == 2


def run_admin(argv, password):
    from infra.admin import main

    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        code = main(argv, stdin=io.StringIO(password + "\n"))
    return code, out.getvalue()


ARGS = ["create-clinic", "--clinic-id", "Harbor", "--name", "Harbor Health", "--admin-username", "LeeA",
        "--admin-first-name", "Alex", "--admin-last-name", "Lee", "--admin-email", "alex@harbor.example"]


def test_admin_cli_creates_a_clinic_whose_admin_can_log_in(gateway, aws):
    code, out = run_admin(ARGS, "quiet-meadow-copper-47")
    assert code == 0 and "created clinic Harbor" in out
    b = gateway.browser()
    r = login(b, "leea", "quiet-meadow-copper-47", clinic="HARBOR")
    assert r.status == 200 and r.json()["principal"]["roles"] == ["admin"]
    assert "quiet-meadow-copper-47" not in repr(table_items("staff"))


def test_admin_cli_refuses_a_weak_password_and_creates_nothing(aws):
    with pytest.raises(SystemExit, match="at least 12"):
        run_admin(ARGS, "short")
    assert table_items("clinics") == [] and table_items("staff") == []


def test_admin_cli_refuses_an_existing_clinic(seeded):
    args = list(ARGS)
    args[args.index("Harbor")] = "sunrise"
    with pytest.raises(SystemExit, match="already exists"):
        run_admin(args, "quiet-meadow-copper-47")


def test_admin_cli_never_takes_the_password_as_an_argument():
    from infra.admin import main

    with pytest.raises(SystemExit):
        main(ARGS + ["--password", "x"], stdin=io.StringIO(""))


def test_reindex_search_rewrites_keys_written_before_search_folded_them(gateway, seeded):
    """Patients and grants written before the search keys: an unfolded name_key, no
    first_key, a grant without search keys. The admin CLI rewrites them, once."""
    from chalicelib.models import AccessGrantModel as G
    from chalicelib.models import PatientModel as P
    from chalicelib.patients.records import new_patient_item
    from chalicelib.portal_accounts.grants import of_patient
    from tests.portal_helpers import ACCOUNTS, create, desk, rep_body

    staff = desk(gateway)
    new_patient_item("sunrise", patient_id="P200", first_name="José", last_name="Müller", email=None,
                     date_of_birth=None).save()
    assert create(staff, rep_body(patient_id="P200", username="mum@example.org")).status == 201
    P.get("sunrise", "P200").update(actions=[P.name_key.set("müller#josé#p200"), P.first_key.remove()])
    for grant in of_patient("sunrise", "P200"):
        grant.update(actions=[G.patient_id_key.remove(), G.patient_last_key.remove(), G.patient_first_key.remove()])

    def found():
        patients = staff.get("/api/clinics/SUNRISE/patients?q=muller").json()["items"]
        rows = staff.get(ACCOUNTS + "?q=jose").json()["items"]
        return [p["patient_id"] for p in patients], [r["username"] for r in rows]

    assert found() == ([], [])
    code, out = run_admin(["reindex-search", "--clinic-id", "sunrise"], "")
    assert code == 0 and "1 patients and 1 access grants" in out, out
    assert found() == (["P200"], ["mum@example.org"])
    code, out = run_admin(["reindex-search", "--clinic-id", "SUNRISE"], "")
    assert "0 patients and 0 access grants" in out, out  # the seed's own were written with their keys
