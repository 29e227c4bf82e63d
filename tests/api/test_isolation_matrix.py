"""The isolation matrix: every non-public /api/ route of the app (read from
`app.routes`, so a new route is covered without editing this file) x every
identity that must be refused, checked against docs/openapi.yaml.

Identities (SUNRISE's URLs, filled with ids that exist in SUNRISE):

- `no_session`       -> 401 not_authenticated
- `expired_session`  -> 401 session_expired (a SUNRISE admin's session, past its timeouts)
- `other_clinic`     -> a LAKESIDE admin: 403 wrong_clinic on clinic routes, 403 forbidden on the
                        patient-portal routes; /api/me answers about LAKESIDE only
- `patient`          -> SUNRISE patient (forms, messages, refills, billing held): 403 forbidden on staff
                        routes, 404 on another account's form request or a medication not on her list,
                        its own lists without other accounts' data
- `rep_no_section`   -> a SUNRISE representative without the forms section: 403 forbidden
- `rep_other_patient`-> a SUNRISE representative whose only grant is for another patient (P101):
                        403 no_patient_access on every route about P100, its own lists otherwise
- `clinician`        -> 403 forbidden (no permission, and not a portal account)
- `front_desk`       -> 403 forbidden where its role does not give the route's permission

Every reply: the documented status and error code, no SUNRISE data in a refusal
(or in the other clinic's own reply), and no table changed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from tests.api.test_openapi import Wire, effective_security, load_doc, operations
from tests.conftest import ADMIN_PW, CLINICIAN_PW, DESK_PW, LAKE_PW, PATIENT_PW, SEED, aws_client, login
from tests.portal_helpers import STRONG_PW, all_tables, rep_body, sent_messages, token_in

# ---------------------------------------------------------------- the route table

PARAM = re.compile(r"\{(\w+)\}")


def public_operations() -> set[tuple[str, str]]:
    """(METHOD, path) of the operations the document lets anyone call (`security: []`
    or a session that is optional)."""
    doc = load_doc()
    return {(method.upper(), path) for path, method, op, _ in operations(doc)
            if not effective_security(doc, op) or {} in effective_security(doc, op)}


def api_routes() -> list[tuple[str, str]]:
    from app import app

    return sorted((method, path) for path, methods in app.routes.items() if path.startswith("/api/")
                  for method in methods)


PUBLIC = public_operations()
ROUTES = [r for r in api_routes() if r not in PUBLIC]

# The permission each clinic area needs (the guards in chalicelib/api/*). A new
# area fails `test_every_route_is_classified` until it is listed here.
AREA_PERMISSION = {"patients": "patients.manage", "portal-accounts": "portal_accounts.manage",
                   "portal-logins": "portal_accounts.manage", "form-templates": "portal_accounts.manage",
                   "form-submissions": "forms.review",
                   "staff": "staff.manage", "settings": "clinic.settings", "audit": "audit.view",
                   "inbox": "messages.manage", "conversations": "messages.manage",
                   "appointments": "appointments.manage", "appointment-requests": "appointments.manage",
                   "providers": "appointments.manage",
                   "documents": "documents.manage",
                   "medications": "medications.manage", "refill-requests": "refills.manage",
                   "billing": "billing.manage",
                   "workspace": "any staff",     # every staff member's own workspace
                   "my-schedule": "any staff",   # and their own day
                   "integration-keys": "clinic.settings"}
ANY_STAFF = "any staff"
FRONT_DESK_HOLDS = {"portal_accounts.manage", "patients.manage", "forms.review", "messages.manage",
                    "appointments.manage", "refills.manage", "billing.manage"}
CLINICIAN_HOLDS = {"forms.review", "messages.manage", "documents.manage", "refills.manage", "medications.manage"}

# A minimal valid body for each body class a route parses (chalicelib.api.http.BODIES).
SAMPLE_BODIES = {
    "CreatePortalAccountBody": rep_body(username="matrix.new@example.com"),
    "ChangePortalAccountBody": {"first_name": "Mallory"},
    "CreateFormRequestBody": {"template_id": "0" * 32},
    "FormAnswersBody": {"answers": {"q1": "yes"}},
    "CreateFormTemplateBody": {"name": "Matrix form", "fields": [{"key": "q1", "label": "Q", "type": "short_text"}]},
    "ChangeFormTemplateBody": {"name": "Matrix form 2"},
    "CreateStaffBody": {"username": "MatrixX", "first_name": "Max", "last_name": "Trix", "roles": ["admin"]},
    "ChangeStaffBody": {"roles": ["admin"]},
    "CreatePatientBody": {"patient_id": "MATRIX1", "first_name": "Max", "last_name": "Trix",
                          "date_of_birth": "1990-01-02"},
    "ChangePatientBody": {"phone": "+1 555 010 9999"},
    "ChangeSettingsBody": {"lockout_threshold": 3},
    "PasswordChangeBody": {"current_password": "not-the-current-password", "new_password": STRONG_PW},
    "MfaCodeBody": {"code": "123456"},
    "MfaDisableBody": {"password": "not-the-current-password"},
    "StartConversationBody": {"topic": "Billing", "subject": "Matrix question", "text": "Hello"},
    "MessageBody": {"text": "Matrix reply"},
    "AssignConversationBody": {"assignee": "PatelR"},
    "BookAppointmentBody": {"patient_id": "P100", "provider": "PatelR", "start": "2031-03-04T09:00:00Z",
                            "minutes": 30},
    "MoveAppointmentBody": {"start": "2031-03-04T10:00:00Z"},
    "AppointmentStatusBody": {"status": "arrived"},
    "CancelAppointmentBody": {"note": "Matrix"},
    "AppointmentRequestBody": {"reason": "Matrix reason"},
    "BookRequestBody": {"provider": "PatelR", "start": "2031-03-05T09:00:00Z", "minutes": 30},
    "DeclineRequestBody": {"note": "Matrix note"},
    "StartDocumentUploadBody": {"patient_id": "P100", "content_type": "application/pdf"},
    "ConfirmDocumentBody": {"document_id": "0" * 32, "patient_id": "P100", "kind": "test_result",
                            "title": "Matrix upload", "date": "2026-11-20"},
    "DocumentValuesBody": {"values": [{"test": "Hemoglobin", "value": "17.9", "flag": "H"}]},
    "AddMedicationBody": {"name": "Matrix tablets", "refills_left": 1},
    "ChangeMedicationBody": {"dose": "1 mg"},
    "RefillRequestBody": {"medication_id": "0" * 32, "pharmacy": "Matrix Pharmacy"},
    "RefillDecisionBody": {"note": "Matrix note"},
    "CreateStatementBody": {"statement_date": "2026-12-01", "due_date": "2027-01-15",
                            "lines": [{"service_date": "2026-11-02", "description": "Visit", "charge_cents": 100}]},
    "RecordPaymentBody": {"amount_cents": 100, "received_date": "2026-12-02"},
    "CreateIntegrationKeyBody": {"name": "Matrix EHR", "scopes": ["patients"]},
    "IntegrationPatientBody": {"familyName": "Trix", "givenName": "Max", "birthDate": "1990-01-02"},
    # -- integration API: appointments and results
    "IntegrationAppointmentBody": {"status": "booked", "start": "2031-03-04T09:00:00Z", "minutesDuration": 30,
                                   "patient": "P100", "practitioner": "PatelR"},
    "IntegrationResultBody": {"category": "test_result", "title": "Matrix lab", "status": "final",
                              "effectiveDate": "2026-11-20", "patient": "P100",
                              "presentedForm": {"contentType": "application/pdf", "data": "JVBERi0xLjQK"}},
    "IntegrationMedicationBody": {"patient": "P100", "medication": "Matrix tablets", "status": "active"},
    "IntegrationStatementBody": {"patient": "P100", "date": "2026-12-01", "dueDate": "2027-01-15", "currency": "USD",
                                 "lines": [{"serviceDate": "2026-11-02", "description": "Visit", "charge": "1.00"}]},
    # Passkeys (issue 14)
    "ReauthBody": {"password": "not-the-current-password"},
    "AddPasskeyBody": {"credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}},
                       "name": "Matrix key"},
    "RenamePasskeyBody": {"name": "Matrix key"},
    "PasskeyLoginOptionsBody": {"login_type": "staff"},
    "PasskeyLoginBody": {"credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}},
}


def body_class(method: str, path: str):
    from chalicelib.api.http import body_classes

    return body_classes().get((method, path))


def area(path: str) -> str:
    if path.startswith("/api/integration/"):
        return "integration"   # an integration key's: no session reaches it
    if path.startswith("/api/clinics/{clinic_id}/"):
        return "clinic"
    if path.startswith("/api/portal/"):
        return "portal"
    return "self"  # /api/me, /api/me/password: the caller's own record


def permission(path: str) -> str | None:
    return AREA_PERMISSION.get(path.split("/")[4])


OWN = "own"  # the identity may call it for itself; the reply must carry none of the others' data


def expected(identity: str, method: str, path: str):
    """(status, error code) the identity must get, OWN, or None (not a refusal case)."""
    kind = area(path)
    if kind == "integration":
        # Integration keys only: a session (cookie or not, live or expired, any clinic or
        # role) is no key, so every identity gets the one generic 401.
        return 401, "not_authenticated"
    if identity == "no_session":
        return 401, "not_authenticated"
    if identity == "expired_session":
        return 401, "session_expired"
    if kind == "self":
        # Signed in, these act on the caller's own record; only the other clinic's
        # /api/me is looked at (it must not name SUNRISE).
        return OWN if (identity, method) == ("other_clinic", "GET") else None
    if kind == "portal":
        if identity not in PORTAL_LOGINS:
            return 403, "forbidden"  # staff are not portal logins
        if path == "/api/portal/patients":
            return OWN  # the patients it holds grants for
        if "{patient_id}" in path and identity == "rep_other_patient":
            return 403, "no_patient_access"  # a grant for P101 only: nothing about P100
        if path.endswith("/select"):
            return OWN  # already its selected patient: nothing changes
        if path.endswith("/home"):
            return OWN  # the patient's home needs a working grant, no section
        if identity == "rep_no_section" and "/appointment" not in path:
            return 403, "section_not_permitted"
        if "/messages" in path:
            # Ann holds messages: her own list and her own conversation; her writes are allowed.
            return OWN if method == "GET" else None
        if "/appointment" in path:
            # Ann and the representative without forms (who holds appointments) act for P100:
            # their own lists; their writes are allowed.
            return OWN if method == "GET" else None
        if "/test-results" in path or "/visit-summaries" in path:
            # Ann holds both sections: her own (released) lists; the world's document is hers
            # but not released, so no link is made for it.
            return OWN if method == "GET" else (404, "document_not_found")
        if path.endswith(("/medications", "/refill-requests", "/statements")):
            # Ann holds refills and billing: her own lists; a refill of a medication that is
            # not on her list is not found.
            return OWN if method == "GET" else (404, "medication_not_found")
        # Ann (P100) and the other rep (P101) hold the forms section: their own lists;
        # another grant's request is not found.
        return OWN if method == "GET" and path.endswith("/form-requests") else (404, "form_request_not_found")
    if identity == "other_clinic":
        return 403, "wrong_clinic"
    if permission(path) == ANY_STAFF and identity in ("clinician", "front_desk"):
        return OWN  # their own workspace: nothing of anyone else's
    if identity == "front_desk" and permission(path) in FRONT_DESK_HOLDS:
        return None  # allowed: not part of the refusal matrix
    if identity == "clinician" and permission(path) in CLINICIAN_HOLDS:
        return None
    return 403, "forbidden"


PORTAL_LOGINS = ("patient", "rep_no_section", "rep_other_patient")
IDENTITIES = ("no_session", "expired_session", "other_clinic", "patient", "rep_no_section", "rep_other_patient",
              "clinician", "front_desk")
CASES = [(identity, method, path) for identity in IDENTITIES for method, path in ROUTES
         if expected(identity, method, path) is not None]

# Cases that expose a real bug in chalicelib: (identity, METHOD, path) -> reason.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


def case_params():
    out = []
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case])] if case in KNOWN_BUGS else []
        out.append(pytest.param(*case, id=f"{case[0]}:{case[1]} {case[2]}", marks=marks))
    return out


# ---------------------------------------------------------------- the world

@dataclass
class World:
    gateway: object
    clock: object
    ids: dict
    browsers: dict
    sunrise_markers: list[str]          # strings that name SUNRISE's data
    not_ann: list[str] = field(default_factory=list)  # data of SUNRISE accounts other than Ann's

    def url(self, path: str) -> str:
        return path.format(**self.ids)


def patch_clock(mp: pytest.MonkeyPatch):
    """Module-wide version of conftest's `clock`: every chalicelib `now` reads one Clock."""
    from tests.conftest import install_clock

    return install_clock(mp)


