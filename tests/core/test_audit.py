"""Audit events for every login attempt, logout and password change; who may read them."""
from tests.conftest import ADMIN_PW, CLINICIAN_PW, DESK_PW, PATIENT_PW, login, table_items

STRONG = "violet-harbor-lantern-91"


def events(browser, clinic="SUNRISE", cursor=None):
    path = f"/api/clinics/{clinic}/audit" + (f"?cursor={cursor}" if cursor else "")
    return browser.get(path)


def test_each_attempt_logout_and_password_change_is_recorded(gateway, seeded, clock):
    b = gateway.browser(user_agent="Mozilla/5.0 (iPhone) test")
    login(b, "DoeJ", "wrong-password-1")
    login(b, "nobody", "wrong-password-2")
    login(b, "NoAccessN", CLINICIAN_PW)
    login(b, "DoeJ", ADMIN_PW)
    b.post("/api/me/password", json={"current_password": ADMIN_PW, "new_password": STRONG})
    b.post("/api/logout")
    login(b, "DoeJ", STRONG)
    r = events(b)
    assert r.status == 200
    items = r.json()["items"]
    seen = [(e["kind"], e["outcome"], (e["details"] or {}).get("reason")) for e in items]
    assert seen == [
        ("login", "succeeded", None),
        ("logout", "succeeded", None),
        ("password_change", "succeeded", None),
        ("login", "succeeded", None),
        ("login", "portal_access_disabled", None),
        ("login", "failed", "unknown_user"),
        ("login", "failed", "wrong_password"),
    ]
    last = items[-1]
    assert last["clinic_id"] == "SUNRISE"
    assert last["actor"] == {"kind": "staff", "username": "DoeJ"}
    assert last["source_ip"] == b.source_ip
    assert last["user_agent"] == "Mozilla/5.0 (iPhone) test"
    assert last["at"].endswith("Z")


def test_no_secret_is_ever_in_the_audit_log(gateway, seeded):
    b = gateway.browser()
    login(b, "DoeJ", "a-wrong-password-xyz")
    login(b, "DoeJ", ADMIN_PW)
    token = b.cookies["portal_session"]
    b.post("/api/me/password", json={"current_password": ADMIN_PW, "new_password": STRONG})
    dump = repr(table_items("audit_events"))
    for secret in ("a-wrong-password-xyz", ADMIN_PW, STRONG, token):
        assert secret not in dump


def test_front_desk_clinician_and_patients_may_not_read_the_audit_log(gateway, seeded):
    for username, password, kind in (("SmithF", DESK_PW, "staff"), ("PatelR", CLINICIAN_PW, "staff"),
                                     ("ann@example.com", PATIENT_PW, "patient")):
        b = gateway.browser()
        assert login(b, username, password, login_type=kind).status == 200
        r = events(b)
        assert r.status == 403 and r.json()["error"] == "forbidden"


def test_pages_of_the_audit_log_are_newest_first_and_complete(gateway, seeded):
    b = gateway.browser()
    for i in range(60):
        login(b, f"user{i:02d}", "wrong-password-x")
    login(b, "DoeJ", ADMIN_PW)
    first = events(b).json()
    assert len(first["items"]) == 50 and first["next_cursor"]
    second = events(b, cursor=first["next_cursor"]).json()
    names = [e["actor"]["username"] for e in first["items"] + second["items"]]
    assert names[0] == "DoeJ"
    assert names[1:] == [f"user{i:02d}" for i in reversed(range(60))]
    assert second["next_cursor"] is None


def test_a_forged_or_foreign_cursor_is_refused(gateway, seeded):
    import base64
    import json

    b = gateway.browser()
    login(b, "DoeJ", ADMIN_PW)
    foreign = base64.urlsafe_b64encode(json.dumps(
        {"clinic_key": {"S": "lakeside"}, "event_key": {"S": "9999999999999999#x"}}).encode()).decode()
    wrong_keys = base64.urlsafe_b64encode(json.dumps(
        {"clinic_key": {"S": "sunrise"}, "username_key": {"S": "doej"}}).encode()).decode()
    for cursor in ("garbage!!", foreign, "e30", wrong_keys):
        r = events(b, cursor=cursor)
        assert r.status == 400 and r.json()["error"] == "invalid_cursor"
