"""User Management: filters, what each row shows, and pagination over 1,000
accounts where every page is exactly one DynamoDB Query."""
import pytest

from tests.conftest import PATIENT_PW, login
from tests.portal_helpers import ACCOUNTS, desk, invite_rep, lakeside_admin

N = 1000


def status_for(i: int) -> str:
    return "disabled" if i % 10 == 0 else "invited" if i % 10 == 1 else "active"


def bulk_accounts(clinic_key: str, n: int, prefix: str = "user") -> None:
    """Write n logins, each with one grant, straight to the tables (creating through
    the API is tested elsewhere)."""
    from types import SimpleNamespace

    from chalicelib.models import AccessGrantModel, PortalAccountModel
    from chalicelib.portal_accounts.grants import new_grant
    from chalicelib.portal_accounts.records import new_account_items

    with PortalAccountModel.batch_write() as logins, AccessGrantModel.batch_write() as grants:
        for i in range(n):
            status = status_for(i)
            login, _claim = new_account_items(
                clinic_key, username=f"{prefix}{i:04d}@example.com", first_name=f"F{i}", last_name="Bulk",
                force_password_change=False, password_hash=None if status == "invited" else "x", status=status)
            patient = SimpleNamespace(patient_id="P100" if i % 100 == 0 else f"PX{i % 37}",
                                      first_name="Pat", last_name="Bulk")
            logins.save(login)  # (listing reads no username claims)
            grants.save(new_grant(login, patient, access_type="self" if i % 2 else "authorized_rep",
                                  permissions=["appointments"], at=login.created_at))


@pytest.fixture
def many(seeded):
    """120 accounts at SUNRISE (12 disabled, 12 invited, 96 active) and 30 at Lakeside."""
    bulk_accounts("sunrise", 120)
    bulk_accounts("lakeside", 30, prefix="lake")


def walk(browser, aws_calls, query: str, queries: int = 1) -> list[dict]:
    """Every page of a listing; each must cost exactly one Query (a search: at most
    one per source, `queries`) and no Scan."""
    items, cursor, pages = [], None, 0
    while True:
        path = ACCOUNTS + "?" + query + (f"&cursor={cursor}" if cursor else "")
        aws_calls.reset()
        r = browser.get(path)
        assert r.status == 200, r.text
        assert 1 <= aws_calls.count("dynamodb", "Query") <= queries, aws_calls.calls
        assert aws_calls.count("dynamodb", "Scan") == 0
        page = r.json()
        assert len(page["items"]) <= 50
        items += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
        assert pages < 100
    return items


def test_pagination_over_a_thousand_accounts(gateway, seeded, aws_calls):
    bulk_accounts("sunrise", N)
    bulk_accounts("lakeside", 30, prefix="lake")
    staff = desk(gateway)
    seen = {}
    for status, expected in (("all", N + 1), ("disabled", 100), ("invited", 100)):
        items = walk(staff, aws_calls, f"status={status}")
        ids = [i["account_id"] for i in items]
        assert len(ids) == expected and len(set(ids)) == expected  # none missing, no duplicates
        usernames = [i["username"] for i in items]
        assert usernames == sorted(usernames)
        assert all(i["clinic_id"] == "SUNRISE" and not i["username"].startswith("lake") for i in items)
        if status != "all":
            assert {i["status"] for i in items} == {status}
        seen[status] = set(ids)
    assert seen["disabled"] | seen["invited"] < seen["all"]
    first = staff.get(ACCOUNTS + "?status=enabled").json()["items"]
    assert len(first) == 50 and {i["status"] for i in first} == {"active"}


def test_full_pages_and_no_empty_last_page(gateway, seeded):
    bulk_accounts("sunrise", 99)  # with Ann: exactly 100 accounts, two full pages
    staff = desk(gateway)
    page = staff.get(ACCOUNTS + "?status=all").json()
    assert len(page["items"]) == 50 and page["next_cursor"]
    page = staff.get(ACCOUNTS + "?status=all&cursor=" + page["next_cursor"]).json()
    assert len(page["items"]) == 50 and page["next_cursor"] is None


def test_patient_filter_with_and_without_status(gateway, many, aws_calls):
    staff = desk(gateway)
    every = walk(staff, aws_calls, "patient_id=P100")
    assert len(every) == 3 and {i["patient"]["patient_id"] for i in every} == {"P100"}
    disabled = walk(staff, aws_calls, "patient_id=P100&status=disabled")
    assert [i["username"] for i in disabled] == ["user0000@example.com", "user0100@example.com"]
    enabled = walk(staff, aws_calls, "patient_id=P100&status=enabled")
    assert [i["username"] for i in enabled] == ["ann@example.com"]


def test_username_prefix(gateway, many, aws_calls):
    items = walk(desk(gateway), aws_calls, "q=USER010", queries=4)  # username, patient id, last, first
    assert [i["username"] for i in items] == [f"user010{d}@example.com" for d in range(10)]


@pytest.mark.parametrize("query,code", [
    ("status=active", "invalid_request"),
    ("cursor=not-a-cursor", "invalid_cursor"),
    ("patient_id=../x", "invalid_request"),
    ("q=" + "x" * 300, "invalid_request"),
])
def test_bad_filters(gateway, seeded, query, code):
    r = desk(gateway).get(ACCOUNTS + "?" + query)
    assert r.status == 400 and r.json()["error"] == code


def test_a_cursor_only_works_in_its_own_clinic_and_filter(gateway, many):
    staff = desk(gateway)
    cursor = staff.get(ACCOUNTS + "?status=all").json()["next_cursor"]
    assert staff.get(ACCOUNTS + f"?status=invited&cursor={cursor}").json()["error"] == "invalid_cursor"
    by_status = staff.get(ACCOUNTS + "?status=enabled").json()["next_cursor"]
    assert staff.get(ACCOUNTS + f"?status=all&cursor={by_status}").json()["error"] == "invalid_cursor"
    by_prefix = staff.get(ACCOUNTS + "?q=user00").json()["next_cursor"]
    assert by_prefix
    assert staff.get(ACCOUNTS + f"?q=user01&cursor={by_prefix}").json()["error"] == "invalid_cursor"
    assert len(staff.get(ACCOUNTS + f"?q=user00&cursor={by_prefix}").json()["items"]) == 50
    lake = lakeside_admin(gateway)
    r = lake.get(f"/api/clinics/Lakeside/portal-accounts?status=all&cursor={cursor}")
    assert r.status == 400 and r.json()["error"] == "invalid_cursor"


def test_rows_show_patient_access_type_status_last_login_and_invitation(gateway, seeded):
    staff = desk(gateway)
    invite_rep(staff)
    assert login(gateway.browser(), "ann@example.com", PATIENT_PW, login_type="patient").status == 200
    rows = {i["username"]: i for i in staff.get(ACCOUNTS + "?status=all").json()["items"]}
    ann, rep = rows["ann@example.com"], rows["rep@example.com"]
    assert ann["patient"] == {"patient_id": "P100", "first_name": "Ann", "last_name": "Lee"}
    assert ann["access_type"] == "self" and ann["status"] == "active" and ann["last_login_at"]
    assert rep["access_type"] == "authorized_rep" and rep["status"] == "invited"
    assert rep["invitation_status"] == "sent" and rep["last_login_at"] is None
    assert "password_hash" not in str(rows) and "invitation_token_hash" not in str(rows)
