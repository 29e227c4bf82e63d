"""The search operations (issue 10, "search that finds people"): the first page of
a search by each key in a clinic of 100 and one of 10,000 patients, each with a
portal login and its access grant, bulk-written with BatchWriteItem (no argon2 per
account, as the list pages' clinics are).

    search_last_*          patients list, q="muller" (a last name's start, without its accent)
    search_first_*         patients list, q="jose" (a first name: José)
    search_last_first_*    patients list, q="Müller, J" ("Last, First")
    search_patient_id_*    patients list, q="s00001" (the start of a patient id)
    search_username_*      User Management, q="user0000" (the start of a username)
    search_accounts_last_* User Management, q="lee" (the patient's last name)

A search reads its sources in turn (username, patient id, last name, first name:
chalicelib.core.search), one Query each at most, so each operation's Queries are
judged as "at most the number of sources" (`Operation.queries_at_most`) and its
items read as at most one page plus one per source (infra.bench.targets)."""
from __future__ import annotations

from infra.bench.environment import CLINIC_SETTINGS
from infra.bench.operations import Bench, Operation

# name stem -> (path under the clinic, q, page size, sources the search may read)
SEARCHES = {
    "search_last": ("patients", "muller", 25, 3),
    "search_first": ("patients", "jose", 25, 3),
    "search_last_first": ("patients", "Müller, J", 25, 1),
    "search_patient_id": ("patients", "s00001", 25, 3),
    "search_username": ("portal-accounts", "user0000", 50, 4),
    "search_accounts_last": ("portal-accounts", "lee", 50, 4),
}
SIZES = {"100": (100, 20), "10000": (10_000, 200)}  # suffix -> (patients, the same in quick mode)
SEARCH_USER, SEARCH_PW = "BenchSearch", "bench-search-password"  # front_desk: both lists

# Names are few so that each search fills its page at 100 patients as at 10,000
# (the same rows to serialize: app_ms compares the clinic's size, nothing else):
# half the patients are Müller, a third José, a third Julia; ids S000000...
LASTS = ["Müller", "Lee"]
FIRSTS = ["José", "Julia", "Ann"]


def search_clinic_id(size: str) -> str:
    return f"BENCH-SEARCH-{size}"


def patients_count(bench: Bench, size: str) -> int:
    full, quick = SIZES[size]
    return quick if bench.quick else full


def person(i: int) -> tuple[str, str, str, str]:
    """(patient id, first name, last name, username) of the i-th patient of a search clinic."""
    return (f"S{i:06d}", FIRSTS[(i // len(LASTS)) % len(FIRSTS)], LASTS[i % len(LASTS)],
            f"user{i:06d}@bench.example")


def seed_search_clinic(bench: Bench, clinic_id: str, n: int) -> None:
    """A clinic with one front-desk user and n patients, each with an active Self
    login and its grant (one precomputed password hash for all)."""
    from chalicelib.clinics.records import clinic_key
    from chalicelib.core.ids import now
    from chalicelib.models import AccessGrantModel, PatientModel, PortalAccountModel, PortalUsernameModel
    from chalicelib.patients.records import new_patient_item
    from chalicelib.portal_accounts.grants import new_grant
    from chalicelib.portal_accounts.records import PORTAL_SECTIONS, new_account_items
    from infra.seed import load

    load({"clinics": [{"clinic_id": clinic_id, "name": f"Bench {clinic_id}", "settings": CLINIC_SETTINGS}],
          "staff": [{"clinic_id": clinic_id, "username": SEARCH_USER, "password": SEARCH_PW,
                     "first_name": "Bench", "last_name": "Search", "roles": ["front_desk"]}]})
    ck, pw_hash, at = clinic_key(clinic_id), bench.shared_hash(), now()
    with PatientModel.batch_write() as patients_out, PortalAccountModel.batch_write() as accounts_out, \
            PortalUsernameModel.batch_write() as claims_out, AccessGrantModel.batch_write() as grants_out:
        for i in range(n):
            pid, first, last, username = person(i)
            patient = new_patient_item(ck, patient_id=pid, first_name=first, last_name=last, email=username,
                                       date_of_birth="2000-01-01")
            account, claim = new_account_items(ck, username=username, first_name=first, last_name=last,
                                               force_password_change=False, password_hash=pw_hash, status="active")
            patients_out.save(patient)
            accounts_out.save(account)
            claims_out.save(claim)
            grants_out.save(new_grant(account, patient, access_type="self", permissions=list(PORTAL_SECTIONS),
                                      at=at))


def expected(bench: Bench, stem: str, size: str) -> int:
    """How many the search finds in the clinic (to check the first page)."""
    from chalicelib.core.search_keys import fold

    path, q, _, _ = SEARCHES[stem]
    folded = fold(q)
    n = 0
    for i in range(patients_count(bench, size)):
        pid, first, last, username = person(i)
        if stem == "search_last_first":
            hit = fold(last) == "muller" and fold(first).startswith("j")
        else:
            hit = (pid.lower().startswith(folded) or fold(last).startswith(folded)
                   or fold(first).startswith(folded) or username.startswith(folded))
        n += hit
    return n


def search_operation(stem: str, size: str) -> Operation:
    clinic_id = search_clinic_id(size)
    path, q, page, sources = SEARCHES[stem]

    def prepare(bench: Bench) -> None:
        if clinic_id not in bench.seeded:  # the searches of one size share the clinic
            seed_search_clinic(bench, clinic_id, patients_count(bench, size))
            bench.seeded.add(clinic_id)

    def check(bench: Bench, reply) -> None:
        from infra.bench.environment import BenchError

        items = reply.json()["items"]
        want = min(page, expected(bench, stem, size))
        if want == 0 or len(items) != want:
            raise BenchError(f"{stem}_{size}: expected {want} items, got {len(items)}")

    from urllib.parse import urlencode

    url = f"/api/clinics/{clinic_id}/{path}?{urlencode({'q': q})}"
    return Operation(f"{stem}_{size}", prepare=prepare, check=check, queries=sources, queries_at_most=True,
                     query_limit=page + 1, setup=lambda b: b.session_for(clinic_id, SEARCH_USER, SEARCH_PW),
                     measure=lambda b, browser: browser.get(url))


def search_operations() -> list[Operation]:
    return [search_operation(stem, size) for stem in SEARCHES for size in SIZES]


SEARCH_OPERATIONS = tuple(f"{stem}_{size}" for stem in SEARCHES for size in SIZES)
