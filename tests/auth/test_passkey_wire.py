"""Real replies of every passkey operation checked against docs/openapi.yaml: a
success reply of each, and the error codes people will meet."""
from tests.api.test_openapi import Wire, load_doc, operations
from tests.auth.passkey_authenticator import Authenticator
from tests.auth.passkey_helpers import add_passkey
from tests.conftest import ADMIN_PW
from tests.portal_helpers import patient

MINE = "/api/me/passkeys"
ONE = MINE + "/{passkey_id}"
LOGIN = "/api/clinics/{clinic_id}/login/passkey"
PREFIXES = (MINE, "/api/me/reauth", LOGIN)
ADMIN_ACTIONS = "/remove-passkeys"


def _login_id(admin) -> str:
    rows = admin.get("/api/clinics/SUNRISE/portal-accounts?patient_id=P100&q=ann@").json()["items"]
    return next(r for r in rows if r["username"] == "ann@example.com")["login"]["login_id"]


def test_passkey_wire_matches_document(gateway, admin, clock):
    w = Wire()
    w.check(admin.get(MINE), "GET", MINE)
    r = w.check(admin.post(MINE + "/options"), "POST", MINE + "/options")
    device = Authenticator()
    credential = device.create(r.json()["publicKey"])
    r = w.check(admin.post(MINE, json={"credential": credential, "name": "Phone"}), "POST", MINE)
    pid = r.json()["passkey"]["id"]
    w.check(admin.post(MINE, json={"credential": credential, "name": "Phone"}), "POST", MINE,
            code="passkey_challenge_invalid")
    w.check(admin.post(MINE, json={"credential": {"id": 1}, "name": "Phone"}), "POST", MINE, code="passkey_invalid")
    w.check(admin.post(MINE, json={"name": "Phone"}), "POST", MINE, code="invalid_request")
    w.check(admin.put(f"{MINE}/{pid}/name", json={"name": "Work phone"}), "PUT", ONE + "/name")
    w.check(admin.put(f"{MINE}/{'x' * 43}/name", json={"name": "Work phone"}), "PUT", ONE + "/name",
            code="passkey_not_found")
    w.check(admin.get(MINE), "GET", MINE)
    w.check(admin.delete(f"{MINE}/{pid}"), "DELETE", ONE)
    w.check(admin.delete(f"{MINE}/{pid}"), "DELETE", ONE, code="passkey_not_found")
    for i in range(10):
        device, _ = add_passkey(admin, name=f"Key {i}")
    w.check(admin.post(MINE + "/options"), "POST", MINE + "/options", code="too_many_passkeys")

    clock.advance(11 * 60)
    w.check(admin.post(MINE + "/options"), "POST", MINE + "/options", code="reauth_required")
    w.check(admin.post("/api/me/reauth", json={"password": "wrong"}), "POST", "/api/me/reauth",
            code="reauth_invalid")
    w.check(admin.post("/api/me/reauth", json={}), "POST", "/api/me/reauth", code="invalid_request")
    w.check(admin.post("/api/me/reauth", json={"password": ADMIN_PW}), "POST", "/api/me/reauth")
    w.check(gateway.browser().get(MINE), "GET", MINE, code="not_authenticated")

    # Signing in with it.
    anon = gateway.browser()
    url = "/api/clinics/SUNRISE/login/passkey"
    r = w.check(anon.post(url + "/options", json={"login_type": "staff"}), "POST", LOGIN + "/options")
    options = r.json()["publicKey"]
    w.check(anon.post(url + "/options", json={"login_type": "nurse"}), "POST", LOGIN + "/options",
            code="invalid_request")
    w.check(anon.post("/api/clinics/NOPE/login/passkey/options", json={"login_type": "staff"}), "POST",
            LOGIN + "/options", code="clinic_not_found")
    w.check(anon.post(url, json={"credential": device.get(options)}), "POST", LOGIN)
    w.check(anon.post(url, json={"credential": device.get(options)}), "POST", LOGIN, code="invalid_credentials")
    w.check(anon.post(url, json={"credential": {}}), "POST", LOGIN, code="invalid_request")

    # An administrator removes them all.
    base = "/api/clinics/{clinic_id}"
    w.check(admin.post("/api/clinics/SUNRISE/staff/DoeJ/remove-passkeys"), "POST",
            base + "/staff/{username}/remove-passkeys")
    w.check(admin.post("/api/clinics/SUNRISE/staff/DoeJ/remove-passkeys"), "POST",
            base + "/staff/{username}/remove-passkeys", code="no_passkeys")
    ann = patient(gateway)
    add_passkey(ann)
    login_id = ann.get("/api/me").json()["principal"].get("login_id") or _login_id(admin)
    w.check(admin.post(f"/api/clinics/SUNRISE/portal-logins/{login_id}/remove-passkeys"), "POST",
            base + "/portal-logins/{login_id}/remove-passkeys")
    w.check(admin.post(f"/api/clinics/SUNRISE/portal-logins/{login_id}/remove-passkeys"), "POST",
            base + "/portal-logins/{login_id}/remove-passkeys", code="no_passkeys")
    w.assert_ok()

    unchecked = []
    for path, method, op, _ in operations(load_doc()):
        if not path.startswith(PREFIXES) and not path.endswith(ADMIN_ACTIONS):
            continue
        success = {s for s in op.get("responses", {}) if str(s).startswith("2")}
        if not any((path, method, s) in w.checked for s in success):
            unchecked.append(f"{method.upper()} {path}")
    assert not unchecked, unchecked
