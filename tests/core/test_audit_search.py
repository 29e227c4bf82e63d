"""The audit page's API: filters (person, kind, dates), plain-words descriptions,
paging and the CSV export, each served by Queries on indexes."""
from __future__ import annotations

import calendar
import csv
import io
import re
from urllib.parse import urlencode

import pytest

from tests.conftest import ADMIN_PW, DESK_PW, LAKE_PW, PATIENT_PW, login, table_items

AUDIT = "/api/clinics/SUNRISE/audit"
EXPORT = "/api/clinics/SUNRISE/audit/export.csv"


def get(b, path=AUDIT, **params):
    return b.get(path + ("?" + urlencode(params) if params else ""))


def all_pages(b, **params) -> list[dict]:
    items, cursor = [], None
    for _ in range(100):
        r = get(b, **params, **({"cursor": cursor} if cursor else {}))
        assert r.status == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items
    raise AssertionError("the pages never ended")


def account_id(b, username="ann@example.com") -> str:
    """The User Management row (an access grant) of the login `username`."""
    r = b.get("/api/clinics/SUNRISE/portal-accounts")
    return next(a["account_id"] for a in r.json()["items"] if a["username"] == username)


def login_id(b, username="ann@example.com") -> str:
    """The login's own id: what its audit events name as their subject."""
    r = b.get("/api/clinics/SUNRISE/portal-accounts")
    return next(a["login"]["login_id"] for a in r.json()["items"] if a["username"] == username)


def plant(kind, day: str, *, second=0, actor=None, subject=None, outcome="succeeded", details=None):
    """An event at a given UTC time (the app stamps real time; tests need fixed days)."""
    from chalicelib.core import audit

    micros = (calendar.timegm(tuple(map(int, day.split("-"))) + (0, 0, 0, 0, 0, 0)) + second) * 1_000_000
    ev = audit.event("sunrise", kind, outcome=outcome, actor=actor or {"kind": "staff", "username": "DoeJ"},
                     subject=subject, details=details)
    ev.event_key = f"{micros:016d}#{ev.event_key.split('#')[1]}"
    ev.at = micros / 1_000_000
    ev.save()
    return ev


# ---------------------------------------------------------------- person, kind

def test_a_persons_events_are_what_they_did_and_what_was_done_to_them(gateway, seeded, admin):
    ann = gateway.browser()
    assert login(ann, "ann@example.com", PATIENT_PW, login_type="patient").status == 200
    assert login(gateway.browser(), "ANN@example.com", "wrong-password-1", login_type="patient").status == 401
    aid = account_id(admin)
    assert admin.post(f"/api/clinics/SUNRISE/portal-accounts/{aid}/reset-password").status == 200
    desk = gateway.browser()
    assert login(desk, "SmithF", DESK_PW).status == 200

    for person in ("ann@example.com", " Ann@Example.com ", login_id(admin)):
        words = [e["description"] for e in all_pages(admin, person=person)]
        assert words == ["Jane Doe reset the password of ann@example.com",
                         "Failed sign-in for ANN@example.com to the patient portal (wrong password)",
                         "ann@example.com signed in to the patient portal"], person
    doej = all_pages(admin, person="doej")
    assert [e["description"] for e in doej] == ["Jane Doe reset the password of ann@example.com",
                                                "DoeJ signed in"]
    assert all_pages(admin, person="nobody-at-all") == []


def test_kind_filter_and_sign_in_activity_of_one_person(gateway, seeded, admin):
    login(gateway.browser(), "DoeJ", "wrong-password-1")
    login(gateway.browser(), "SmithF", DESK_PW)
    assert admin.post("/api/clinics/SUNRISE/staff/SmithF/disable").status == 200
    logins = all_pages(admin, kind="login")
    assert {e["kind"] for e in logins} == {"login"} and len(logins) == 3
    mine = all_pages(admin, person="DoeJ", kind="login")
    assert [(e["outcome"], e["description"]) for e in mine] == [
        ("failed", "Failed sign-in for DoeJ (wrong password)"), ("succeeded", "DoeJ signed in")]
    smith = all_pages(admin, person="SmithF")
    assert [e["description"] for e in smith] == ["Jane Doe disabled staff member SmithF", "SmithF signed in"]
    assert all_pages(admin, person="SmithF", kind="staff_disabled")[0]["actor"] == {
        "kind": "staff", "username": "DoeJ", "name": "Jane Doe"}


