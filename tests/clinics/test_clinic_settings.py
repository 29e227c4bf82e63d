"""Clinic settings: admins read and change them, validated and audited."""
import pytest

from tests.conftest import table_items
from tests.portal_helpers import clinician, desk, lakeside_admin

SETTINGS = "/api/clinics/SUNRISE/settings"


def test_admin_reads_and_changes_settings(admin):
    r = admin.get(SETTINGS)
    assert r.status == 200
    body = r.json()
    assert body["name"] == "Sunrise Family Clinic"
    assert body["settings"]["lockout_threshold"] == 5 and body["settings"]["invitation_hours"] == 72
    r = admin.patch(SETTINGS, json={"captcha_required": True, "password_min_length": 14, "lockout_threshold": 5})
    assert r.status == 200, r.text
    assert r.json()["settings"]["captcha_required"] is True and r.json()["settings"]["password_min_length"] == 14
    assert admin.get(SETTINGS).json() == r.json()
    assert admin.get("/api/clinics/SUNRISE").json()["captcha"]["required"] is True
    (event,) = [e for e in table_items("audit_events") if e["kind"]["S"] == "clinic_settings_updated"]
    changes = event["details"]["M"]["changes"]["M"]
    assert set(changes) == {"captcha_required", "password_min_length"}  # only what changed
    assert changes["password_min_length"]["M"] == {"before": {"N": "12"}, "after": {"N": "14"}}
    assert event["actor"]["M"]["username"]["S"] == "DoeJ"


@pytest.mark.parametrize("body", [
    {"lockout_threshold": 0}, {"lockout_threshold": "5"}, {"captcha_required": 1},
    {"password_min_length": 4}, {"invitation_hours": 10_000}, {"theme": "dark"}, {}, {"idle_timeout_minutes": 2.5},
])
def test_bad_settings_change_nothing(admin, body):
    before = admin.get(SETTINGS).json()
    events = len(table_items("audit_events"))
    r = admin.patch(SETTINGS, json=body)
    assert r.status == 400 and r.json()["error"] == "invalid_request"
    assert admin.get(SETTINGS).json() == before and len(table_items("audit_events")) == events


def test_only_admins_of_that_clinic(gateway, seeded):
    for b in (desk(gateway), clinician(gateway)):
        assert b.get(SETTINGS).status == 403
        assert b.patch(SETTINGS, json={"lockout_threshold": 3}).status == 403
    r = lakeside_admin(gateway).patch(SETTINGS, json={"lockout_threshold": 3})
    assert r.status == 403 and r.json()["error"] == "wrong_clinic"
    assert gateway.browser().get(SETTINGS).status == 401