def signed_in(gateway, username, password, *, clinic="SUNRISE", login_type="staff"):
    b = gateway.browser()
    r = login(b, username, password, clinic=clinic, login_type=login_type)
    assert r.status == 200, r.text
    return b


@pytest.fixture(scope="module")
def world():
    """One moto world for the whole matrix (module-scoped: ~200 cases, one setup)."""
    import copy

    from moto import mock_aws

    from app import app
    from chalicelib.core.settings import get_settings
    from infra.buckets import create_documents_bucket
    from infra.gateway import InProcessGateway
    from infra.seed import load
    from infra.tables import create_tables
    from tests.sections.documents.helpers import upload

    mp = pytest.MonkeyPatch()
    with mock_aws():
        create_tables(aws_client("dynamodb"), get_settings().table_prefix)
        aws_client("ses").verify_email_identity(EmailAddress=get_settings().ses_sender)
        create_documents_bucket(aws_client("s3"), get_settings().documents_bucket)
        clock = patch_clock(mp)
        load(copy.deepcopy(SEED))
        gateway = InProcessGateway(app)
        admin = signed_in(gateway, "DoeJ", ADMIN_PW)
        base = "/api/clinics/SUNRISE/portal-accounts"

        # A representative with the forms section (the target account, with a form request) ...
        r = admin.post(base, json=rep_body(username="rita.rep@example.com", permissions=["forms"]))
        assert r.status == 201, r.text
        target = r.json()["account"]["account_id"]
        r = admin.post("/api/clinics/SUNRISE/form-templates", json={"name": "Intake history", "fields": [
            {"key": "q1", "label": "Q", "type": "short_text"}]})
        assert r.status == 201, r.text
        template_id = r.json()["form_template"]["template_id"]
        r = admin.post(f"{base}/{target}/form-requests", json={"template_id": template_id})
        assert r.status == 201, r.text
        request_id = r.json()["form_request"]["request_id"]
        # ... one without it, who signs in ...
        r = admin.post(base, json=rep_body(username="nosection.rep@example.com", permissions=["appointments"]))
        assert r.status == 201, r.text
        anon = gateway.browser()
        assert anon.post("/api/invitations/accept",
                         json={"token": token_in(sent_messages()[-1]), "password": STRONG_PW}).status == 204
        # ... one whose only grant is for another patient (P101), with forms ...
        r = admin.post(base, json=rep_body(username="other.rep@example.com", patient_id="P101",
                                           permissions=["forms"]))
        assert r.status == 201, r.text
        assert anon.post("/api/invitations/accept",
                         json={"token": token_in(sent_messages()[-1]), "password": STRONG_PW}).status == 204
        # ... and Ann, the patient, gets the forms section too.
        r = admin.get(f"{base}?patient_id=P100&q=ann@")
        (ann,) = [i for i in r.json()["items"] if i["username"] == "ann@example.com"]
        assert admin.patch(f"{base}/{ann['account_id']}",
                           json={"permissions": ["appointments", "messages", "forms", "test_results",
                                                 "visit_summaries", "refills", "billing"]}).status == 200
        # An unreleased test result of Ann's (P100): the {document_id}.
        document_id = upload(admin, title="Matrix result")["document_id"]
        # Ann's medication and statement (refills, billing): the {medication_id} and {statement_id}.
        r = admin.post("/api/clinics/SUNRISE/medications/P100", json={"name": "Matrixol", "refills_left": 2})
        assert r.status == 201, r.text
        medication_id = r.json()["medication"]["medication_id"]
        r = admin.post("/api/clinics/SUNRISE/billing/P100/statements", json=SAMPLE_BODIES["CreateStatementBody"])
        assert r.status == 201, r.text
        statement_id = r.json()["statement"]["statement_id"]

        browsers = {
            "no_session": gateway.browser(),
            "expired_session": signed_in(gateway, "DoeJ", ADMIN_PW),
            "other_clinic": signed_in(gateway, "KimS", LAKE_PW, clinic="Lakeside"),
            "patient": signed_in(gateway, "ann@example.com", PATIENT_PW, login_type="patient"),
            "rep_no_section": signed_in(gateway, "nosection.rep@example.com", STRONG_PW, login_type="patient"),
            "rep_other_patient": signed_in(gateway, "other.rep@example.com", STRONG_PW, login_type="patient"),
            "clinician": signed_in(gateway, "PatelR", CLINICIAN_PW),
            "front_desk": signed_in(gateway, "SmithF", DESK_PW),
        }
        login_id = admin.get(f"{base}/{target}").json()["account"]["login"]["login_id"]
        # Ann's conversation with the clinic (secure messages): the {conversation_id}.
        r = browsers["patient"].post("/api/portal/patients/P100/messages",
                                     json={"topic": "Billing", "subject": "Matrix subject", "text": "Matrix text"})
        assert r.status == 201, r.text
        conversation_id = r.json()["conversation"]["conversation_id"]
        # A live integration key of SUNRISE (the revoke route's {key_id}).
        r = admin.post("/api/clinics/SUNRISE/integration-keys", json={"name": "Matrix EHR", "scopes": ["patients"]})
        assert r.status == 201, r.text
        key_id = r.json()["integration_key"]["key_id"]
        # A live session of PatelR (the staff `username` below): the sessions routes' id.
        session_id = browsers["clinician"].get("/api/me/sessions").json()["sessions"][0]["session_id"]
        # Ann's appointment with PatelR, and her request for another.
        r = admin.post("/api/clinics/SUNRISE/appointments", json={
            "patient_id": "P100", "provider": "PatelR", "start": "2031-03-03T09:00:00Z", "minutes": 30,
            "reason": "Matrix visit"})
        assert r.status == 201, r.text
        appointment_id = r.json()["appointment"]["appointment_id"]
        r = browsers["patient"].post("/api/portal/patients/P100/appointment-requests",
                                     json={"reason": "Matrix request"})
        assert r.status == 201, r.text
        appointment_request_id = r.json()["appointment_request"]["request_id"]
        ids = {"clinic_id": "SUNRISE", "account_id": target, "username": "PatelR", "patient_id": "P100",
               "request_id": request_id, "login_id": login_id, "session_id": session_id,
               "template_id": template_id,
               "conversation_id": conversation_id, "appointment_id": appointment_id,
               "appointment_request_id": appointment_request_id,
               "document_id": document_id,
               "medication_id": medication_id, "statement_id": statement_id,
               # The integration API (P100 is a SUNRISE patient) and a live SUNRISE key.
               "resource": "patients", "external_id": "P100", "key_id": key_id,
               "passkey_id": "M" * 43}   # the caller's own passkeys only (self routes)
        sunrise = [c for c in SEED["clinics"] if c["clinic_id"] == "SUNRISE"][0]
        markers = {"SUNRISE", sunrise["name"], target, request_id, template_id, ann["account_id"], login_id, key_id,
                   "rita.rep@example.com",
                   "nosection.rep@example.com", "Intake history", conversation_id, "Matrix subject",
                   appointment_id, appointment_request_id, "Matrix visit", "Matrix request",
                   document_id, "Matrix result",
                   medication_id, "Matrixol", statement_id}
        for person in SEED["staff"] + SEED["patients"] + SEED["portal_accounts"]:
            if person["clinic_id"] == "SUNRISE":
                markers |= {person.get(k) for k in ("username", "email", "patient_id", "last_name")}
        markers.discard(None)
        yield World(gateway, clock, ids, browsers, sorted(markers),
                    not_ann=[target, request_id, "rita.rep@example.com", "Intake history",
                             "Matrix result"])   # Ann's, but not released: never on her side
    mp.undo()


