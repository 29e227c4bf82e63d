"""Integration keys on the administrators' side: created with scopes and shown once,
stored hashed, limited per clinic, listed with their last use, revocable."""
from __future__ import annotations

import hashlib

from tests.conftest import DESK_PW, LAKE_PW, login, table_items
from tests.integrations.helpers import KEYS, PATIENT, Ehr, new_key


def test_a_new_key_is_shown_once_and_only_its_hash_is_stored(admin, gateway):
    out = new_key(admin, name="Epic production")
    key = out["key"]
    prefix, key_id, secret = key[:3], key[4:36], key[37:]
    assert prefix == "cpk" and key_id == out["integration_key"]["key_id"] and len(secret) == 43
    assert out["integration_key"]["scopes"] == ["patients"] and out["integration_key"]["status"] == "active"
    (item,) = table_items("integration_keys")
    assert item["secret_hash"]["S"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(item) and key not in repr(table_items("audit_events"))
    listed = admin.get(KEYS).json()
    assert [k["key_id"] for k in listed["items"]] == [key_id]
    assert "key" not in listed["items"][0] and secret not in str(listed)
    assert Ehr(gateway, key).put("MRN1", PATIENT).status == 201


def test_scopes_not_wired_yet_are_listed_but_refused(admin, monkeypatch):
    from chalicelib.integrations.scopes import SCOPES, Scope

    monkeypatch.setitem(SCOPES, "statements", Scope("statements", "Billing statements", None))
    scopes = {s["name"]: s["available"] for s in admin.get(KEYS).json()["scopes"]}
    assert set(scopes) == {"patients", "appointments", "results", "medications", "statements"}
    assert scopes["patients"] and scopes["appointments"] and scopes["results"] and not scopes["statements"]
    r = admin.post(KEYS, json={"name": "Scheduler", "scopes": ["patients", "statements"]})
    assert (r.status, r.json()["error"]) == (400, "scope_not_available")
    r = admin.post(KEYS, json={"name": "Scheduler", "scopes": ["everything"]})
    assert (r.status, r.json()["error"]) == (400, "invalid_scope")
    r = admin.post(KEYS, json={"name": "Scheduler", "scopes": []})
    assert r.status == 400
    assert table_items("integration_keys") == []


def test_only_administrators_manage_keys(gateway, seeded):
    desk = gateway.browser()
    assert login(desk, "SmithF", DESK_PW).status == 200
    assert desk.get(KEYS).status == 403
    assert desk.post(KEYS, json={"name": "X", "scopes": ["patients"]}).status == 403
    other = gateway.browser()
    assert login(other, "KimS", LAKE_PW, clinic="Lakeside").status == 200
    assert (other.get(KEYS).status, other.get(KEYS).json()["error"]) == (403, "wrong_clinic")


def test_a_revoked_key_is_refused(admin, gateway):
    out = new_key(admin)
    ehr = Ehr(gateway, out["key"])
    assert ehr.put("MRN2", PATIENT).status == 201
    r = admin.post(f"{KEYS}/{out['integration_key']['key_id']}/revoke")
    assert r.status == 200 and r.json()["integration_key"]["status"] == "revoked"
    r = ehr.put("MRN2", {**PATIENT, "city": "Elsewhere"})
    assert (r.status, r.json()["error"]) == (401, "not_authenticated")
    assert ehr.delete("MRN2").status == 401
    # Revoking again changes nothing; the audit log has one revocation.
    assert admin.post(f"{KEYS}/{out['integration_key']['key_id']}/revoke").status == 200
    kinds = [i["kind"]["S"] for i in table_items("audit_events")]
    assert kinds.count("integration_key_revoked") == 1


def test_another_clinics_key_cannot_be_revoked_or_seen(admin, gateway):
    lake = gateway.browser()
    assert login(lake, "KimS", LAKE_PW, clinic="Lakeside").status == 200
    theirs = new_key(lake, clinic="Lakeside", name="Lakeside EHR")
    key_id = theirs["integration_key"]["key_id"]
    r = admin.post(f"{KEYS}/{key_id}/revoke")
    assert (r.status, r.json()["error"]) == (404, "integration_key_not_found")
    assert admin.get(KEYS).json()["items"] == []
    assert Ehr(gateway, theirs["key"]).put("L1", PATIENT).status == 201


def test_the_key_limit_counts_live_keys(admin, monkeypatch):
    from chalicelib.integrations import keys

    monkeypatch.setattr(keys, "KEY_LIMIT", 2)
    first = new_key(admin, name="One")
    new_key(admin, name="Two")
    r = admin.post(KEYS, json={"name": "Three", "scopes": ["patients"]})
    assert (r.status, r.json()["error"]) == (409, "integration_key_limit")
    assert len(table_items("integration_keys")) == 2
    assert admin.post(f"{KEYS}/{first['integration_key']['key_id']}/revoke").status == 200
    new_key(admin, name="Three")


def test_last_use_is_written_at_most_once_a_minute(admin, gateway, clock, aws_calls):
    out = new_key(admin)
    ehr = Ehr(gateway, out["key"])
    assert admin.get(KEYS).json()["items"][0]["last_used_at"] is None
    assert ehr.put("MRN3", PATIENT).status == 201
    first = admin.get(KEYS).json()["items"][0]["last_used_at"]
    assert first is not None
    clock.advance(30)
    assert ehr.put("MRN3", PATIENT).status == 200
    assert admin.get(KEYS).json()["items"][0]["last_used_at"] == first
    clock.advance(31)
    assert ehr.put("MRN3", PATIENT).status == 200
    assert admin.get(KEYS).json()["items"][0]["last_used_at"] != first


def test_creating_and_revoking_are_audited_without_the_secret(admin):
    out = new_key(admin, name="Athena bridge")
    admin.post(f"{KEYS}/{out['integration_key']['key_id']}/revoke")
    events = [i for i in table_items("audit_events") if i["kind"]["S"].startswith("integration_key_")]
    assert sorted(e["kind"]["S"] for e in events) == ["integration_key_created", "integration_key_revoked"]
    assert all("Athena bridge" in repr(e) and out["key"][37:] not in repr(e) for e in events)