def test_date_range_is_whole_utc_days_inclusive(gateway, seeded, admin):
    plant("login", "2026-03-01", second=0, actor={"kind": "staff", "username": "a-first"})
    plant("login", "2026-03-01", second=86_399, actor={"kind": "staff", "username": "b-last-second"})
    plant("login", "2026-03-02", actor={"kind": "staff", "username": "c-next-day"})
    plant("logout", "2026-02-28", second=86_399, actor={"kind": "staff", "username": "d-day-before"})
    names = lambda items: [e["actor"]["username"] for e in items]  # noqa: E731
    assert names(all_pages(admin, **{"from": "2026-03-01", "to": "2026-03-01"})) == ["b-last-second", "a-first"]
    assert names(all_pages(admin, **{"from": "2026-03-01", "to": "2026-03-02", "kind": "login"})) == [
        "c-next-day", "b-last-second", "a-first"]
    assert names(all_pages(admin, to="2026-02-28")) == ["d-day-before"]
    assert names(all_pages(admin, person="a-first", **{"from": "2026-03-01"})) == ["a-first"]
    assert all_pages(admin, person="a-first", **{"from": "2026-03-02"}) == []


@pytest.mark.parametrize("params,code", [
    ({"from": "2026-13-01"}, "invalid_date"),
    ({"to": "yesterday"}, "invalid_date"),
    ({"from": "2026-02-30"}, "invalid_date"),
    ({"from": "1999-12-31"}, "invalid_date"),
    ({"from": "2026-03-02", "to": "2026-03-01"}, "invalid_date_range"),
    ({"kind": "password_stolen"}, "invalid_kind"),
    ({"person": "x" * 255}, "invalid_person"),
    ({"person": "ann\x00"}, "invalid_person"),
])
def test_bad_filters_are_400_and_change_nothing(gateway, seeded, admin, params, code):
    before = len(table_items("audit_events"))
    for path in (AUDIT, EXPORT):
        r = get(admin, path, **params)
        assert r.status == 400 and r.json()["error"] == code, (path, r.text)
        assert set(r.json()) == {"error", "message"}
    assert len(table_items("audit_events")) == before


def test_a_foreign_or_forged_cursor_is_refused(gateway, seeded, admin):
    import base64
    import json

    foreign = base64.urlsafe_b64encode(json.dumps(
        {"clinic_key": {"S": "lakeside"}, "event_key": {"S": "9999999999999999#x"}}).encode()).decode()
    for params in ({"cursor": "garbage!!"}, {"cursor": foreign, "kind": "login"},
                   {"cursor": foreign, "person": "DoeJ"}):
        r = get(admin, **params)
        assert r.status == 400 and r.json()["error"] == "invalid_cursor"


# ---------------------------------------------------------------- paging and reading