# ---------------------------------------------------------------- the tests

def test_every_route_is_classified():
    """The route table is read from the app: every non-public /api/ route is in the
    matrix, its clinic area has a known permission, its body a sample."""
    from chalicelib.api.requests import Body

    assert len(ROUTES) >= 30, ROUTES
    problems = []
    for method, path in ROUTES:
        if area(path) == "clinic" and permission(path) is None:
            problems.append(f"{method} {path}: unknown area; add it to AREA_PERMISSION")
        cls = body_class(method, path)
        if cls is not None:
            sample = SAMPLE_BODIES.get(cls.__name__)
            if sample is None:
                problems.append(f"{method} {path}: no sample body for {cls.__name__}")
            else:
                assert isinstance(cls.from_json(sample), Body)  # the sample is a valid body
        for name in PARAM.findall(path):
            if name not in ("clinic_id", "account_id", "username", "patient_id", "request_id", "login_id",
                            "session_id", "template_id", "conversation_id", "appointment_id",
                            "appointment_request_id", "document_id",
                            "medication_id", "statement_id", "resource", "external_id", "key_id",
                            "passkey_id"):
                problems.append(f"{method} {path}: no SUNRISE id for {{{name}}}")
        covered = {identity for identity, m, p in CASES if (m, p) == (method, path)}
        if not {"no_session", "expired_session"} <= covered:
            problems.append(f"{method} {path}: not in the matrix")
    assert not problems, "\n".join(problems)
    # What the document calls public is what the guards let through.
    assert {p for _, p in PUBLIC} == {"/api/health", "/api/clinics/{clinic_id}",
                                      "/api/clinics/{clinic_id}/captcha/local-token",
                                      "/api/clinics/{clinic_id}/login", "/api/logout",
                                      "/api/invitations/lookup", "/api/invitations/accept",
                                      # forgot password / username: the emailed link is the credential
                                      "/api/clinics/{clinic_id}/password/forgot",
                                      "/api/clinics/{clinic_id}/username/forgot",
                                      "/api/password/reset/lookup", "/api/password/reset",
                                      # a login's second step: the password step's token is the credential
                                      "/api/clinics/{clinic_id}/login/mfa",
                                      # a passkey sign-in: the passkey's signature is the credential
                                      "/api/clinics/{clinic_id}/login/passkey/options",
                                      "/api/clinics/{clinic_id}/login/passkey"}
    print(f"\nisolation matrix: {len(ROUTES)} routes x {len(IDENTITIES)} identities -> {len(CASES)} cases")


