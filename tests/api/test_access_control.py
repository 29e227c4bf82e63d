"""Every clinic-scoped route of portal-account, patient, staff and settings
management is refused across clinics and without the permission, and changes nothing."""
import pytest

from tests.conftest import table_items
from tests.portal_helpers import (
    ann_account_id,
    clinician,
    create,
    desk,
    lakeside_admin,
    patient,
    rep_body,
    request_form,
    signed_in,
)

PREFIXES = ("/api/clinics/{clinic_id}/patients", "/api/clinics/{clinic_id}/portal-accounts",
            "/api/clinics/{clinic_id}/staff", "/api/clinics/{clinic_id}/settings")
BODIES = {
    ("POST", "/api/clinics/{clinic_id}/portal-accounts"): rep_body(username="x@example.com"),
    ("PATCH", "/api/clinics/{clinic_id}/portal-accounts/{account_id}"): {"first_name": "X"},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/form-requests"): {"template_id": "0" * 32},
    ("POST", "/api/clinics/{clinic_id}/staff"): {"username": "NewX", "first_name": "N", "last_name": "X",
                                                  "roles": ["clinician"]},
    ("PATCH", "/api/clinics/{clinic_id}/staff/{username}"): {"first_name": "X"},
    ("PATCH", "/api/clinics/{clinic_id}/settings"): {"lockout_threshold": 3},
    ("POST", "/api/clinics/{clinic_id}/patients"): {"first_name": "X", "last_name": "Y",
                                                     "date_of_birth": "1990-01-01"},
    ("PATCH", "/api/clinics/{clinic_id}/patients/{patient_id}"): {"first_name": "X"},
}
PERMISSION = {"patients": "patients.manage", "portal-accounts": "portal_accounts.manage",
              "staff": "staff.manage", "settings": "clinic.settings"}


def routes() -> list[tuple[str, str]]:
    from app import app

    out = []
    for path, methods in app.routes.items():
        if path.startswith(PREFIXES):
            out += [(method, path) for method in sorted(methods)]
    return sorted(out)


ROUTES = routes()
TABLES = ("patients", "portal_accounts", "portal_usernames", "staff", "clinics", "tokens", "form_requests", "sessions")


def snapshot() -> dict:
    return {t: sorted(map(str, table_items(t))) for t in TABLES}


def call(browser, method, template, ids):
    path = template.format(**ids)
    body = BODIES.get((method, template))
    return browser.request(method, path, json=body)


@pytest.fixture
def world(gateway, seeded):
    """Ids that exist in each clinic: an account with a form request, a patient, a staff member."""
    staff = desk(gateway)
    sunrise_account = ann_account_id(staff)
    assert staff.patch(f"/api/clinics/SUNRISE/portal-accounts/{sunrise_account}",
                       json={"permissions": ["forms"]}).status == 200
    sunrise_request = request_form(staff, sunrise_account, "Intake").json()["form_request"]["request_id"]
    lake = lakeside_admin(gateway)
    r = create(lake, rep_body(patient_id="L200", username="leo.rep@example.com"), clinic="Lakeside")
    lake_account = r.json()["account"]["account_id"]
    lake_request = request_form(lake, lake_account, "Lake form", clinic="Lakeside").json()["form_request"][
        "request_id"]
    # A live session of each clinic's staff member (SmithF is `staff`, KimS is `lake`).
    sunrise_session, lake_session = (b.get("/api/me/sessions").json()["sessions"][0]["session_id"]
                                     for b in (staff, lake))
    return {
        "SUNRISE": {"clinic_id": "SUNRISE", "account_id": sunrise_account, "request_id": sunrise_request,
                    "patient_id": "P100", "username": "SmithF", "session_id": sunrise_session},
        "Lakeside": {"clinic_id": "Lakeside", "account_id": lake_account, "request_id": lake_request,
                     "patient_id": "L200", "username": "KimS", "session_id": lake_session},
    }


def test_the_route_list_is_complete():
    assert len(ROUTES) >= 24