def test_filtered_pages_are_newest_first_complete_and_bounded(gateway, seeded, admin, aws_calls):
    """Sign-in activity of one person among many other events: every page a bounded
    read of Queries (no Scan), the pages together exactly the person's events."""
    from chalicelib.core import audit_search
    from chalicelib.core.audit_search import Filters, search

    for i in range(130):
        plant("login", "2026-04-01", second=i, actor={"kind": "staff", "username": "DoeJ"},
              outcome="failed" if i % 3 else "succeeded", details={"reason": "wrong_password"})
        plant("staff_updated", "2026-04-01", second=i, actor={"kind": "staff", "username": "DoeJ"},
              subject={"kind": "staff", "id": "patelr", "username": "PatelR"})
    for i in range(40):
        plant("login", "2026-04-02", second=i, actor={"kind": "staff", "username": f"other{i}"})
    aws_calls.reset()
    items = all_pages(admin, person="DoeJ", kind="login", **{"from": "2026-04-01", "to": "2026-04-01"})
    assert aws_calls.count("dynamodb", "Scan") == 0
    seconds = [int(e["event_id"][:16]) // 1_000_000 % 86_400 for e in items]
    assert seconds == list(reversed(range(130)))
    assert len({e["event_id"] for e in items}) == 130

    cursor, bound = None, audit_search.MAX_ROUNDS * 2 * (audit_search.PAGE_SIZE + 1)
    while True:
        page = search("sunrise", Filters(person="DoeJ", kind="login"), cursor)
        assert page.items_read <= bound and page.queries <= audit_search.MAX_ROUNDS * 2
        cursor = page.cursor
        if not cursor:
            break
    by_kind = search("sunrise", Filters(kind="login"), None)
    assert len(by_kind.events) == 50 and by_kind.items_read == 51 and by_kind.queries == 1


@pytest.mark.parametrize("kind", [None, "staff_updated"])
def test_merged_pages_of_what_a_person_did_and_what_was_done_to_them(gateway, seeded, kind):
    """Small pages over the actor and subject streams, interleaved in time, with and
    without the kind filter: each event once, newest first, none missing."""
    from chalicelib.core.audit_search import Filters, search

    expected = []
    for i in range(40):
        if i % 3 == 0:    # done by Pat
            ev = plant("staff_updated" if i % 2 else "login", "2026-08-01", second=i,
                       actor={"kind": "staff", "username": "PatelR"})
        elif i % 3 == 1:  # done to Pat
            ev = plant("staff_updated", "2026-08-01", second=i, actor={"kind": "staff", "username": "DoeJ"},
                       subject={"kind": "staff", "id": "patelr", "username": "PatelR"})
        else:             # Pat to themself: in both streams
            ev = plant("staff_updated" if i % 4 else "logout", "2026-08-01", second=i,
                       actor={"kind": "staff", "username": "patelr"}, subject={"kind": "staff", "id": "patelr"})
        plant("login", "2026-08-01", second=i, actor={"kind": "staff", "username": "SomeoneElse"})
        if kind is None or ev.kind == kind:
            expected.append(ev.event_key)
    for limit in (1, 3, 7):
        keys, cursor = [], None
        for _ in range(200):
            page = search("sunrise", Filters(person="PATELR", kind=kind), cursor, limit=limit)
            assert len(page.events) <= limit
            keys += [e.event_key for e in page.events]
            cursor = page.cursor
            if not cursor:
                break
        assert keys == list(reversed(expected)), limit


def test_a_cursor_keeps_working_for_the_whole_clinic(gateway, seeded, admin):
    for i in range(60):
        login(gateway.browser(), f"user{i:02d}", "wrong-password-x")
    first = get(admin).json()
    second = get(admin, cursor=first["next_cursor"]).json()
    names = [e["actor"]["username"] for e in first["items"] + second["items"]]
    assert names == [f"user{i:02d}" for i in reversed(range(60))] + ["DoeJ"]
    assert second["next_cursor"] is None


def test_unknown_kinds_still_read_sensibly_and_no_secret_is_described(gateway, seeded, admin):
    from chalicelib.core.audit_words import describe

    plant("grant_expired", "2026-05-01", subject={"kind": "patient", "id": "x", "username": "ben@example.com"})
    r = get(admin, **{"from": "2026-05-01", "to": "2026-05-01"}).json()["items"]
    assert r[0]["description"] == "Grant expired by DoeJ for ben@example.com"
    assert describe("login", "failed", {"kind": "staff", "username": "x"}, None,
                    {"reason": "wrong_password", "password": "hunter2"}) == "Failed sign-in for x (wrong password)"


def test_every_kind_the_code_writes_is_known():
    """The kind filter refuses unknown kinds, so every kind written must be listed."""
    import pathlib

    from chalicelib.core.audit_words import KINDS
    from chalicelib.people.kind import Kind  # noqa: F401 - the f-string prefixes below

    root = pathlib.Path(__file__).resolve().parents[2] / "chalicelib"
    source = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    written = set(re.findall(r"(?:audit\.(?:event|record)|_grant_event)\([^,]+,\s*\"([a-z_]+)\"", source))
    # sections/documents/records.event(session, "<kind>", ...), and the refills' and billing's _event
    written |= set(re.findall(r"event\((?:session|None),\s*\"((?:document|medication|statement|payment)_[a-z_]+)\"",
                              source))
    # medications' change kinds, and refills/queue: f"refill_{status}" with status = "a" if approve else "b"
    for block in re.findall(r"kind = kind or \((.*?)\)\n", source, re.S):
        written |= set(re.findall(r"\"(medication_[a-z_]+)\"", block))
    written |= set(re.findall(r"\bkind=\"((?:medication|statement)_[a-z_]+)\"", source))
    for a, b in re.findall(r"status = \"([a-z]+)\" if approve else \"([a-z]+)\"", source):
        written |= {f"refill_{a}", f"refill_{b}"}
    for a, b in re.findall(r"f\"access_grant_\{'([a-z]+)' if enabled else '([a-z]+)'\}\"", source):
        written |= {f"access_grant_{a}", f"access_grant_{b}"}
    for suffix in re.findall(r"f\"\{kind\.event\}_([a-z_]+)\"", source):
        written |= {f"staff_{suffix}", f"portal_account_{suffix}"}
    for a, b in re.findall(r"f\"\{kind\.event\}_\{'([a-z]+)' if enabled else '([a-z]+)'\}\"", source):
        written |= {f"{p}_{s}" for p in ("staff", "portal_account") for s in (a, b)}
    assert "login" in written and "staff_enabled" in written and "audit_exported" in written
    assert {"document_uploaded", "document_values_set", "document_released"} <= written
    assert {"medication_added", "statement_created", "payment_recorded", "refill_approved", "refill_denied"} <= written
    assert {"access_grant_created", "access_grant_disabled", "access_added_email"} <= written
    assert written <= set(KINDS), sorted(written - set(KINDS))


# ---------------------------------------------------------------- CSV

def read_csv(reply) -> list[list[str]]:
    return list(csv.reader(io.StringIO(reply.text)))


def test_csv_export_of_the_filtered_range_is_an_attachment_and_audited(gateway, seeded, admin):
    plant("login", "2026-06-01", actor={"kind": "staff", "username": "=HYPERLINK(\"http://x\")"},
          outcome="failed", details={"reason": "unknown_user"})
    plant("login", "2026-06-02", actor={"kind": "patient", "username": "@sum(a1)"}, outcome="failed")
    plant("logout", "2026-06-02", second=10, actor={"kind": "staff", "username": "DoeJ", "name": "-Jane Doe"})
    plant("login", "2026-06-03", actor={"kind": "staff", "username": "outside"})
    r = get(admin, EXPORT, **{"from": "2026-06-01", "to": "2026-06-02"})
    assert r.status == 200
    assert r.header("content-type").startswith("text/csv")
    assert r.header("content-disposition") == (
        'attachment; filename="audit-SUNRISE-from-2026-06-01-to-2026-06-02.csv"')
    rows = read_csv(r)
    assert rows[0][:4] == ["time_utc", "event", "outcome", "description"]
    body = rows[1:]
    assert len(body) == 3 and r.header("x-audit-truncated") == "false"
    assert [row[5] for row in body] == ["DoeJ", "'@sum(a1)", "'=HYPERLINK(\"http://x\")"]
    assert body[0][3] == "'-Jane Doe signed out"
    assert body[2][3] == "Failed sign-in for =HYPERLINK(\"http://x\") (unknown username)"
    for row in body:
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row)
    exported = get(admin, kind="audit_exported").json()["items"]
    assert len(exported) == 1
    assert exported[0]["actor"]["username"] == "DoeJ"
    assert exported[0]["details"] == {"filters": {"from": "2026-06-01", "to": "2026-06-02"}, "rows": 3,
                                      "truncated": False}
    assert exported[0]["description"] == "Jane Doe exported the audit log (3 events)"


