"""The fault matrix's recipes (tests/api/test_fault_matrix.py): for each write
route of the app, how to prepare one valid request of it in a fresh world, with
fresh records of its own, so the same flow can run again and again."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from tests.conftest import ADMIN_PW, PATIENT_PW, login
from tests.portal_helpers import STRONG_PW, rep_body, reset_token_in, self_body, sent_messages, token_in

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
CLINIC = "/api/clinics/SUNRISE"
ACCOUNTS = CLINIC + "/portal-accounts"
STAFF = CLINIC + "/staff"
PATIENTS = CLINIC + "/patients"
LOGINS = CLINIC + "/portal-logins"
WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")


def write_routes() -> list[tuple[str, str]]:
    from app import app

    return sorted((method, path) for path, methods in app.routes.items() if path.startswith("/api/")
                  for method in methods if method in WRITE_METHODS)


# ---------------------------------------------------------------- the world

class World:
    """One moto world per flow; each case prepares its own fresh records in it."""

    def __init__(self, gateway, clock):
        self.gateway = gateway
        self.clock = clock
        self._seq = itertools.count(1)

    def n(self) -> int:
        return next(self._seq)

    def signed_in(self, username, password, login_type="staff"):
        b = self.gateway.browser()
        r = login(b, username, password, login_type=login_type)
        assert r.status == 200, r.text
        return b

    def admin(self):
        return self.signed_in("DoeJ", ADMIN_PW)

    def ok(self, reply, status=200):
        assert reply.status == status, reply.text
        return reply.json() if reply.body else None

    # Portal accounts
    def self_account(self, *, sign_in=True) -> dict:
        """A Self account with a password (no forced change), signed in if asked."""
        username = f"self{self.n()}@example.org"
        # A patient of its own: a patient has at most one Self.
        body = self_body(username=username, patient_id=self.patient(), force_password_change=False)
        out = self.ok(self.admin().post(ACCOUNTS, json=body), 201)
        acct = {"id": out["account"]["account_id"], "login": out["account"]["login"]["login_id"],
                "patient": body["patient_id"], "username": username,
                "password": out["credentials"]["temporary_password"]}
        if sign_in:
            acct["browser"] = self.signed_in(username, acct["password"], "patient")
        return acct

    def rep_account(self) -> dict:
        """An invited representative and the token of its invitation email."""
        out = self.ok(self.admin().post(ACCOUNTS, json=rep_body(username=f"rep{self.n()}@example.org")), 201)
        return {"id": out["account"]["account_id"], "login": out["account"]["login"]["login_id"],
                "token": token_in(sent_messages()[-1])}

    def two_patient_login(self) -> dict:
        """A Self login that also represents a second patient, signed in (no patient preselected)."""
        acct = self.self_account(sign_in=False)
        other = self.patient()
        out = self.ok(self.admin().post(ACCOUNTS, json=rep_body(username=acct["username"], patient_id=other)), 201)
        assert out.get("access_added"), out
        acct["other"] = other
        acct["browser"] = self.signed_in(acct["username"], acct["password"], "patient")
        return acct

    def form_template(self) -> str:
        out = self.ok(self.admin().post(f"{CLINIC}/form-templates", json={"name": f"Fault {self.n()}", "fields": [
            {"key": "q1", "label": "Question", "type": "short_text", "required": True}]}), 201)
        return out["form_template"]["template_id"]

    def form_request(self, account_id: str) -> str:
        out = self.ok(self.admin().post(f"{ACCOUNTS}/{account_id}/form-requests",
                                        json={"template_id": self.form_template()}), 201)
        return out["form_request"]["request_id"]

    def submitted_form(self) -> str:
        a = self.self_account()
        rid = self.form_request(a["id"])
        self.ok(a["browser"].post(f"/api/portal/patients/{a['patient']}/form-requests/{rid}/submit",
                                  json={"answers": {"q1": "yes"}}))
        return rid

    # Staff
    def staff_member(self, *, sign_in=True, email=False) -> dict:
        username = f"Fault{self.n()}"
        body = {"username": username, "first_name": "Fay", "last_name": "Ult", "roles": ["clinician"],
                "force_password_change": False}
        if email:
            body["email"] = f"{username.lower()}@sunrise.example"
        out = self.ok(self.admin().post(STAFF, json=body), 201)
        member = {"username": username, "password": out["credentials"]["temporary_password"],
                  "email": body.get("email")}
        if sign_in:
            member["browser"] = self.signed_in(username, member["password"])
        return member

    def invited_staff(self) -> dict:
        username = f"Invited{self.n()}"
        self.ok(self.admin().post(STAFF, json={
            "username": username, "first_name": "Ivy", "last_name": "Ted", "roles": ["front_desk"],
            "email": f"{username.lower()}@sunrise.example", "send_invitation": True}), 201)
        return {"username": username, "token": token_in(sent_messages()[-1])}


    # Patients
    def patient(self) -> str:
        pid = f"F{self.n()}"
        self.ok(self.admin().post(PATIENTS, json={"patient_id": pid, "first_name": "Fern", "last_name": "Ault",
                                                  "date_of_birth": "1990-05-06"}), 201)
        return pid


@dataclass
class Call:
    """One valid request of a flow, and how to resend the invitation it sent (if any)."""
    browser: object
    method: str
    path: str
    json: dict | None = None
    resend: Callable | None = None   # (world, reply) -> path of the resend-invitation action
    body: Callable | None = None     # () -> the body, made at each send (a TOTP code of that moment)

    def send(self):
        return self.browser.request(self.method, self.path, json=self.body() if self.body else self.json)


def _account_resend(w, reply):
    return f"{ACCOUNTS}/{reply.json()['account']['account_id']}/resend-invitation"


def _staff_resend(w, reply):
    return f"{STAFF}/{reply.json()['staff']['username']}/resend-invitation"


def _settings_change(w):
    admin = w.admin()
    hours = w.ok(admin.get(CLINIC + "/settings"))["settings"]["invitation_hours"]
    return Call(admin, "PATCH", CLINIC + "/settings", {"invitation_hours": 73 if hours == 72 else 72})


def _enable_account(w):
    a = w.self_account(sign_in=False)
    admin = w.admin()
    w.ok(admin.post(f"{ACCOUNTS}/{a['id']}/disable"))
    return Call(admin, "POST", f"{ACCOUNTS}/{a['id']}/enable")


def _enable_staff(w):
    m = w.staff_member(sign_in=False)
    admin = w.admin()
    w.ok(admin.post(f"{STAFF}/{m['username']}/disable"))
    return Call(admin, "POST", f"{STAFF}/{m['username']}/enable")


def _cancel_form(w):
    a = w.self_account(sign_in=False)
    return Call(w.admin(), "POST", f"{ACCOUNTS}/{a['id']}/form-requests/{w.form_request(a['id'])}/cancel")


def _patient_form(action: str, method: str):
    def prepare(w):
        if action == "submit" and not getattr(w, "forms_counted", False):
            # The clinic's count item exists from then on: every run, clean or retried,
            # then updates it (the effects compare alike).
            w.submitted_form()
            w.forms_counted = True
        a = w.self_account()
        rid = w.form_request(a["id"])
        return Call(a["browser"], method, f"/api/portal/patients/{a['patient']}/form-requests/{rid}/{action}",
                    {"answers": {"q1": "yes"}})
    return prepare


def _template_action(action: str):
    def prepare(w):
        tid = w.form_template()
        admin = w.admin()
        if action == "restore":
            w.ok(admin.post(f"{CLINIC}/form-templates/{tid}/archive"))
        if action == "":
            return Call(admin, "PATCH", f"{CLINIC}/form-templates/{tid}", {"name": "Changed"})
        return Call(admin, "POST", f"{CLINIC}/form-templates/{tid}/{action}")
    return prepare


def _enable_login(w):
    a = w.self_account(sign_in=False)
    admin = w.admin()
    w.ok(admin.post(f"{LOGINS}/{a['login']}/disable"))
    return Call(admin, "POST", f"{LOGINS}/{a['login']}/enable")


def _login_resend(w, reply):
    return f"{LOGINS}/{reply.json()['login']['login_id']}/resend-invitation"


def _change_password(w):
    m = w.staff_member()
    return Call(m["browser"], "POST", "/api/me/password",
                {"current_password": m["password"], "new_password": STRONG_PW})


# ---------------------------------------------------------------- two-factor authentication

def _totp(w, secret: str):
    """A body maker: the code of the moment the request is sent (each case's clock moves)."""
    import pyotp

    return lambda: {"code": pyotp.TOTP(secret).at(w.clock())}


def _mfa_member(w) -> dict:
    """A signed-in staff member with 2FA on (its secret; the enrolment's code is spent)."""
    m = w.staff_member()
    m["secret"] = w.ok(m["browser"].post("/api/me/mfa/setup"))["secret"]
    w.ok(m["browser"].post("/api/me/mfa/confirm", json=_totp(w, m["secret"])()))
    w.clock.advance(30)
    return m


def _mfa_setup_pending(w):
    m = w.staff_member()
    secret = w.ok(m["browser"].post("/api/me/mfa/setup"))["secret"]
    return Call(m["browser"], "POST", "/api/me/mfa/confirm", body=_totp(w, secret))


def _mfa_recovery_codes(w):
    m = _mfa_member(w)
    return Call(m["browser"], "POST", "/api/me/mfa/recovery-codes", body=_totp(w, m["secret"]))


def _mfa_login(w):
    m = _mfa_member(w)
    reply = login(w.gateway.browser(), m["username"], m["password"])
    token = w.ok(reply)["mfa_token"]
    code = _totp(w, m["secret"])
    return Call(w.gateway.browser(), "POST", CLINIC + "/login/mfa", body=lambda: {"mfa_token": token, **code()})


def _mfa_reset_portal_login(w):
    import pyotp

    a = w.self_account()
    secret = w.ok(a["browser"].post("/api/me/mfa/setup"))["secret"]
    w.ok(a["browser"].post("/api/me/mfa/confirm", json={"code": pyotp.TOTP(secret).at(w.clock())}))
    return Call(w.admin(), "POST", f"{LOGINS}/{a['login']}/reset-2fa")


def _fresh_ip(w) -> str:
    """A source IP of its own per request: the recovery routes' per-IP limit never decides a case."""
    n = w.n()
    return f"198.18.{n // 250}.{n % 250}"


def _forgot_password(login_type: str):
    def prepare(w):
        if login_type == "staff":
            username = w.staff_member(sign_in=False, email=True)["username"]
        else:
            username = w.self_account(sign_in=False)["username"]
        return Call(w.gateway.browser(source_ip=_fresh_ip(w)), "POST", CLINIC + "/password/forgot",
                    {"login_type": login_type, "username": username})
    return prepare


def _forgot_username(w):
    member = w.staff_member(sign_in=False, email=True)
    return Call(w.gateway.browser(source_ip=_fresh_ip(w)), "POST", CLINIC + "/username/forgot",
                {"email": member["email"]})


def _reset_token(w) -> str:
    member = w.staff_member(sign_in=False, email=True)
    w.ok(w.gateway.browser(source_ip=_fresh_ip(w)).post(CLINIC + "/password/forgot", json={
        "login_type": "staff", "username": member["username"]}), 202)
    return reset_token_in(sent_messages()[-1])


def _new_staff(invite: bool):
    def prepare(w):
        username = f"New{w.n()}"
        body = {"username": username, "first_name": "Nia", "last_name": "Ewe", "roles": ["clinician"]}
        if invite:
            body.update(email=f"{username.lower()}@sunrise.example", send_invitation=True)
        return Call(w.admin(), "POST", STAFF, body, resend=_staff_resend if invite else None)
    return prepare


def _other_session(w, browser, path="/api/me/sessions") -> str:
    """The session id of a session other than `browser`'s own, from a sessions list."""
    listed = w.ok(browser.get(path))["sessions"]
    return next(s["session_id"] for s in listed if not s["this_device"])


def _end_own_session(w):
    m = w.staff_member()
    w.signed_in(m["username"], m["password"])
    return Call(m["browser"], "DELETE", f"/api/me/sessions/{_other_session(w, m['browser'])}")


def _sign_out_others(w):
    m = w.staff_member()
    for _ in range(2):
        w.signed_in(m["username"], m["password"])
    return Call(m["browser"], "POST", "/api/me/sessions/sign-out-others")


def _end_staff_session(w):
    m = w.staff_member()
    admin = w.admin()
    path = f"{STAFF}/{m['username']}/sessions"
    return Call(admin, "DELETE", f"{path}/{_other_session(w, admin, path)}")


def _login_from_a_new_browser(w):
    w.admin()   # Jane has signed in before: this browser, without her device cookie, is new (an email)
    return Call(w.gateway.browser(), "POST", CLINIC + "/login",
                {"login_type": "staff", "username": "DoeJ", "password": ADMIN_PW})


# ---------------------------------------------------------------- secure messages

MESSAGE = {"topic": "Billing", "subject": "Fault question", "text": "Is my bill right?"}


def _conversation(w, *, assignee: dict | None = None) -> tuple[dict, str]:
    """(a signed-in Self account, its new conversation), assigned to `assignee` if given."""
    a = w.self_account()
    cid = w.ok(a["browser"].post(f"/api/portal/patients/{a['patient']}/messages", json=MESSAGE), 201)[
        "conversation"]["conversation_id"]
    if assignee is not None:
        w.ok(w.admin().post(f"{CLINIC}/conversations/{cid}/assign", json={"assignee": assignee["username"]}))
    return a, cid


def _second_conversation(w):
    """A patient's second conversation: its count items exist already, so each run of
    the flow changes the same items (a first one would create them only once)."""
    a, _ = _conversation(w)
    return Call(a["browser"], "POST", f"/api/portal/patients/{a['patient']}/messages", MESSAGE)


def _patient_reply(assigned: bool):
    def prepare(w):
        a, cid = _conversation(w, assignee=w.staff_member(sign_in=False, email=True) if assigned else None)
        return Call(a["browser"], "POST", f"/api/portal/patients/{a['patient']}/messages/{cid}/replies",
                    {"text": "One more thing"})
    return prepare


def _staff_message_call(action: str, body: dict | None = None, *, closed: bool = False):
    def prepare(w):
        _, cid = _conversation(w)
        m = w.staff_member()   # a staff member of its own: the send limit never decides a case
        if closed:
            w.ok(m["browser"].post(f"{CLINIC}/conversations/{cid}/close"))
        payload = {"assignee": m["username"]} if action == "assign" else body
        return Call(m["browser"], "POST", f"{CLINIC}/conversations/{cid}/{action}", payload)
    return prepare


class KeyClient:
    """The clinic's EHR: a server sending an integration key (no cookies, no Origin)."""

    def __init__(self, gateway, key: str):
        self.gateway, self.key = gateway, key

    def request(self, method, path, *, json=None):
        return self.gateway.browser(origin=None).request(method, path, json=json,
                                                         headers={"authorization": f"Bearer {self.key}"})


INTEGRATION = "/api/integration/v1/patients"
EHR_PATIENT = {"familyName": "Ewe", "givenName": "Nia", "birthDate": "2001-02-03", "city": "Sunrise"}


def _ehr(w) -> KeyClient:
    out = w.ok(w.admin().post(f"{CLINIC}/integration-keys", json={"name": f"EHR {w.n()}", "scopes": ["patients"]}),
               201)
    return KeyClient(w.gateway, out["key"])


def _ehr_put(variant: str):
    def prepare(w):
        client, eid = _ehr(w), f"X{w.n()}"
        if variant == "adopted":
            eid = w.patient()            # a patient staff added: the first PUT adopts it
        elif variant in ("updated", "unchanged", "restored"):
            w.ok(client.request("PUT", f"{INTEGRATION}/{eid}", json=EHR_PATIENT), 201)
            if variant == "restored":
                w.ok(client.request("DELETE", f"{INTEGRATION}/{eid}"))
        body = {**EHR_PATIENT, "city": "Weston"} if variant in ("updated",) else EHR_PATIENT
        return Call(client, "PUT", f"{INTEGRATION}/{eid}", body)
    return prepare


def _ehr_delete(w):
    client, eid = _ehr(w), f"X{w.n()}"
    w.ok(client.request("PUT", f"{INTEGRATION}/{eid}", json=EHR_PATIENT), 201)
    return Call(client, "DELETE", f"{INTEGRATION}/{eid}")


def _revoke_key(w):
    admin = w.admin()
    out = w.ok(admin.post(f"{CLINIC}/integration-keys", json={"name": f"EHR {w.n()}", "scopes": ["patients"]}), 201)
    return Call(admin, "POST", f"{CLINIC}/integration-keys/{out['integration_key']['key_id']}/revoke")


INTEGRATION_RECIPES = {
    ("POST", "/api/clinics/{clinic_id}/integration-keys"): {
        "": lambda w: Call(w.admin(), "POST", f"{CLINIC}/integration-keys",
                           {"name": f"EHR {w.n()}", "scopes": ["patients"]})},
    ("POST", "/api/clinics/{clinic_id}/integration-keys/{key_id}/revoke"): {"": _revoke_key},
    ("PUT", "/api/integration/v1/{resource}/{external_id}"): {
        v: _ehr_put(v) for v in ("created", "adopted", "updated", "unchanged", "restored")},
    ("DELETE", "/api/integration/v1/{resource}/{external_id}"): {"": _ehr_delete},
}


MESSAGE_RECIPES = {
    ("POST", "/api/portal/patients/{patient_id}/messages"): {"": _second_conversation},
    ("POST", "/api/portal/patients/{patient_id}/messages/{conversation_id}/replies"): {
        "unassigned": _patient_reply(False), "assigned": _patient_reply(True)},
    ("POST", "/api/clinics/{clinic_id}/conversations/{conversation_id}/replies"): {
        "": _staff_message_call("replies", {"text": "Yes, it is."})},
    ("POST", "/api/clinics/{clinic_id}/conversations/{conversation_id}/assign"): {"": _staff_message_call("assign")},
    ("POST", "/api/clinics/{clinic_id}/conversations/{conversation_id}/close"): {"": _staff_message_call("close")},
    ("POST", "/api/clinics/{clinic_id}/conversations/{conversation_id}/reopen"): {
        "": _staff_message_call("reopen", closed=True)},
}


# ---------------------------------------------------------------- appointments

SCHEDULE = CLINIC + "/appointments"
QUEUE = CLINIC + "/appointment-requests"


def _slot(w) -> str:
    """A day of its own for each case, so every run of a flow does the same: its slots and
    the day registry's item are new each time. The first call books once for PatelR, so
    the provider's counter item exists from then on (each run then changes it alike)."""
    from datetime import date, timedelta

    if not getattr(w, "provider_counted", False):
        w.provider_counted = True
        w.ok(w.admin().post(SCHEDULE, json={"patient_id": w.patient(), "provider": "PatelR",
                                             "start": "2030-12-31T09:00:00Z", "minutes": 30}), 201)
    return f"{date(2031, 1, 1) + timedelta(days=w.n())}T09:00:00Z"


def _appointment(w, **extra) -> tuple[str, str]:
    """(a new appointment's id, its patient), booked by the admin for a patient of its own."""
    pid = w.patient()
    out = w.ok(w.admin().post(SCHEDULE, json={"patient_id": pid, "provider": "PatelR", "start": _slot(w),
                                               "minutes": 30, **extra}), 201)
    return out["appointment"]["appointment_id"], pid


def _patient_with_appointment(w) -> tuple[dict, str]:
    a = w.self_account()
    out = w.ok(w.admin().post(SCHEDULE, json={"patient_id": a["patient"], "provider": "PatelR",
                                               "start": _slot(w), "minutes": 30}), 201)
    return a, out["appointment"]["appointment_id"]


def _appointment_request(w) -> str:
    a = w.self_account()
    if not getattr(w, "requests_counted", False):
        # the clinic's count item exists from then on, so every run changes the same items
        w.ok(a["browser"].post(f"/api/portal/patients/{a['patient']}/appointment-requests",
                               json={"reason": "Warm-up"}), 201)
        w.requests_counted = True
    out = w.ok(a["browser"].post(f"/api/portal/patients/{a['patient']}/appointment-requests",
                                 json={"reason": "Check-up", "preferred": "Mornings"}), 201)
    return out["appointment_request"]["request_id"]


def _patient_request(w):
    a = w.self_account()
    w.ok(a["browser"].post(f"/api/portal/patients/{a['patient']}/appointment-requests", json={"reason": "First"}), 201)
    return Call(a["browser"], "POST", f"/api/portal/patients/{a['patient']}/appointment-requests",
                {"reason": "Check-up", "preferred": "Mornings"})


def _patient_cancel(w):
    a, aid = _patient_with_appointment(w)
    return Call(a["browser"], "POST", f"/api/portal/patients/{a['patient']}/appointments/{aid}/cancel")


APPOINTMENT_RECIPES = {
    ("POST", "/api/clinics/{clinic_id}/appointments"): {
        "": lambda w: Call(w.admin(), "POST", SCHEDULE, {"patient_id": w.patient(), "provider": "PatelR",
                                                         "start": _slot(w), "minutes": 30, "reason": "Fault"})},
    ("PATCH", "/api/clinics/{clinic_id}/appointments/{appointment_id}"): {
        "": lambda w: Call(w.admin(), "PATCH", f"{SCHEDULE}/{_appointment(w)[0]}", {"start": _slot(w)})},
    ("POST", "/api/clinics/{clinic_id}/appointments/{appointment_id}/status"): {
        "": lambda w: Call(w.admin(), "POST", f"{SCHEDULE}/{_appointment(w)[0]}/status", {"status": "arrived"})},
    ("POST", "/api/clinics/{clinic_id}/appointments/{appointment_id}/cancel"): {
        "": lambda w: Call(w.admin(), "POST", f"{SCHEDULE}/{_appointment(w)[0]}/cancel", {"note": "Fault"})},
    ("POST", "/api/clinics/{clinic_id}/appointment-requests/{appointment_request_id}/book"): {
        "": lambda w: Call(w.admin(), "POST", f"{QUEUE}/{_appointment_request(w)}/book",
                           {"provider": "PatelR", "start": _slot(w), "minutes": 30})},
    ("POST", "/api/clinics/{clinic_id}/appointment-requests/{appointment_request_id}/decline"): {
        "": lambda w: Call(w.admin(), "POST", f"{QUEUE}/{_appointment_request(w)}/decline", {"note": "Full"})},
    ("POST", "/api/portal/patients/{patient_id}/appointment-requests"): {"": _patient_request},
    ("POST", "/api/portal/patients/{patient_id}/appointments/{appointment_id}/cancel"): {"": _patient_cancel},
}


# (METHOD, route) -> {variant: prepare(world) -> Call}. A write route without one fails
# `test_every_write_route_has_a_recipe`: add a recipe here that builds one valid request.
RECIPES: dict[tuple[str, str], dict[str, Callable]] = {
    ("POST", "/api/clinics/{clinic_id}/captcha/local-token"): {
        "": lambda w: Call(w.gateway.browser(), "POST", CLINIC + "/captcha/local-token")},
    ("POST", "/api/clinics/{clinic_id}/login"): {
        "staff": lambda w: Call(w.gateway.browser(), "POST", CLINIC + "/login",
                                {"login_type": "staff", "username": "DoeJ", "password": ADMIN_PW}),
        "patient": lambda w: Call(w.gateway.browser(), "POST", CLINIC + "/login",
                                  {"login_type": "patient", "username": "ann@example.com", "password": PATIENT_PW}),
        "new_browser": _login_from_a_new_browser},
    ("DELETE", "/api/me/sessions/{session_id}"): {"": _end_own_session},
    ("POST", "/api/me/sessions/sign-out-others"): {"": _sign_out_others},
    ("DELETE", "/api/clinics/{clinic_id}/staff/{username}/sessions/{session_id}"): {"": _end_staff_session},
    ("POST", "/api/logout"): {
        "": lambda w: Call(w.admin(), "POST", "/api/logout")},
    ("POST", "/api/me/password"): {"": _change_password},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts"): {
        "invited": lambda w: Call(w.admin(), "POST", ACCOUNTS, rep_body(username=f"new{w.n()}@example.org"),
                                  resend=_account_resend),
        "password": lambda w: Call(w.admin(), "POST", ACCOUNTS, self_body(username=f"new{w.n()}@example.org",
                                                                         patient_id=w.patient())),
        "access_added": lambda w: Call(w.admin(), "POST", ACCOUNTS,
                                       rep_body(username=w.self_account(sign_in=False)["username"],
                                                patient_id=w.patient()))},
    ("PATCH", "/api/clinics/{clinic_id}/portal-accounts/{account_id}"): {
        "": lambda w: Call(w.admin(), "PATCH", f"{ACCOUNTS}/{w.self_account()['id']}",
                           {"permissions": ["appointments", "messages"], "first_name": "Anne"})},
    ("DELETE", "/api/clinics/{clinic_id}/portal-accounts/{account_id}"): {
        "": lambda w: Call(w.admin(), "DELETE", f"{ACCOUNTS}/{w.self_account()['id']}")},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/disable"): {
        "": lambda w: Call(w.admin(), "POST", f"{ACCOUNTS}/{w.self_account()['id']}/disable")},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/enable"): {"": _enable_account},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/force-password-change"): {
        "": lambda w: Call(w.admin(), "POST", f"{ACCOUNTS}/{w.self_account()['id']}/force-password-change")},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/reset-password"): {
        "": lambda w: Call(w.admin(), "POST", f"{ACCOUNTS}/{w.self_account()['id']}/reset-password")},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/resend-invitation"): {
        "": lambda w: Call(w.admin(), "POST", f"{ACCOUNTS}/{w.rep_account()['id']}/resend-invitation",
                           resend=lambda w, reply: f"{ACCOUNTS}/{reply.json()['account']['account_id']}"
                                                   "/resend-invitation")},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/form-requests"): {
        "": lambda w: Call(w.admin(), "POST", f"{ACCOUNTS}/{w.self_account(sign_in=False)['id']}/form-requests",
                           {"template_id": w.form_template(), "note": "Before your visit"})},
    ("POST", "/api/clinics/{clinic_id}/portal-accounts/{account_id}/form-requests/{request_id}/cancel"): {
        "": _cancel_form},
    ("PUT", "/api/portal/patients/{patient_id}/form-requests/{request_id}/draft"): {
        "": _patient_form("draft", "PUT")},
    ("POST", "/api/portal/patients/{patient_id}/form-requests/{request_id}/submit"): {
        "": _patient_form("submit", "POST")},
    ("POST", "/api/clinics/{clinic_id}/form-templates"): {
        "": lambda w: Call(w.admin(), "POST", f"{CLINIC}/form-templates", {"name": "Consent", "fields": [
            {"key": "signed", "label": "I agree", "type": "yes_no", "required": True}]})},
    ("PATCH", "/api/clinics/{clinic_id}/form-templates/{template_id}"): {"": _template_action("")},
    ("POST", "/api/clinics/{clinic_id}/form-templates/{template_id}/archive"): {"": _template_action("archive")},
    ("POST", "/api/clinics/{clinic_id}/form-templates/{template_id}/restore"): {"": _template_action("restore")},
    ("POST", "/api/clinics/{clinic_id}/form-submissions/{request_id}/mark-reviewed"): {
        "": lambda w: Call(w.admin(), "POST", f"{CLINIC}/form-submissions/{w.submitted_form()}/mark-reviewed")},
    ("POST", "/api/portal/patients/{patient_id}/select"): {
        "": lambda w: (lambda a: Call(a["browser"], "POST", f"/api/portal/patients/{a['other']}/select"))(
            w.two_patient_login())},
    ("POST", "/api/clinics/{clinic_id}/portal-logins/{login_id}/disable"): {
        "": lambda w: Call(w.admin(), "POST", f"{LOGINS}/{w.self_account()['login']}/disable")},
    ("POST", "/api/clinics/{clinic_id}/portal-logins/{login_id}/enable"): {"": _enable_login},
    ("POST", "/api/clinics/{clinic_id}/portal-logins/{login_id}/force-password-change"): {
        "": lambda w: Call(w.admin(), "POST", f"{LOGINS}/{w.self_account()['login']}/force-password-change")},
    ("POST", "/api/clinics/{clinic_id}/portal-logins/{login_id}/reset-password"): {
        "": lambda w: Call(w.admin(), "POST", f"{LOGINS}/{w.self_account()['login']}/reset-password")},
    ("POST", "/api/clinics/{clinic_id}/portal-logins/{login_id}/resend-invitation"): {
        "": lambda w: Call(w.admin(), "POST", f"{LOGINS}/{w.rep_account()['login']}/resend-invitation",
                           resend=_login_resend)},
    ("PATCH", "/api/clinics/{clinic_id}/settings"): {"": _settings_change},
    ("POST", "/api/clinics/{clinic_id}/staff"): {"invited": _new_staff(True), "password": _new_staff(False)},
    ("PATCH", "/api/clinics/{clinic_id}/staff/{username}"): {
        "": lambda w: Call(w.admin(), "PATCH", f"{STAFF}/{w.staff_member()['username']}",
                           {"roles": ["front_desk"], "last_name": "Ulta"})},
    ("POST", "/api/clinics/{clinic_id}/staff/{username}/disable"): {
        "": lambda w: Call(w.admin(), "POST", f"{STAFF}/{w.staff_member()['username']}/disable")},
    ("POST", "/api/clinics/{clinic_id}/staff/{username}/enable"): {"": _enable_staff},
    ("POST", "/api/clinics/{clinic_id}/staff/{username}/reset-password"): {
        "": lambda w: Call(w.admin(), "POST", f"{STAFF}/{w.staff_member()['username']}/reset-password")},
    ("POST", "/api/clinics/{clinic_id}/staff/{username}/resend-invitation"): {
        "": lambda w: Call(w.admin(), "POST", f"{STAFF}/{w.invited_staff()['username']}/resend-invitation",
                           resend=lambda w, reply: f"{STAFF}/{reply.json()['staff']['username']}"
                                                   "/resend-invitation")},
    ("POST", "/api/clinics/{clinic_id}/patients"): {
        "id": lambda w: Call(w.admin(), "POST", PATIENTS, {"patient_id": f"N{w.n()}", "first_name": "Nia",
                                                           "last_name": "Ewe", "date_of_birth": "2001-02-03",
                                                           "phone": "+1 555 010 0100"}),
        "generated": lambda w: Call(w.admin(), "POST", PATIENTS, {"first_name": "Gen", "last_name": "Ewe",
                                                                  "date_of_birth": "2001-02-03"})},
    ("PATCH", "/api/clinics/{clinic_id}/patients/{patient_id}"): {
        "": lambda w: Call(w.admin(), "PATCH", f"{PATIENTS}/{w.patient()}",
                           {"last_name": "Aultman", "city": "Sunrise"}),
        # a rename rewrites the patient's grants (User Management's search keys) in the same transaction
        "renamed_with_grant": lambda w: Call(w.admin(), "PATCH",
                                             f"{PATIENTS}/{w.self_account(sign_in=False)['patient']}",
                                             {"first_name": "Fernanda"})},
    ("POST", "/api/invitations/accept"): {
        "": lambda w: Call(w.gateway.browser(), "POST", "/api/invitations/accept",
                           {"token": w.rep_account()["token"], "password": STRONG_PW})},
    ("POST", "/api/clinics/{clinic_id}/password/forgot"): {
        "staff": _forgot_password("staff"), "patient": _forgot_password("patient")},
    ("POST", "/api/clinics/{clinic_id}/username/forgot"): {"": _forgot_username},
    ("POST", "/api/password/reset"): {
        "": lambda w: Call(w.gateway.browser(), "POST", "/api/password/reset",
                           {"token": _reset_token(w), "password": STRONG_PW})},
    ("POST", "/api/password/reset/lookup"): {
        "": lambda w: Call(w.gateway.browser(), "POST", "/api/password/reset/lookup", {"token": _reset_token(w)})},
    ("POST", "/api/clinics/{clinic_id}/staff/{username}/unlock"): {
        "": lambda w: Call(w.admin(), "POST", f"{STAFF}/{w.staff_member(sign_in=False)['username']}/unlock")},
    ("POST", "/api/clinics/{clinic_id}/portal-logins/{login_id}/unlock"): {
        "": lambda w: Call(w.admin(), "POST", f"{LOGINS}/{w.self_account(sign_in=False)['login']}/unlock")},
    ("POST", "/api/clinics/{clinic_id}/login/mfa"): {"": _mfa_login},
    ("POST", "/api/me/mfa/setup"): {"": lambda w: Call(w.staff_member()["browser"], "POST", "/api/me/mfa/setup")},
    ("POST", "/api/me/mfa/confirm"): {"": _mfa_setup_pending},
    ("POST", "/api/me/mfa/recovery-codes"): {"": _mfa_recovery_codes},
    ("POST", "/api/me/mfa/disable"): {
        "password": lambda w: (lambda m: Call(m["browser"], "POST", "/api/me/mfa/disable",
                                              {"password": m["password"]}))(_mfa_member(w))},
    ("POST", "/api/clinics/{clinic_id}/staff/{username}/reset-2fa"): {
        "": lambda w: Call(w.admin(), "POST", f"{STAFF}/{_mfa_member(w)['username']}/reset-2fa")},
    ("POST", "/api/clinics/{clinic_id}/portal-logins/{login_id}/reset-2fa"): {"": _mfa_reset_portal_login},
    ("POST", "/api/invitations/lookup"): {
        "": lambda w: Call(w.gateway.browser(), "POST", "/api/invitations/lookup",
                           {"token": w.rep_account()["token"]})},
}
RECIPES.update(MESSAGE_RECIPES)
RECIPES.update(APPOINTMENT_RECIPES)