def test_a_session_of_clinic_a_is_refused_on_clinic_b_paths(gateway, world):
    lake = lakeside_admin(gateway)  # an administrator, but of Lakeside
    before = snapshot()
    for method, template in ROUTES:
        r = call(lake, method, template, world["SUNRISE"])
        assert r.status == 403 and r.json()["error"] == "wrong_clinic", (method, template, r.text)
    after = snapshot()
    after["sessions"] = before["sessions"]  # (a session's last-seen stamp may move)
    assert after == before


def test_clinic_b_ids_under_clinic_a_paths_are_not_found(gateway, world, admin):
    ids = dict(world["Lakeside"], clinic_id="SUNRISE")
    before = snapshot()
    checked = 0
    for method, template in ROUTES:
        if not any(f"{{{name}}}" in template for name in ("account_id", "request_id", "patient_id", "username")):
            continue
        r = call(admin, method, template, ids)
        assert r.status == 404, (method, template, r.text)
        checked += 1
    assert checked >= 18
    after = snapshot()
    after["sessions"] = before["sessions"]
    assert after == before


@pytest.mark.parametrize("who", ["clinician", "front_desk", "patient"])
def test_sessions_without_the_permission_are_refused(gateway, world, who):
    browser = {"clinician": clinician, "front_desk": desk, "patient": patient}[who](gateway)
    held = {"front_desk": {"portal_accounts.manage", "patients.manage"}}.get(who, set())
    before = snapshot()
    refused = 0
    for method, template in ROUTES:
        area = template.split("/")[4]
        if PERMISSION[area] in held:
            continue
        r = call(browser, method, template, world["SUNRISE"])
        assert r.status == 403 and r.json()["error"] == "forbidden", (who, method, template, r.text)
        refused += 1
    assert refused >= 8
    after = snapshot()
    after["sessions"] = before["sessions"]
    assert after == before


def test_without_a_session_everything_is_401(gateway, world):
    anonymous = gateway.browser()
    for method, template in ROUTES:
        r = call(anonymous, method, template, world["SUNRISE"])
        assert r.status == 401, (method, template)


def test_cookie_requests_from_another_site_are_refused(gateway, world):
    staff = desk(gateway)
    staff.origin = "https://evil.example"
    r = call(staff, "POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/disable", world["SUNRISE"])
    assert r.status == 403 and r.json()["error"] == "origin_mismatch"
    staff.origin = None
    r = call(staff, "DELETE", "/api/clinics/{clinic_id}/portal-accounts/{account_id}", world["SUNRISE"])
    assert r.status == 403 and r.json()["error"] == "origin_mismatch"
    admin = signed_in(gateway, "DoeJ", "sunrise-admin-password")
    assert admin.get(f"/api/clinics/SUNRISE/portal-accounts/{world['SUNRISE']['account_id']}").json()[
        "account"]["status"] == "active"


def test_the_host_header_does_not_make_an_origin_allowed(gateway, world):
    """Allowed origins come from the configured public base URL, never from Host."""
    staff = desk(gateway)
    staff.origin = "http://evil.example"
    path = "/api/clinics/{clinic_id}/portal-accounts/{account_id}/disable".format(**world["SUNRISE"])
    r = staff.post(path, headers={"Host": "evil.example"})
    assert r.status == 403 and r.json()["error"] == "origin_mismatch"
    staff.origin = "http://127.0.0.1:8000"  # the configured base URL is allowed, whatever the Host
    r = staff.post(path, headers={"Host": "evil.example"})
    assert r.status == 200, r.text


def test_only_the_configured_origin_and_the_local_stacks_loopback_addresses_are_allowed(stage):
    from chalicelib.api.access import allowed_origins

    stage(PORTAL_PUBLIC_BASE_URL="https://portal.example.org/")
    assert allowed_origins() == {"https://portal.example.org"}
    stage(PORTAL_PUBLIC_BASE_URL="http://127.0.0.1:8123",
          PORTAL_LOCAL_ORIGINS="http://127.0.0.1:8123,http://localhost:8123")
    assert allowed_origins() == {"http://127.0.0.1:8123", "http://localhost:8123"}


def test_a_deployed_stage_refuses_local_origins(stage):
    from chalicelib.core.settings import get_settings

    stage(PORTAL_STAGE="prod", PORTAL_CAPTCHA_PROVIDER="recaptcha", PORTAL_LOCAL_ORIGINS="http://localhost:8000")
    with pytest.raises(RuntimeError):
        get_settings()