def test_csv_export_stops_at_its_maximum_and_says_so(gateway, seeded, admin, monkeypatch):
    from chalicelib.core import audit_export

    monkeypatch.setattr(audit_export, "MAX_ROWS", 7)
    for i in range(9):
        plant("login", "2026-07-01", second=i, actor={"kind": "staff", "username": f"u{i}"})
    r = get(admin, EXPORT, kind="login", person="", **{"from": "2026-07-01", "to": "2026-07-01"})
    rows = read_csv(r)
    assert [row[5] for row in rows[1:8]] == [f"u{i}" for i in range(8, 1, -1)]
    assert rows[8][0].startswith("Cut at 7 events") and len(rows) == 9
    assert r.header("x-audit-truncated") == "true"
    exact = get(admin, EXPORT, **{"from": "2026-07-01", "to": "2026-07-01", "person": "u3"})
    assert len(read_csv(exact)) == 2 and exact.header("x-audit-truncated") == "false"


def test_only_audit_viewers_of_the_clinic_may_export(gateway, seeded):
    for clinic, username, password, status, code in (("SUNRISE", "SmithF", DESK_PW, 403, "forbidden"),
                                                     ("Lakeside", "KimS", LAKE_PW, 403, "wrong_clinic")):
        b = gateway.browser()
        assert login(b, username, password, clinic=clinic).status == 200
        r = get(b, EXPORT)
        assert r.status == status and r.json()["error"] == code
    assert get(gateway.browser(), EXPORT).status == 401
    assert not [e for e in table_items("audit_events") if e["kind"]["S"] == "audit_exported"]
    b = gateway.browser()
    login(b, "DoeJ", ADMIN_PW)
    assert get(b, EXPORT).status == 200