from tests.api.fault_recipes_documents import DOCUMENT_RECIPES  # noqa: E402 - uses Call, defined above

RECIPES.update(DOCUMENT_RECIPES)


# ---------------------------------------------------------------- refills and billing

MED = {"name": "Fault tablets", "dose": "5 mg", "refills_left": 2}
LINES = [{"service_date": "2026-11-02", "description": "Visit", "charge_cents": 12050}]


def _medication(w, patient_id: str | None = None) -> tuple[str, str]:
    pid = patient_id or w.patient()
    out = w.ok(w.admin().post(f"{CLINIC}/medications/{pid}", json=MED), 201)
    return pid, out["medication"]["medication_id"]


def _refill_asker(w) -> dict:
    """A Self account with the refills section, signed in, and a medication of its patient."""
    a = w.self_account(sign_in=False)
    w.ok(w.admin().patch(f"{ACCOUNTS}/{a['id']}", json={"permissions": ["refills", "billing"]}))
    a["browser"] = w.signed_in(a["username"], a["password"], "patient")
    _, a["medication"] = _medication(w, a["patient"])
    return a


def _ask_refill(w):
    """A second request of the patient: its count items exist already, so each run of
    the flow changes the same items (a first one would create them only once)."""
    a = _refill_asker(w)
    w.ok(a["browser"].post(f"/api/portal/patients/{a['patient']}/refill-requests",
                           json={"medication_id": a["medication"], "pharmacy": "Fault Pharmacy"}), 201)
    _, a["medication"] = _medication(w, a["patient"])
    return Call(a["browser"], "POST", f"/api/portal/patients/{a['patient']}/refill-requests",
                {"medication_id": a["medication"], "pharmacy": "Fault Pharmacy"})


