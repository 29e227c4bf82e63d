"""Real replies of the management routes (patients, portal accounts, form requests,
invitations, staff, settings) checked against docs/openapi.yaml: a success reply
of every operation, and the error codes people will meet."""
import pytest

from tests.api.test_openapi import Wire, load_doc, operations
from tests.auth.mfa_helpers import enrolled_now
from tests.conftest import ADMIN_PW, CLINICIAN_PW, PATIENT_PW, login
from tests.portal_helpers import (
    CONSENT_ANSWERS,
    CONSENT_FIELDS,
    STRONG_PW,
    ann_account_id,
    desk,
    form_template,
    lakeside_admin,
    patient,
    rep_body,
    self_body,
    sent_messages,
    signed_in,
    token_in,
)

MANAGEMENT = ("/api/clinics/{clinic_id}/patients", "/api/clinics/{clinic_id}/portal-accounts",
              "/api/clinics/{clinic_id}/form-templates", "/api/clinics/{clinic_id}/form-submissions",
              "/api/clinics/{clinic_id}/portal-logins",
              "/api/clinics/{clinic_id}/staff", "/api/clinics/{clinic_id}/settings", "/api/portal/",
              "/api/invitations/", "/api/clinics/{clinic_id}/workspace")

SECTION_WIRE = tuple(f"/api/portal/patients/{{patient_id}}/{name}"
                     for name in ("medications", "refill-requests", "statements"))

P = "/api/clinics/{clinic_id}/patients"
PID = P + "/{patient_id}"
A = "/api/clinics/{clinic_id}/portal-accounts"
AID = A + "/{account_id}"
F = AID + "/form-requests"
FID = F + "/{request_id}"
S = "/api/clinics/{clinic_id}/staff"
SID = S + "/{username}"
SET = "/api/clinics/{clinic_id}/settings"
MINE = "/api/portal/form-requests"
PP = "/api/portal/patients"
L = "/api/clinics/{clinic_id}/portal-logins/{login_id}"
LOOKUP = "/api/invitations/lookup"
ACCEPT = "/api/invitations/accept"