@pytest.mark.parametrize("identity,method,path", case_params())
def test_isolation(world, identity, method, path):
    browser = world.browsers[identity]
    want = expected(identity, method, path)
    cls = body_class(method, path)
    body = SAMPLE_BODIES[cls.__name__] if cls is not None else None
    before = all_tables()
    shift = 13 * 3600 if identity == "expired_session" else 0  # past the 12-hour absolute timeout
    world.clock.advance(shift)
    try:
        r = browser.request(method, world.url(path), json=body)
    finally:
        world.clock.advance(-shift)
    after = all_tables()

    wire = Wire()
    if want == OWN:
        assert r.status == 200, r.text
        wire.check(r, method, path)
        leaks = world.sunrise_markers if identity == "other_clinic" else world.not_ann
    else:
        status, code = want
        assert (r.status, (r.json() if r.body else {}).get("error")) == (status, code), r.text
        wire.check(r, method, path, code=code)
        leaks = world.sunrise_markers
    wire.assert_ok()
    text = r.text.lower()
    leaked = [m for m in leaks if m.lower() in text]
    assert not leaked, f"the reply names {leaked}: {r.text[:300]}"
    changed = [t for t in before if before[t] != after.get(t)]
    if want == OWN and is_section_view(method, path):
        # A patient's view of a section writes exactly one item: its access-log event.
        audit = next(t for t in before if t.endswith("audit_events"))
        added = [i for i in after[audit] if i not in before[audit]]
        assert len(added) == 1 and "'section_viewed'" in added[0], added
        assert len(after[audit]) == len(before[audit]) + 1
        changed.remove(audit)
    assert not changed, f"tables changed by a refused/own request: {changed}"