def _decide_refill(action: str):
    def prepare(w):
        a = _refill_asker(w)
        rid = w.ok(a["browser"].post(f"/api/portal/patients/{a['patient']}/refill-requests",
                                     json={"medication_id": a["medication"], "pharmacy": "Fault Pharmacy"}),
                   201)["refill_request"]["request_id"]
        return Call(w.admin(), "POST", f"{CLINIC}/refill-requests/{rid}/{action}", {"note": "Done"})
    return prepare


def _change_medication(w):
    pid, mid = _medication(w)
    return Call(w.admin(), "PATCH", f"{CLINIC}/medications/{pid}/{mid}", {"refills_left": 5})


def _statement(w):
    """A patient's second statement (the first made the patient's counter item)."""
    pid = w.patient()
    w.ok(w.admin().post(f"{CLINIC}/billing/{pid}/statements", json={
        "statement_date": "2026-11-01", "due_date": "2026-12-15", "lines": LINES}), 201)
    return Call(w.admin(), "POST", f"{CLINIC}/billing/{pid}/statements",
                {"statement_date": "2026-12-01", "due_date": "2027-01-15", "lines": LINES})


def _record_payment(w):
    pid = w.patient()
    sid = w.ok(w.admin().post(f"{CLINIC}/billing/{pid}/statements", json={
        "statement_date": "2026-12-01", "due_date": "2027-01-15", "lines": LINES}), 201)["statement"]["statement_id"]
    return Call(w.admin(), "POST", f"{CLINIC}/billing/{pid}/statements/{sid}/payments",
                {"amount_cents": 2050, "received_date": "2026-12-05"})