def test_management_wire_matches_document(gateway, seeded):
    w = Wire()
    staff = desk(gateway)
    admin = signed_in(gateway, "DoeJ", ADMIN_PW)
    base = "/api/clinics/SUNRISE"

    # Patients.
    w.check(staff.get(f"{base}/patients?q=lee"), "GET", P)
    w.check(staff.get(f"{base}/patients?cursor=bad"), "GET", P, code="invalid_cursor")
    w.check(staff.get(f"{base}/patients/P100"), "GET", PID)
    w.check(staff.get(f"{base}/patients/P999"), "GET", PID, code="patient_not_found")
    w.check(signed_in(gateway, "PatelR", CLINICIAN_PW).get(f"{base}/patients"), "GET", P, code="forbidden")
    new_patient = {"patient_id": "P300", "first_name": "Ivy", "last_name": "Lee", "date_of_birth": "2010-03-04",
                   "phone": "(555) 010-0123", "postal_code": "94000"}
    w.check(staff.post(f"{base}/patients", json=new_patient), "POST", P)
    w.check(staff.post(f"{base}/patients", json=new_patient), "POST", P, code="patient_exists")
    w.check(staff.post(f"{base}/patients", json=dict(new_patient, date_of_birth="2999-01-01")), "POST", P,
            code="invalid_request")
    w.check(staff.post(f"{base}/patients", json={"first_name": "Gen", "last_name": "Id",
                                                 "date_of_birth": "2000-01-01"}), "POST", P)
    w.check(staff.patch(f"{base}/patients/P300", json={"city": "Sunrise"}, headers={"If-Match": '"0"'}),
            "PATCH", PID)
    w.check(staff.patch(f"{base}/patients/P300", json={"city": "Dawn"}, headers={"If-Match": '"0"'}),
            "PATCH", PID, code="conflict")
    w.check(staff.patch(f"{base}/patients/P999", json={"city": "Dawn"}), "PATCH", PID, code="patient_not_found")
    w.check(signed_in(gateway, "PatelR", CLINICIAN_PW).patch(f"{base}/patients/P300", json={"city": "X"}),
            "PATCH", PID, code="forbidden")

    # Portal accounts: create both kinds, and the ways creating fails.
    r = w.check(staff.post(f"{base}/portal-accounts", json=rep_body()), "POST", A)
    rep_id = r.json()["account"]["account_id"]
    token = token_in(sent_messages()[-1])
    r = w.check(staff.post(f"{base}/portal-accounts", json=self_body()), "POST", A)
    self_id = r.json()["account"]["account_id"]
    w.check(staff.post(f"{base}/portal-accounts", json=self_body()), "POST", A, code="grant_exists")
    w.check(staff.post(f"{base}/portal-accounts", json=self_body(patient_id="P100", username="s2@example.com")),
            "POST", A, code="self_account_exists")

    w.check(staff.post(f"{base}/portal-accounts", json=rep_body(username="x@example.com", patient_id="L200")),
            "POST", A, code="patient_not_found")
    w.check(staff.post(f"{base}/portal-accounts", json=rep_body(permissions=["x"])), "POST", A,
            code="invalid_permission")
    w.check(staff.post(f"{base}/portal-accounts", json=rep_body(username="nope")), "POST", A, code="invalid_email")
    w.check(staff.post(f"{base}/portal-accounts", body=b"{", headers={"content-type": "application/json"}),
            "POST", A, code="invalid_json")
    w.check(lakeside_admin(gateway).post(f"{base}/portal-accounts", json=rep_body()), "POST", A,
            code="wrong_clinic")

    # Invitations.
    w.check(gateway.browser().post("/api/invitations/lookup", json={"token": token}), "POST", LOOKUP)
    w.check(gateway.browser().post("/api/invitations/accept", json={"token": token, "password": "short"}),
            "POST", ACCEPT, code="password_policy")
    w.check(gateway.browser().post("/api/invitations/accept", json={"token": token, "password": STRONG_PW}),
            "POST", ACCEPT)
    w.check(gateway.browser().post("/api/invitations/accept", json={"token": token, "password": STRONG_PW}),
            "POST", ACCEPT, code="token_invalid")
    w.check(gateway.browser().post("/api/invitations/lookup", json={"token": token}), "POST", LOOKUP,
            code="token_invalid")

    # User Management and the account's actions.
    w.check(staff.get(f"{base}/portal-accounts?status=enabled"), "GET", A)
    w.check(staff.get(f"{base}/portal-accounts?status=sometimes"), "GET", A, code="invalid_request")
    w.check(staff.get(f"{base}/portal-accounts/{self_id}"), "GET", AID)
    w.check(staff.get(f"{base}/portal-accounts/0123456789abcdef0123456789abcdef"), "GET", AID,
            code="account_not_found")
    w.check(staff.patch(f"{base}/portal-accounts/{rep_id}", json={"permissions": ["forms", "billing"]}),
            "PATCH", AID)
    w.check(staff.patch(f"{base}/portal-accounts/{rep_id}", json={"username": "x@example.com"}),
            "PATCH", AID, code="invalid_request")
    w.check(staff.post(f"{base}/portal-accounts/{rep_id}/force-password-change"), "POST",
            AID + "/force-password-change")
    w.check(staff.post(f"{base}/portal-accounts/{rep_id}/reset-password"), "POST", AID + "/reset-password")
    w.check(staff.post(f"{base}/portal-accounts/{rep_id}/resend-invitation"), "POST", AID + "/resend-invitation",
            code="not_invited")
    w.check(staff.post(f"{base}/portal-accounts/{rep_id}/disable"), "POST", AID + "/disable")
    w.check(staff.post(f"{base}/portal-accounts/{rep_id}/enable"), "POST", AID + "/enable")
    r = w.check(staff.post(f"{base}/portal-accounts", json=rep_body(username="rep2@example.com")), "POST", A)
    invited_id = r.json()["account"]["account_id"]
    w.check(staff.post(f"{base}/portal-accounts/{invited_id}/resend-invitation"), "POST",
            AID + "/resend-invitation")
    w.check(staff.post(f"{base}/portal-accounts/{invited_id}/reset-password"), "POST", AID + "/reset-password",
            code="invitation_pending")

    # Form requests.
    tid = form_template(staff, "Consent", CONSENT_FIELDS)
    r = w.check(staff.post(f"{base}/portal-accounts/{rep_id}/form-requests",
                           json={"template_id": tid, "due_date": "2031-05-01"}), "POST", F)
    request_id = r.json()["form_request"]["request_id"]
    w.check(staff.post(f"{base}/portal-accounts/{ann_account_id(staff)}/form-requests", json={"template_id": tid}),
            "POST", F, code="forms_not_permitted")
    w.check(staff.get(f"{base}/portal-accounts/{rep_id}/form-requests"), "GET", F)
    temp = staff.post(f"{base}/portal-accounts/{rep_id}/reset-password").json()["credentials"]["temporary_password"]
    rep = gateway.browser()
    login(rep, "rep@example.com", temp, login_type="patient")
    assert rep.post("/api/me/password", json={"current_password": temp, "new_password": STRONG_PW}).status == 204
    w.check(rep.get("/api/portal/form-requests"), "GET", MINE)
    w.check(patient(gateway).get("/api/portal/form-requests"), "GET", MINE, code="section_not_permitted")
    one = PP + "/{patient_id}/form-requests/{request_id}"
    w.check(rep.get(f"{PP}/P100/form-requests/{request_id}"), "GET", one)
    w.check(rep.put(f"{PP}/P100/form-requests/{request_id}/draft", json={"answers": {"full_name": "Rita"}}),
            "PUT", one + "/draft")
    w.check(rep.put(f"{PP}/P100/form-requests/{request_id}/draft", json={"answers": {"colour": "red"}}),
            "PUT", one + "/draft", code="unknown_field")
    w.check(rep.post(f"{PP}/P100/form-requests/{request_id}/submit", json={"answers": {"full_name": "Rita"}}),
            "POST", one + "/submit", code="answer_required")
    w.check(rep.post(f"{PP}/P100/form-requests/{request_id}/submit", json={"answers": CONSENT_ANSWERS}),
            "POST", one + "/submit")
    w.check(rep.post(f"{PP}/P100/form-requests/{request_id}/submit", json={"answers": CONSENT_ANSWERS}),
            "POST", one + "/submit", code="form_request_closed")
    # Form templates and submitted forms (the front desk holds both permissions).
    T, SUB = "/api/clinics/{clinic_id}/form-templates", "/api/clinics/{clinic_id}/form-submissions"
    w.check(staff.get(f"{base}/form-templates"), "GET", T)
    r = w.check(staff.post(f"{base}/form-templates", json={"name": "Visit survey", "fields": CONSENT_FIELDS}),
                "POST", T)
    t2 = f"{base}/form-templates/" + r.json()["form_template"]["template_id"]
    w.check(staff.post(f"{base}/form-templates", json={"name": "X", "fields": []}), "POST", T, code="invalid_request")
    w.check(staff.get(t2), "GET", T + "/{template_id}")
    w.check(staff.get(f"{base}/form-templates/{'0' * 32}"), "GET", T + "/{template_id}",
            code="form_template_not_found")
    w.check(staff.patch(t2, json={"name": "Visit survey 2"}, headers={"If-Match": '"0"'}), "PATCH",
            T + "/{template_id}")
    w.check(staff.patch(t2, json={"name": "Visit survey 3"}, headers={"If-Match": '"0"'}), "PATCH",
            T + "/{template_id}", code="conflict")
    w.check(staff.post(t2 + "/archive"), "POST", T + "/{template_id}/archive")
    w.check(staff.post(t2 + "/restore"), "POST", T + "/{template_id}/restore")
    w.check(staff.get(f"{base}/form-submissions"), "GET", SUB)
    w.check(staff.get(f"{base}/form-submissions/{request_id}"), "GET", SUB + "/{request_id}")
    w.check(staff.post(f"{base}/form-submissions/{request_id}/mark-reviewed"), "POST",
            SUB + "/{request_id}/mark-reviewed")
    w.check(staff.post(f"{base}/form-submissions/{request_id}/mark-reviewed"), "POST",
            SUB + "/{request_id}/mark-reviewed", code="form_already_reviewed")
    w.check(staff.get(f"{base}/form-submissions?status=reviewed"), "GET", SUB)
    # Per patient: the same person for another patient (one more grant), the picker,
    # the selection, a patient-side route named by patient.
    r = w.check(staff.post(f"{base}/portal-accounts", json=rep_body(patient_id="P102", permissions=["billing"])),
                "POST", A)
    assert r.json()["access_added"] is True
    second_id = r.json()["account"]["account_id"]
    r = w.check(rep.get(PP), "GET", PP)
    assert [i["patient_id"] for i in r.json()["items"]] == ["P100", "P102"]
    w.check(rep.post(f"{PP}/P102/select"), "POST", PP + "/{patient_id}/select")
    w.check(rep.post(f"{PP}/P101/select"), "POST", PP + "/{patient_id}/select", code="no_patient_access")
    w.check(rep.get(f"{PP}/P100/form-requests"), "GET", PP + "/{patient_id}/form-requests")
    w.check(rep.get(f"{PP}/P102/form-requests"), "GET", PP + "/{patient_id}/form-requests",
            code="section_not_permitted")
    w.check(rep.get(f"{PP}/P100/form-requests?status=submitted"), "GET", PP + "/{patient_id}/form-requests")
    w.check(staff.get(f"{PP}"), "GET", PP, code="forbidden")
    # The patient home (and its 304), refused for another patient and for staff.
    HOME = PP + "/{patient_id}/home"
    r = w.check(rep.get(f"{PP}/P100/home"), "GET", HOME)
    w.check(rep.get(f"{PP}/P100/home", headers={"If-None-Match": r.header("ETag"), "X-Portal-Background": "1"}),
            "GET", HOME)
    w.check(rep.get(f"{PP}/P102/home"), "GET", HOME)
    w.check(rep.get(f"{PP}/P101/home"), "GET", HOME, code="no_patient_access")
    w.check(staff.get(f"{PP}/P100/home"), "GET", HOME, code="forbidden")
    # The staff workspace.
    WS = "/api/clinics/{clinic_id}/workspace"
    r = w.check(staff.get(f"{base}/workspace"), "GET", WS)
    w.check(staff.get(f"{base}/workspace", headers={"If-None-Match": r.header("ETag")}), "GET", WS)
    w.check(rep.get(f"{base}/workspace"), "GET", WS, code="forbidden")
    # The login as a whole.
    login_id = staff.get(f"{base}/portal-accounts/{second_id}").json()["account"]["login"]["login_id"]
    w.check(staff.get(f"{base}/portal-logins/{login_id}"), "GET", L)
    w.check(staff.post(f"{base}/portal-logins/{login_id}/force-password-change"), "POST",
            L + "/force-password-change")
    w.check(staff.post(f"{base}/portal-logins/{login_id}/resend-invitation"), "POST", L + "/resend-invitation",
            code="not_invited")
    w.check(staff.post(f"{base}/portal-logins/{login_id}/reset-password"), "POST", L + "/reset-password")
    w.check(staff.post(f"{base}/portal-logins/{login_id}/unlock"), "POST", L + "/unlock")
    w.check(staff.post(f"{base}/portal-logins/{login_id}/reset-2fa"), "POST", L + "/reset-2fa",
            code="mfa_not_enabled")
    ann = [r for r in staff.get(f"{base}/portal-accounts").json()["items"] if r["username"] == "ann@example.com"]
    enrolled_now(gateway, "ann@example.com", PATIENT_PW, "patient")
    w.check(staff.post(f"{base}/portal-logins/{ann[0]['login']['login_id']}/reset-2fa"), "POST", L + "/reset-2fa")
    w.check(staff.post(f"{base}/portal-logins/{login_id}/disable"), "POST", L + "/disable")
    w.check(staff.post(f"{base}/portal-logins/{login_id}/enable"), "POST", L + "/enable")
    invited_login = staff.get(f"{base}/portal-accounts/{invited_id}").json()["account"]["login"]["login_id"]
    w.check(staff.post(f"{base}/portal-logins/{invited_login}/resend-invitation"), "POST", L + "/resend-invitation")
    w.check(staff.post(f"{base}/portal-logins/{invited_login}/reset-password"), "POST", L + "/reset-password",
            code="invitation_pending")
    w.check(staff.get(f"{base}/portal-logins/0123456789abcdef0123456789abcdef"), "GET", L,
            code="account_not_found")
    w.check(staff.get(f"{base}/portal-accounts/{rep_id}/form-requests/{request_id}"), "GET", FID)
    other = staff.post(f"{base}/portal-accounts/{rep_id}/form-requests", json={"template_id": tid}).json()
    w.check(staff.post(f"{base}/portal-accounts/{rep_id}/form-requests/{other['form_request']['request_id']}/cancel"),
            "POST", FID + "/cancel")
    w.check(staff.post(f"{base}/portal-accounts/{rep_id}/form-requests/{request_id}/cancel"), "POST",
            FID + "/cancel", code="form_request_closed")

    w.check(staff.delete(f"{base}/portal-accounts/{rep_id}"), "DELETE", AID)
    w.check(staff.delete(f"{base}/portal-accounts/{rep_id}"), "DELETE", AID, code="account_not_found")

    # Staff management.
    new = {"username": "LopezM", "first_name": "Maria", "last_name": "Lopez", "email": "maria@sunrise.example",
           "roles": ["front_desk"]}
    w.check(admin.post(f"{base}/staff", json=new), "POST", S)
    w.check(admin.post(f"{base}/staff", json=new), "POST", S, code="username_taken")
    w.check(staff.post(f"{base}/staff", json=new), "POST", S, code="forbidden")
    w.check(admin.get(f"{base}/staff"), "GET", S)
    w.check(admin.get(f"{base}/staff/lopezm"), "GET", SID)
    w.check(admin.get(f"{base}/staff/nobody"), "GET", SID, code="staff_not_found")
    w.check(admin.patch(f"{base}/staff/lopezm", json={"roles": ["front_desk", "clinician"]}), "PATCH", SID)
    w.check(admin.patch(f"{base}/staff/doej", json={"roles": ["clinician"]}), "PATCH", SID, code="self_lockout")
    w.check(admin.post(f"{base}/staff/lopezm/disable"), "POST", SID + "/disable")
    w.check(admin.post(f"{base}/staff/lopezm/enable"), "POST", SID + "/enable")
    w.check(admin.post(f"{base}/staff/lopezm/reset-password"), "POST", SID + "/reset-password")
    w.check(admin.post(f"{base}/staff/lopezm/unlock"), "POST", SID + "/unlock")
    w.check(admin.post(f"{base}/staff/nobody/unlock"), "POST", SID + "/unlock", code="staff_not_found")
    signed_in(gateway, "PatelR", CLINICIAN_PW)
    listed = w.check(admin.get(f"{base}/staff/patelr/sessions"), "GET", SID + "/sessions").json()["sessions"]
    w.check(admin.get(f"{base}/staff/nobody/sessions"), "GET", SID + "/sessions", code="staff_not_found")
    w.check(admin.delete(f"{base}/staff/patelr/sessions/{listed[0]['session_id']}"), "DELETE",
            SID + "/sessions/{session_id}")
    w.check(admin.delete(f"{base}/staff/patelr/sessions/{listed[0]['session_id']}"), "DELETE",
            SID + "/sessions/{session_id}", code="session_not_found")
    enrolled_now(gateway, "PatelR", CLINICIAN_PW)
    w.check(admin.post(f"{base}/staff/patelr/reset-2fa"), "POST", SID + "/reset-2fa")
    w.check(admin.post(f"{base}/staff/patelr/reset-2fa"), "POST", SID + "/reset-2fa", code="mfa_not_enabled")
    w.check(admin.post(f"{base}/staff/lopezm/resend-invitation"), "POST", SID + "/resend-invitation",
            code="not_invited")
    w.check(admin.post(f"{base}/staff", json=dict(new, username="InvitedI", send_invitation=True)), "POST", S)
    w.check(admin.post(f"{base}/staff/invitedi/resend-invitation"), "POST", SID + "/resend-invitation")

    # Settings.
    w.check(admin.get(f"{base}/settings"), "GET", SET)
    w.check(admin.patch(f"{base}/settings", json={"lockout_threshold": 3}), "PATCH", SET)
    w.check(admin.patch(f"{base}/settings", json={"lockout_threshold": 0}), "PATCH", SET, code="invalid_request")
    w.check(staff.patch(f"{base}/settings", json={"lockout_threshold": 3}), "PATCH", SET, code="forbidden")
    w.check(gateway.browser().get(f"{base}/settings"), "GET", SET, code="not_authenticated")

    w.assert_ok()
    unchecked = []
    for path, method, op, _ in operations(load_doc()):
        if not path.startswith(MANAGEMENT) or any(part in path for part in ("/messages", "/appointment",
                                                                              "/test-results",
                                                                              "/visit-summaries")):
            continue   # messages, appointments, documents: tests/sections/*/test_*_wire.py
        if path.startswith(SECTION_WIRE):
            continue   # refills and billing: tests/sections/test_section_wire.py
        if path.endswith("/remove-passkeys"):
            continue   # passkeys: tests/auth/test_passkey_wire.py
        success = {s for s in op.get("responses", {}) if str(s).startswith("2")}
        if not any((path, method, s) in w.checked for s in success):
            unchecked.append(f"{method.upper()} {path}")
    assert not unchecked, f"no success reply checked for: {unchecked}"


@pytest.mark.parametrize("path", ["/api/invitations/accept", "/api/invitations/lookup"])
def test_invitation_routes_refuse_foreign_origins(gateway, seeded, path):
    w = Wire()
    b = gateway.browser(origin="https://evil.example")
    w.check(b.post(path, json={"token": "x" * 43, "password": STRONG_PW} if path.endswith("accept")
                   else {"token": "x" * 43}), "POST", path, code="origin_mismatch")
    w.assert_ok()