def is_section_view(method: str, path: str) -> bool:
    """A GET of a section's list or thread (forms, messages): logged in the access log."""
    return method == "GET" and path.startswith("/api/portal/") and (
        path.endswith(("/form-requests", "/test-results", "/visit-summaries", "/medications", "/refill-requests",
                        "/statements"))
        or "/messages" in path or path.endswith("/appointments") or path.endswith("/appointment-requests"))


# ---------------------------------------------------------------- the integration API's other resources

def integration_resources() -> list[str]:
    """Every wired resource but patients (the matrix above fills {resource} with patients)."""
    from chalicelib.integrations.scopes import available

    return [name for name in available() if name != "patients"]


@pytest.mark.parametrize("identity", IDENTITIES)
@pytest.mark.parametrize("resource", integration_resources())
@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_isolation_of_every_integration_resource(world, identity, resource, method):
    """No session reaches any resource of the integration API: one generic 401, no
    SUNRISE data in it, no table changed (keys: tests/integrations/test_records_wire.py)."""
    from chalicelib.integrations.scopes import resource as module

    body = SAMPLE_BODIES[module(resource).body.__name__] if method == "PUT" else None
    assert body is None or isinstance(module(resource).body.from_json(body), module(resource).body)
    before = all_tables()
    r = world.browsers[identity].request(method, f"/api/integration/v1/{resource}/P100", json=body)
    assert (r.status, r.json().get("error")) == (401, "not_authenticated"), r.text
    wire = Wire()
    wire.check(r, method, "/api/integration/v1/{resource}/{external_id}", code="not_authenticated")
    wire.assert_ok()
    leaked = [m for m in world.sunrise_markers if m.lower() in r.text.lower()]
    assert not leaked, f"the reply names {leaked}: {r.text[:300]}"
    assert all_tables() == before