SECTION_RECIPES = {
    ("POST", "/api/clinics/{clinic_id}/medications/{patient_id}"): {
        "": lambda w: Call(w.admin(), "POST", f"{CLINIC}/medications/{w.patient()}", MED)},
    ("PATCH", "/api/clinics/{clinic_id}/medications/{patient_id}/{medication_id}"): {"": _change_medication},
    ("POST", "/api/portal/patients/{patient_id}/refill-requests"): {"": _ask_refill},
    ("POST", "/api/clinics/{clinic_id}/refill-requests/{request_id}/approve"): {"": _decide_refill("approve")},
    ("POST", "/api/clinics/{clinic_id}/refill-requests/{request_id}/deny"): {"": _decide_refill("deny")},
    ("POST", "/api/clinics/{clinic_id}/billing/{patient_id}/statements"): {"": _statement},
    ("POST", "/api/clinics/{clinic_id}/billing/{patient_id}/statements/{statement_id}/payments"): {
        "": _record_payment},
}
RECIPES.update(SECTION_RECIPES)

RECIPES.update(INTEGRATION_RECIPES)

# -- integration API: appointments and results
from tests.api.fault_recipes_ehr import EHR_RECIPES  # noqa: E402 - uses Call and KeyClient, defined above

RECIPES.update(EHR_RECIPES)

# The integration API's medications and statements (variants of its PUT and DELETE).
from tests.api.fault_recipes_ehrmed import add_to as _add_ehrmed  # noqa: E402 - needs the names above

_add_ehrmed(RECIPES)

from tests.api.fault_recipes_passkeys import PASSKEY_RECIPES  # noqa: E402 - uses Call, defined above

RECIPES.update(PASSKEY_RECIPES)
