"""The fault matrix's recipes for the passkey routes (issue 14): each flow gets a
fresh staff member (with an email, so the security email's failure is covered too)
and a software authenticator of its own."""
from __future__ import annotations

from tests.api.fault_recipes import Call
from tests.auth.passkey_authenticator import Authenticator

MINE = "/api/me/passkeys"


def _member(w) -> dict:
    return w.staff_member(email=True)


def _with_passkey(w) -> tuple[dict, Authenticator, str]:
    m = _member(w)
    device = Authenticator()
    options = w.ok(m["browser"].post(MINE + "/options"))["publicKey"]
    added = w.ok(m["browser"].post(MINE, json={"credential": device.create(options), "name": "Fault key"}), 201)
    return m, device, added["passkey"]["id"]


def _reauth(w):
    m = _member(w)
    return Call(m["browser"], "POST", "/api/me/reauth", {"password": m["password"]})


def _add(w):
    m = _member(w)
    options = w.ok(m["browser"].post(MINE + "/options"))["publicKey"]
    return Call(m["browser"], "POST", MINE, {"credential": Authenticator().create(options), "name": "Fault key"})


def _rename(w):
    m, _, pid = _with_passkey(w)
    return Call(m["browser"], "PUT", f"{MINE}/{pid}/name", {"name": "Renamed key"})


def _remove(w):
    m, _, pid = _with_passkey(w)
    return Call(m["browser"], "DELETE", f"{MINE}/{pid}")


PASSKEY_RECIPES = {
    ("POST", "/api/me/reauth"): {"": _reauth},
    ("POST", MINE + "/options"): {"": lambda w: Call(_member(w)["browser"], "POST", MINE + "/options")},
    ("POST", MINE): {"": _add},
    ("PUT", MINE + "/{passkey_id}/name"): {"": _rename},
    ("DELETE", MINE + "/{passkey_id}"): {"": _remove},
}


# ---------------------------------------------------------------- signing in

LOGIN = "/api/clinics/{clinic_id}/login/passkey"


def _sign_in(w):
    _, device, _ = _with_passkey(w)
    b = w.gateway.browser()
    options = w.ok(b.post("/api/clinics/SUNRISE/login/passkey/options", json={"login_type": "staff"}))
    return Call(b, "POST", "/api/clinics/SUNRISE/login/passkey", {"credential": device.get(options["publicKey"])})


PASSKEY_RECIPES.update({
    ("POST", LOGIN + "/options"): {
        "": lambda w: Call(w.gateway.browser(), "POST", "/api/clinics/SUNRISE/login/passkey/options",
                           {"login_type": "patient"})},
    ("POST", LOGIN): {"": _sign_in},
})


# ---------------------------------------------------------------- an administrator removes them all

def _staff_with_passkeys(w):
    m, _, _ = _with_passkey(w)
    return Call(w.admin(), "POST", f"/api/clinics/SUNRISE/staff/{m['username']}/remove-passkeys")


def _login_with_passkeys(w):
    a = w.self_account()
    device = Authenticator()
    options = w.ok(a["browser"].post(MINE + "/options"))["publicKey"]
    w.ok(a["browser"].post(MINE, json={"credential": device.create(options), "name": "Fault key"}), 201)
    return Call(w.admin(), "POST", f"/api/clinics/SUNRISE/portal-logins/{a['login']}/remove-passkeys")


PASSKEY_RECIPES.update({
    ("POST", "/api/clinics/{clinic_id}/staff/{username}/remove-passkeys"): {"": _staff_with_passkeys},
    ("POST", "/api/clinics/{clinic_id}/portal-logins/{login_id}/remove-passkeys"): {"": _login_with_passkeys},
})
