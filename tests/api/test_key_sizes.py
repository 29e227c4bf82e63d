"""Usernames become DynamoDB keys once normalized, and NFKC can expand one
character eighteen-fold ("\ufdfa" is one character, 18 after NFKC). A username
that fits the length limit but not a key after normalization is a 400, never a
DynamoDB error dressed as an outage (503), and nothing is counted or stored."""
from urllib.parse import urlencode

import pytest

from tests.conftest import login, table_items
from tests.portal_helpers import ACCOUNTS, desk

EXPANDING = "\ufdfa"


def _keys():
    return {name: len(table_items(name)) for name in ("login_counters", "audit_events", "portal_accounts")}


@pytest.mark.parametrize("login_type", ["staff", "patient"])
def test_a_username_that_expands_past_a_key_is_a_400_and_counts_nothing(browser, seeded, login_type):
    before = _keys()
    r = login(browser, EXPANDING * 100, "whatever-password", login_type=login_type)
    assert r.status == 400 and r.json()["error"] == "invalid_request", r.text
    assert "Retry-After" not in r.headers
    assert _keys() == before


def test_an_account_username_that_expands_past_a_key_is_a_400(gateway, seeded):
    staff = desk(gateway)
    before = _keys()
    body = {"patient_id": "P100", "username": EXPANDING * 60 + "@example.com", "first_name": "A",
            "last_name": "B", "access_type": "authorized_rep"}
    r = staff.post(ACCOUNTS, json=body)
    assert r.status == 400, r.text
    assert _keys() == before


def test_ordinary_long_usernames_still_work(browser, seeded):
    r = login(browser, "x" * 254, "whatever-password")
    assert r.status == 401


HANGUL = "\ud55c"  # 한


def test_names_that_expand_when_folded_still_fit_the_search_keys(gateway, seeded):
    """A patient's names become search keys (patients' by_name / by_first, the grants'
    User Management keys, with the username). Folding decomposes a Hangul syllable into
    three jamo (3 bytes to 9): 100-letter names still make a patient, a grant with a
    249-character username and a rename, and searching for them is a 200."""
    staff = desk(gateway)
    patients = "/api/clinics/SUNRISE/patients"
    r = staff.post(patients, json={"patient_id": "X1", "first_name": HANGUL * 100, "last_name": HANGUL * 100,
                                   "date_of_birth": "2000-01-01"})
    assert r.status == 201, r.text
    username = "x" * 64 + "@" + ".".join(["y" * 58] * 3) + ".example"
    body = {"patient_id": "X1", "username": username, "first_name": "A", "last_name": "B",
            "access_type": "authorized_rep"}
    assert staff.post(ACCOUNTS, json=body).status == 201
    r = staff.patch(patients + "/X1", json={"last_name": HANGUL * 99 + "a"})
    assert r.status == 200, r.text
    for path in (patients, ACCOUNTS):
        for q in (HANGUL * 100, HANGUL * 80 + ", " + HANGUL * 9):
            r = staff.get(path + "?" + urlencode({"q": q}))
            assert r.status == 200 and len(r.json()["items"]) == 1, (path, q, r.text)
