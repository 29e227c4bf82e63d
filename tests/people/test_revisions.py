"""Revisions on the wire: every editable record's replies carry `revision` and an
ETag; a change sent with a stale revision (If-Match or `revision`) is a 409 and
changes nothing; without one the change applies as before."""
import pytest

from tests.conftest import table_items
from tests.portal_helpers import ACCOUNTS, desk

STAFF = "/api/clinics/SUNRISE/staff"
SETTINGS = "/api/clinics/SUNRISE/settings"


def _self_account(browser):
    r = browser.get(ACCOUNTS + "?patient_id=P100")
    assert r.status == 200
    (account,) = [a for a in r.json()["items"] if a["access_type"] == "self"]
    return account


def _audit_count():
    return len(table_items("audit_events"))


def test_account_replies_carry_the_revision_and_each_change_moves_it_on(gateway, seeded):
    staff = desk(gateway)
    account = _self_account(staff)
    url = f"{ACCOUNTS}/{account['account_id']}"
    r = staff.get(url)
    assert r.status == 200 and r.json()["account"]["revision"] == account["revision"]
    assert r.headers["ETag"] == f'"{account["revision"]}"'
    r = staff.patch(url, json={"first_name": "Annie"}, headers={"If-Match": r.headers["ETag"]})
    assert r.status == 200, r.text
    assert r.json()["account"]["revision"] == account["revision"] + 1
    assert r.headers["ETag"] == f'"{account["revision"] + 1}"'
    assert staff.get(url).json()["account"]["revision"] == account["revision"] + 1
    r = staff.post(url + "/disable", headers={"If-Match": f'"{account["revision"] + 1}"'})
    assert r.status == 200 and r.json()["account"]["revision"] == account["revision"] + 2


@pytest.mark.parametrize("how", ["if_match", "body"])
def test_a_stale_account_change_is_a_conflict_and_changes_nothing(gateway, seeded, how):
    first, second = desk(gateway), desk(gateway)
    account = _self_account(first)
    url = f"{ACCOUNTS}/{account['account_id']}"
    seen = first.get(url).json()["account"]["revision"]
    assert second.patch(url, json={"last_name": "Leigh"}, headers={"If-Match": f'"{seen}"'}).status == 200
    events = _audit_count()
    if how == "if_match":
        r = first.patch(url, json={"first_name": "Anne"}, headers={"If-Match": f'"{seen}"'})
    else:
        r = first.patch(url, json={"first_name": "Anne", "revision": seen})
    assert r.status == 409 and r.json()["error"] == "conflict"
    assert "changed" in r.json()["message"]
    now = first.get(url).json()["account"]
    assert (now["first_name"], now["last_name"]) == ("Ann", "Leigh")
    assert _audit_count() == events


@pytest.mark.parametrize("action", ["disable", "reset-password", "force-password-change"])
def test_stale_actions_are_refused_too(gateway, seeded, action):
    staff = desk(gateway)
    account = _self_account(staff)
    url = f"{ACCOUNTS}/{account['account_id']}"
    assert staff.patch(url, json={"first_name": "Annie"}).status == 200  # no If-Match: applies as before
    r = staff.post(f"{url}/{action}", headers={"If-Match": f'"{account["revision"]}"'})
    assert r.status == 409 and r.json()["error"] == "conflict"
    assert staff.get(url).json()["account"]["status"] == "active"
    assert staff.delete(url, headers={"If-Match": f'"{account["revision"]}"'}).status == 409
    assert staff.get(url).status == 200


def test_staff_records_carry_revisions(admin):
    r = admin.get(f"{STAFF}/smithf")
    assert r.status == 200 and r.headers["ETag"] == f'"{r.json()["staff"]["revision"]}"'
    seen = r.json()["staff"]["revision"]
    assert admin.patch(f"{STAFF}/smithf", json={"first_name": "Fran"}, headers={"If-Match": f'"{seen}"'}).status == 200
    r = admin.patch(f"{STAFF}/smithf", json={"last_name": "Smyth"}, headers={"If-Match": f'"{seen}"'})
    assert r.status == 409 and r.json()["error"] == "conflict"
    r = admin.post(f"{STAFF}/smithf/disable", headers={"If-Match": f'"{seen}"'})
    assert r.status == 409
    fresh = admin.get(f"{STAFF}/smithf").json()["staff"]
    assert fresh["last_name"] == "Smith" and fresh["status"] == "active" and fresh["revision"] == seen + 1


