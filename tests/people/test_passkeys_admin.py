"""An administrator sees how many passkeys a person has and removes them all (a lost
phone): they stop working at once, audited, and the person is emailed."""
from __future__ import annotations

from tests.auth.passkey_helpers import add_passkey, sign_in
from tests.conftest import table_items
from tests.portal_helpers import clinician, patient, sent_messages

STAFF = "/api/clinics/SUNRISE/staff"
LOGINS = "/api/clinics/SUNRISE/portal-logins"


def _events(kind: str) -> list[dict]:
    return [e for e in table_items("audit_events") if e["kind"]["S"] == kind]


def _login_id(admin) -> str:
    rows = admin.get("/api/clinics/SUNRISE/portal-accounts?patient_id=P100&q=ann@").json()["items"]
    return next(r for r in rows if r["username"] == "ann@example.com")["login"]["login_id"]


def test_an_administrator_removes_every_passkey_of_a_staff_member(admin, gateway):
    member = clinician(gateway)
    phone, _ = add_passkey(member, name="Phone")
    key, _ = add_passkey(member, name="Key")
    assert admin.get(f"{STAFF}/PatelR").json()["staff"]["passkey_count"] == 2
    row = next(s for s in admin.get(STAFF).json()["items"] if s["username"] == "PatelR")
    assert row["passkey_count"] == 2

    r = admin.post(f"{STAFF}/PatelR/remove-passkeys")
    assert r.status == 200, r.text
    assert r.json()["staff"]["passkey_count"] == 0
    assert [p for p in table_items("passkeys") if p["owner_key"]["S"] == "sunrise#staff#patelr"] == []
    assert sign_in(gateway, phone)[1].status == 401 and sign_in(gateway, key)[1].status == 401
    (event,) = _events("staff_passkeys_removed")
    assert event["details"]["M"]["passkeys"]["N"] == "2" and event["actor"]["M"]["username"]["S"] == "DoeJ"
    # Their sessions stay; they may add a passkey again, and it works.
    assert member.get("/api/me/passkeys").json()["passkeys"] == []
    again, _ = add_passkey(member)
    assert sign_in(gateway, again)[1].status == 200

    r = admin.post(f"{STAFF}/PatelR/remove-passkeys")
    assert r.status == 200
    r = admin.post(f"{STAFF}/PatelR/remove-passkeys")
    assert r.status == 409 and r.json()["error"] == "no_passkeys"


def test_a_passkey_the_index_still_shows_stops_working_too(admin, gateway):
    """Revocation is a read: a passkey item left behind (the index lagged) carries an old
    generation, so it neither signs in nor shows in the list."""
    from chalicelib.models import PasskeyModel

    member = clinician(gateway)
    device, added = add_passkey(member)
    stale = PasskeyModel.get(f"sunrise#{added['id']}")
    assert admin.post(f"{STAFF}/PatelR/remove-passkeys").status == 200
    stale.save()   # as if the sweep had missed it
    b, r = sign_in(gateway, device)
    assert r.status == 401
    failed = sorted((e for e in _events("login") if e["outcome"]["S"] == "failed"),
                    key=lambda e: e["event_key"]["S"])
    assert failed[-1]["details"]["M"]["reason"]["S"] == "passkey_removed"
    assert member.get("/api/me/passkeys").json()["passkeys"] == []
    # Removing it by hand does not make the count negative.
    assert member.delete(f"/api/me/passkeys/{added['id']}").status == 204
    assert admin.get(f"{STAFF}/PatelR").json()["staff"]["passkey_count"] == 0


def test_an_administrator_removes_a_portal_logins_passkeys(admin, gateway):
    ann = patient(gateway)
    device, _ = add_passkey(ann)
    login_id = _login_id(admin)
    assert admin.get(f"{LOGINS}/{login_id}").json()["login"]["passkey_count"] == 1
    rows = admin.get("/api/clinics/SUNRISE/portal-accounts?patient_id=P100").json()["items"]
    assert next(r for r in rows if r["username"] == "ann@example.com")["login"]["passkey_count"] == 1
    r = admin.post(f"{LOGINS}/{login_id}/remove-passkeys")
    assert r.status == 200 and r.json()["login"]["passkey_count"] == 0
    assert sign_in(gateway, device, login_type="patient")[1].status == 401
    assert _events("portal_account_passkeys_removed")
    (mail,) = [m for m in sent_messages() if m.subject == "Sunrise Family Clinic: your passkeys were removed"]
    assert mail.destinations["ToAddresses"] == ["ann@example.com"]


def test_only_administrators_may(gateway, seeded):
    from tests.portal_helpers import desk

    member = clinician(gateway)
    add_passkey(member)
    assert desk(gateway).post(f"{STAFF}/PatelR/remove-passkeys").status == 403
    assert member.post(f"{STAFF}/PatelR/remove-passkeys").status == 403
    assert table_items("passkeys")