def test_clinic_settings_carry_revisions(admin):
    r = admin.get(SETTINGS)
    seen = r.json()["revision"]
    assert r.headers["ETag"] == f'"{seen}"'
    r = admin.patch(SETTINGS, json={"lockout_threshold": 7, "revision": seen})
    assert r.status == 200 and r.json()["revision"] == seen + 1 and r.headers["ETag"] == f'"{seen + 1}"'
    r = admin.patch(SETTINGS, json={"lockout_threshold": 9}, headers={"If-Match": f'"{seen}"'})
    assert r.status == 409 and r.json()["error"] == "conflict"
    assert admin.get(SETTINGS).json()["settings"]["lockout_threshold"] == 7


@pytest.mark.parametrize("value", ['"abc"', '"-1"', '"1.5"', "1,2", '"' + "9" * 20 + '"'])
def test_a_malformed_if_match_is_a_400(admin, value):
    r = admin.patch(f"{STAFF}/smithf", json={"first_name": "Fran"}, headers={"If-Match": value})
    assert r.status == 400 and r.json()["error"] == "invalid_if_match"
    assert admin.get(f"{STAFF}/smithf").json()["staff"]["first_name"] != "Fran"


@pytest.mark.parametrize("value", [-1, "1", True, 1.5, None])
def test_a_malformed_revision_field_is_a_400(admin, value):
    r = admin.patch(f"{STAFF}/smithf", json={"first_name": "Fran", "revision": value})
    assert r.status == 400
    assert admin.get(f"{STAFF}/smithf").json()["staff"]["first_name"] != "Fran"


def test_if_match_star_and_weak_tags(admin):
    seen = admin.get(f"{STAFF}/smithf").json()["staff"]["revision"]
    assert admin.patch(f"{STAFF}/smithf", json={"first_name": "A1"}, headers={"If-Match": "*"}).status == 200
    r = admin.patch(f"{STAFF}/smithf", json={"first_name": "A2"}, headers={"If-Match": f'W/"{seen + 1}"'})
    assert r.status == 200 and r.json()["staff"]["first_name"] == "A2"


def test_concurrent_changes_from_one_revision_give_one_success(gateway, seeded, atomic_dynamodb):
    """Eight sessions save at once from the same revision, without If-Match and with
    it: exactly one change lands each time, the others are 409 and the audit log
    holds one event per landed change."""
    import threading

    staff = [desk(gateway) for _ in range(8)]
    account = _self_account(staff[0])
    url = f"{ACCOUNTS}/{account['account_id']}"
    for use_if_match in (False, True):
        seen = staff[0].get(url).json()["account"]["revision"]
        statuses, barrier = [], threading.Barrier(len(staff))

        def save(i, browser, seen=seen, use_if_match=use_if_match, barrier=barrier, statuses=statuses):
            headers = {"If-Match": f'"{seen}"'} if use_if_match else {}
            barrier.wait()
            statuses.append(browser.patch(url, json={"first_name": f"Name{i}{use_if_match}"}, headers=headers).status)

        threads = [threading.Thread(target=save, args=(i, b)) for i, b in enumerate(staff)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if use_if_match:
            assert sorted(statuses) == [200] + [409] * 7
        else:
            # Without If-Match each save applies to the record as read: the ones whose read
            # was overtaken are 409, never a silent overwrite; at least one lands.
            assert statuses.count(200) >= 1 and set(statuses) <= {200, 409}
        after = staff[0].get(url).json()["account"]
        assert after["revision"] == seen + statuses.count(200)
        updates = [e for e in table_items("audit_events") if e["kind"]["S"] == "portal_account_updated"]
        assert len(updates) == after["revision"] - account["revision"]
