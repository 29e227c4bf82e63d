"""docs/openapi.yaml against the app: the same routes, a valid OpenAPI document that
follows the wire conventions, and real responses that match what it documents.

When you add a route under /api/: document it in docs/openapi.yaml and add at least
its success response to `test_wire_matches_document` below.
"""
from __future__ import annotations

import functools
import pathlib
import re

import pytest
import yaml

from tests.conftest import ADMIN_PW, CLINICIAN_PW, DESK_PW, PATIENT_PW, login

DOC_PATH = pathlib.Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
DOC_URI = "urn:clinic-portal:openapi"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
ERROR_SCHEMA_REF = "#/components/schemas/Error"
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")

# Operations that cannot answer any 4xx: they take no input and need no session.
NO_CLIENT_ERRORS = {("/api/health", "get")}


# ---------------------------------------------------------------- the document

@functools.lru_cache(maxsize=1)
def load_doc() -> dict:
    with open(DOC_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f)


def escape(part: str) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def resolve(doc: dict, node, pointer: str):
    """Follow local `$ref`s; returns (node, JSON pointer of where it lives)."""
    seen = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"only local $refs are supported: {ref}"
        assert ref not in seen, f"$ref cycle at {ref}"
        seen.add(ref)
        node = doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        pointer = ref
    return node, pointer


def operations(doc: dict):
    """(path, method, operation, pointer) for every operation in the document."""
    for path, item in doc.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method], f"#/paths/{escape(path)}/{method}"


def responses(doc: dict, op: dict, op_pointer: str):
    """(status, response, pointer) with response-level $refs followed."""
    for status, response in op.get("responses", {}).items():
        yield str(status), *resolve(doc, response, f"{op_pointer}/responses/{escape(status)}")


def json_content(response: dict, pointer: str):
    content = (response.get("content") or {}).get("application/json")
    if content is None:
        return None, None
    return content, f"{pointer}/content/{escape('application/json')}"


def example_values(doc: dict, content: dict) -> list:
    values = [content["example"]] if "example" in content else []
    for ex in (content.get("examples") or {}).values():
        values.append(resolve(doc, ex, "")[0].get("value"))
    return values


def is_error_response(content: dict | None) -> bool:
    return content is not None and content.get("schema") == {"$ref": ERROR_SCHEMA_REF}


def effective_security(doc: dict, op: dict) -> list:
    return op["security"] if "security" in op else doc.get("security", [])


def header(response: dict, name: str):
    for key, value in (response.get("headers") or {}).items():
        if key.lower() == name.lower():
            return value
    return None


@functools.cache
def validator(schema_pointer: str):
    """A JSON Schema 2020-12 validator (OpenAPI 3.1's dialect) for the schema at a
    pointer in the document, resolving its $refs within the document."""
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resource(DOC_URI, Resource(contents=load_doc(), specification=DRAFT202012))
    return jsonschema.Draft202012Validator(
        {"$ref": DOC_URI + schema_pointer}, registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def schema_errors(schema_pointer: str, instance) -> list[str]:
    from jsonschema.exceptions import best_match

    out = []
    for e in validator(schema_pointer).iter_errors(instance):
        if e.context:  # oneOf/anyOf: say why the closest alternative failed
            e = best_match(e.context)
        out.append(f"{'/'.join(map(str, e.absolute_path)) or '<body>'}: {e.message}")
    return out


# ---------------------------------------------------------------- routes <-> document

def app_operations() -> set[tuple[str, str]]:
    from app import app

    return {(path, method.lower())
            for path, methods in app.routes.items() if path.startswith("/api/")
            for method in methods}


def test_routes_and_document_agree():
    documented = {(path, method) for path, method, _, _ in operations(load_doc())}
    served = app_operations()
    missing = sorted(served - documented)
    extra = sorted(documented - served)
    assert not missing and not extra, (
        "docs/openapi.yaml and the app's /api/ routes disagree.\n"
        f"  Served but not documented: {[f'{m.upper()} {p}' for p, m in missing] or 'none'}\n"
        f"  Documented but not served: {[f'{m.upper()} {p}' for p, m in extra] or 'none'}")


def test_path_parameters_match_the_views():
    from app import app

    doc = load_doc()
    problems = []
    for path, method, op, _ in operations(doc):
        entry = app.routes.get(path, {}).get(method.upper())
        if entry is None:
            continue  # reported by test_routes_and_document_agree
        params = [resolve(doc, p, "")[0] for p in doc["paths"][path].get("parameters", [])]
        params += [resolve(doc, p, "")[0] for p in op.get("parameters", [])]
        documented = {p["name"] for p in params if p["in"] == "path"}
        if documented != set(entry.view_args):
            problems.append(f"{method.upper()} {path}: documents {sorted(documented)}, "
                            f"the view takes {sorted(entry.view_args)}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- the document itself

def test_document_is_valid_openapi():
    from openapi_spec_validator import validate

    validate(load_doc())  # raises with the offending location


def test_document_covers_only_the_json_api():
    outside = [p for p in load_doc()["paths"] if not p.startswith("/api/")]
    assert not outside, f"HTML pages are not API operations; remove {outside}"


def test_operations_are_tagged_and_named():
    doc = load_doc()
    declared = {t["name"] for t in doc.get("tags", [])}
    problems = []
    for path, method, op, _ in operations(doc):
        where = f"{method.upper()} {path}"
        if not op.get("operationId"):
            problems.append(f"{where}: no operationId")
        if not op.get("tags") or not set(op["tags"]) <= declared:
            problems.append(f"{where}: tags {op.get('tags')} not among the declared {sorted(declared)}")
        if not op.get("summary"):
            problems.append(f"{where}: no summary")
    assert not problems, "\n".join(problems)


def test_error_schema_is_the_wire_convention():
    error = load_doc()["components"]["schemas"]["Error"]
    assert error["type"] == "object"
    assert set(error["required"]) == {"error", "message"}
    # Optional extras: on login errors the adaptive CAPTCHA's signal; on form answers
    # the field at fault.
    assert set(error["properties"]) == {"error", "message", "captcha_required", "field"}
    assert error["properties"]["captcha_required"] == {**error["properties"]["captcha_required"],
                                                       "type": "boolean", "const": True}
    assert error["additionalProperties"] is False


def test_every_error_response_uses_the_error_schema_with_examples():
    """Every 4xx/5xx response has the shared Error schema and at least one example,
    each a valid Error whose code is snake_case: the examples list the codes."""
    doc = load_doc()
    problems = []
    for path, method, op, op_pointer in operations(doc):
        for status, response, pointer in responses(doc, op, op_pointer):
            if status[0] not in "45":
                continue
            where = f"{method.upper()} {path} {status}"
            content, content_pointer = json_content(response, pointer)
            if not is_error_response(content):
                problems.append(f"{where}: not the shared Error schema ({ERROR_SCHEMA_REF})")
                continue
            values = example_values(doc, content)
            if not values:
                problems.append(f"{where}: no example naming its error code(s)")
            for value in values:
                errs = schema_errors(ERROR_SCHEMA_REF, value)
                if errs:
                    problems.append(f"{where}: example {value} is not an Error: {errs}")
    assert not problems, "\n".join(problems)


def test_every_operation_documents_a_client_error():
    doc = load_doc()
    problems = []
    for path, method, op, op_pointer in operations(doc):
        if (path, method) in NO_CLIENT_ERRORS:
            continue
        client_errors = [status for status, response, pointer in responses(doc, op, op_pointer)
                         if status.startswith("4") and is_error_response(json_content(response, pointer)[0])]
        if not client_errors:
            problems.append(f"{method.upper()} {path}: no 4xx response with the Error schema")
    assert not problems, "\n".join(problems)


def test_every_operation_documents_internal_error():
    doc = load_doc()
    missing = [f"{method.upper()} {path}" for path, method, op, _ in operations(doc)
               if "500" not in op.get("responses", {})]
    assert not missing, f"no 500 internal_error documented: {missing}"


def test_429_and_503_document_retry_after():
    doc = load_doc()
    problems = []
    for path, method, op, op_pointer in operations(doc):
        for status, response, _ in responses(doc, op, op_pointer):
            if status in ("429", "503"):
                retry_after = header(response, "Retry-After")
                if retry_after is None:
                    problems.append(f"{method.upper()} {path} {status}: no Retry-After header")
                elif not resolve(doc, retry_after, "")[0].get("required"):
                    problems.append(f"{method.upper()} {path} {status}: Retry-After not marked required")
    assert not problems, "\n".join(problems)


def test_authenticated_operations_document_401():
    doc = load_doc()
    schemes = set(doc["components"]["securitySchemes"])
    assert {"portal_session", "bearer"} <= schemes
    cookie = doc["components"]["securitySchemes"]["portal_session"]
    assert (cookie["type"], cookie["in"], cookie["name"]) == ("apiKey", "cookie", "portal_session")
    assert (doc["components"]["securitySchemes"]["bearer"]["type"],
            doc["components"]["securitySchemes"]["bearer"]["scheme"]) == ("http", "bearer")
    problems = []
    for path, method, op, op_pointer in operations(doc):
        security = effective_security(doc, op)
        if not security or {} in security:
            continue  # public, or a session is optional
        found = dict((s, (r, p)) for s, r, p in responses(doc, op, op_pointer))
        if "401" not in found:
            problems.append(f"{method.upper()} {path}: needs a session but documents no 401")
            continue
        content, _ = json_content(*found["401"])
        codes = {v.get("error") for v in example_values(doc, content or {})}
        if "not_authenticated" not in codes:
            problems.append(f"{method.upper()} {path}: 401 does not list not_authenticated")
    assert not problems, "\n".join(problems)


def test_json_request_bodies_reject_unknown_fields():
    """json_body() refuses unknown fields, so every body schema must say so."""
    doc = load_doc()
    problems = []
    for path, method, op, op_pointer in operations(doc):
        if "requestBody" not in op:
            continue
        body, pointer = resolve(doc, op["requestBody"], f"{op_pointer}/requestBody")
        content, _ = json_content(body, pointer)
        if content is None:
            problems.append(f"{method.upper()} {path}: request body is not application/json")
            continue
        schema, _ = resolve(doc, content["schema"], "")
        if schema.get("type") != "object" or schema.get("additionalProperties") is not False:
            problems.append(f"{method.upper()} {path}: request body schema must be an object "
                            "with additionalProperties: false")
        for name, example in (content.get("examples") or {}).items():
            errs = schema_errors(f"{pointer}/content/{escape('application/json')}/schema",
                                 resolve(doc, example, "")[0]["value"])
            if errs:
                problems.append(f"{method.upper()} {path}: request example {name}: {errs}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- the wire

class Wire:
    """Checks real replies against the document and remembers what it checked."""

    def __init__(self):
        self.doc = load_doc()
        self.problems: list[str] = []
        self.checked: set[tuple[str, str, str]] = set()

    def check(self, reply, method: str, path: str, *, code: str | None = None):
        """`path` is the documented template; `code` the error code the test expects."""
        method = method.lower()
        where = f"{method.upper()} {path} -> {reply.status}"
        self.checked.add((path, method, str(reply.status)))
        op = (self.doc["paths"].get(path) or {}).get(method)
        if op is None:
            self.problems.append(f"{where}: operation not documented")
            return reply
        found = {s: (r, p) for s, r, p in responses(self.doc, op, f"#/paths/{escape(path)}/{method}")}
        if str(reply.status) not in found:
            self.problems.append(f"{where}: status not documented (documented: {sorted(found)}); "
                                 f"body {reply.text[:200]}")
            return reply
        response, pointer = found[str(reply.status)]
        for name, spec in (response.get("headers") or {}).items():
            if resolve(self.doc, spec, "")[0].get("required") and reply.header(name) is None:
                self.problems.append(f"{where}: documented header {name} is missing")
        content, content_pointer = json_content(response, pointer)
        other = [t for t in (response.get("content") or {}) if t != "application/json"]
        if content is None and other:
            # A documented non-JSON body (the audit CSV): the media type must match.
            if not any((reply.header("content-type") or "").startswith(t) for t in other):
                self.problems.append(f"{where}: Content-Type {reply.header('content-type')!r}, not {other}")
            return reply
        if content is None:
            if reply.body:
                self.problems.append(f"{where}: documented without a body, got {reply.text[:200]}")
            return reply
        if not (reply.header("content-type") or "").startswith("application/json"):
            self.problems.append(f"{where}: Content-Type {reply.header('content-type')!r}, not JSON")
            return reply
        try:
            body = reply.json()
        except ValueError:
            self.problems.append(f"{where}: body is not JSON: {reply.text[:200]}")
            return reply
        for err in schema_errors(f"{content_pointer}/schema", body):
            self.problems.append(f"{where}: {err}")
        if is_error_response(content):
            listed = {v.get("error") for v in example_values(self.doc, content)}
            if body.get("error") not in listed:
                self.problems.append(f"{where}: error code {body.get('error')!r} is not among the "
                                     f"documented codes {sorted(listed)}")
        if code is not None and (not isinstance(body, dict) or body.get("error") != code):
            self.problems.append(f"{where}: expected error {code!r}, got {body}")
        return reply

    def assert_ok(self):
        assert not self.problems, "Replies that do not match docs/openapi.yaml:\n" + "\n".join(self.problems)


def force_password_change(clinic_id: str, username: str) -> None:
    from chalicelib.core.ids import normalize_key
    from chalicelib.models import StaffModel

    StaffModel(normalize_key(clinic_id), normalize_key(username)).update(
        actions=[StaffModel.force_password_change.set(True)])


def test_wire_matches_document(gateway, seeded, monkeypatch):
    w = Wire()
    LOGIN = "/api/clinics/{clinic_id}/login"
    CLINIC = "/api/clinics/{clinic_id}"
    AUDIT = "/api/clinics/{clinic_id}/audit"
    TOKEN = "/api/clinics/{clinic_id}/captcha/local-token"
    JSON = {"content-type": "application/json"}

    anon = gateway.browser()
    w.check(anon.get("/api/health"), "GET", "/api/health")
    w.check(anon.get("/api/clinics/sunrise"), "GET", CLINIC)
    w.check(anon.get("/api/clinics/NOPE"), "GET", CLINIC, code="clinic_not_found")
    w.check(anon.post("/api/clinics/SUNRISE/captcha/local-token"), "POST", TOKEN)
    w.check(anon.post("/api/clinics/NOPE/captcha/local-token"), "POST", TOKEN, code="clinic_not_found")

    # Login: bad input, unknown clinic, bad credentials, access off, foreign Origin.
    w.check(anon.post("/api/clinics/SUNRISE/login", body=b"{", headers=JSON), "POST", LOGIN, code="invalid_json")
    w.check(anon.post("/api/clinics/SUNRISE/login", json={"login_type": "staff", "username": "DoeJ",
                                                          "password": ADMIN_PW, "remember_me": True}),
            "POST", LOGIN, code="invalid_request")
    w.check(anon.post("/api/clinics/SUNRISE/login", body=b"{}", headers={"content-type": "text/plain"}),
            "POST", LOGIN, code="unsupported_media_type")
    w.check(anon.post("/api/clinics/SUNRISE/login", body=b'{"x":"' + b"a" * 20000 + b'"}', headers=JSON),
            "POST", LOGIN, code="body_too_large")
    w.check(login(anon, "DoeJ", ADMIN_PW, clinic="NOPE"), "POST", LOGIN, code="clinic_not_found")
    w.check(login(anon, "DoeJ", "not the password"), "POST", LOGIN, code="invalid_credentials")
    w.check(login(anon, "NoAccessN", CLINICIAN_PW), "POST", LOGIN, code="portal_access_disabled")
    w.check(login(gateway.browser(origin="https://evil.example"), "DoeJ", ADMIN_PW),
            "POST", LOGIN, code="origin_mismatch")

    # Lockout of a username that does not exist, from its own source IP.
    attacker = gateway.browser(source_ip="203.0.113.50")
    for _ in range(5):
        w.check(login(attacker, "NobodyX", "guess"), "POST", LOGIN, code="invalid_credentials")
    w.check(login(attacker, "NobodyX", "guess"), "POST", LOGIN, code="too_many_attempts")

    # Not signed in.
    w.check(anon.get("/api/me"), "GET", "/api/me", code="not_authenticated")
    w.check(anon.get("/api/clinics/SUNRISE/audit"), "GET", AUDIT, code="not_authenticated")
    w.check(anon.post("/api/me/password", json={"current_password": "a", "new_password": "b"}),
            "POST", "/api/me/password", code="not_authenticated")
    w.check(anon.post("/api/logout"), "POST", "/api/logout")

    # front_desk: signed in, but no audit permission; another clinic's routes refused.
    desk = gateway.browser()
    w.check(login(desk, "SmithF", DESK_PW), "POST", LOGIN)
    w.check(desk.get("/api/me"), "GET", "/api/me")
    w.check(desk.get("/api/clinics/SUNRISE/audit"), "GET", AUDIT, code="forbidden")
    w.check(desk.get("/api/clinics/Lakeside/audit"), "GET", AUDIT, code="wrong_clinic")
    w.check(desk.get("/api/clinics/SUNRISE/audit/export.csv"), "GET", AUDIT + "/export.csv", code="forbidden")
    w.check(desk.post("/api/me/password", json={"current_password": "wrong", "new_password": "x"}),
            "POST", "/api/me/password", code="wrong_current_password")
    w.check(desk.post("/api/me/password", json={"current_password": DESK_PW, "new_password": "short"}),
            "POST", "/api/me/password", code="password_policy")
    w.check(desk.post("/api/me/password", json={"current_password": DESK_PW}),
            "POST", "/api/me/password", code="invalid_request")
    w.check(desk.post("/api/logout", headers={"origin": None}), "POST", "/api/logout", code="origin_mismatch")
    w.check(desk.post("/api/me/password", json={"current_password": DESK_PW,
                                                "new_password": "velvet tugboat orchard quantum"}),
            "POST", "/api/me/password")
    w.check(desk.post("/api/logout"), "POST", "/api/logout")

    # Admin: the success bodies, a bad cursor.
    admin = gateway.browser()
    w.check(login(admin, "doej", ADMIN_PW), "POST", LOGIN)
    w.check(admin.get("/api/me"), "GET", "/api/me")
    w.check(admin.get("/api/clinics/SUNRISE/audit"), "GET", AUDIT)
    w.check(admin.get("/api/clinics/SUNRISE/audit?cursor=not-a-cursor"), "GET", AUDIT, code="invalid_cursor")
    w.check(admin.get("/api/clinics/SUNRISE/audit?person=DoeJ&kind=login&from=2026-01-01"), "GET", AUDIT)
    w.check(admin.get("/api/clinics/SUNRISE/audit?from=2026-02-02&to=2026-02-01"), "GET", AUDIT,
            code="invalid_date_range")
    w.check(admin.get("/api/clinics/SUNRISE/audit?kind=nope"), "GET", AUDIT, code="invalid_kind")
    w.check(admin.get("/api/clinics/SUNRISE/audit/export.csv?kind=login"), "GET", AUDIT + "/export.csv")
    w.check(admin.get("/api/clinics/SUNRISE/audit/export.csv?to=2026-02-30"), "GET", AUDIT + "/export.csv",
            code="invalid_date")

    # Bearer delivery, and a patient principal.
    patient = gateway.browser()
    r = w.check(login(patient, "ANN@example.com", PATIENT_PW, login_type="patient", session_delivery="bearer"),
                "POST", LOGIN)
    assert r.status == 200 and not patient.cookies, r.text
    bearer = {"authorization": f"Bearer {r.json()['session_token']}"}
    w.check(patient.get("/api/me", headers=bearer), "GET", "/api/me")
    w.check(patient.get("/api/clinics/SUNRISE/audit", headers=bearer), "GET", AUDIT, code="forbidden")

    # A pending password change blocks everything but /api/me, password and logout.
    force_password_change("SUNRISE", "PatelR")
    pending = gateway.browser()
    w.check(login(pending, "PatelR", CLINICIAN_PW), "POST", LOGIN)
    w.check(pending.get("/api/me"), "GET", "/api/me")
    w.check(pending.get("/api/clinics/SUNRISE/audit"), "GET", AUDIT, code="password_change_required")

    # Recovery: forgot password / username, the reset link.
    forgot, forgot_name = "/api/clinics/{clinic_id}/password/forgot", "/api/clinics/{clinic_id}/username/forgot"
    w.check(anon.post("/api/clinics/SUNRISE/password/forgot",
                      json={"login_type": "patient", "username": "ann@example.com"}), "POST", forgot)
    w.check(anon.post("/api/clinics/SUNRISE/password/forgot", json={"login_type": "staff"}), "POST", forgot,
            code="invalid_request")
    w.check(anon.post("/api/clinics/NOPE/password/forgot", json={"login_type": "staff", "username": "DoeJ"}),
            "POST", forgot, code="clinic_not_found")
    w.check(anon.post("/api/clinics/SUNRISE/username/forgot", json={"email": "jane@sunrise.example"}),
            "POST", forgot_name)
    w.check(anon.post("/api/clinics/SUNRISE/username/forgot", json={"email": "nope"}), "POST", forgot_name,
            code="invalid_email")
    from tests.portal_helpers import reset_token_in, sent_messages

    token = reset_token_in(next(m for m in sent_messages() if "/reset?token=" in m.body))
    NEW = "maple orbit tundra lantern"
    w.check(anon.post("/api/password/reset/lookup", json={"token": token}), "POST", "/api/password/reset/lookup")
    w.check(anon.post("/api/password/reset/lookup", json={"token": "x" * 40}), "POST",
            "/api/password/reset/lookup", code="token_invalid")
    w.check(anon.post("/api/password/reset", json={"token": token, "password": "short"}), "POST",
            "/api/password/reset", code="password_policy")
    w.check(anon.post("/api/password/reset", json={"token": token, "password": NEW}), "POST",
            "/api/password/reset")
    w.check(anon.post("/api/password/reset", json={"token": token, "password": NEW}), "POST",
            "/api/password/reset", code="token_invalid")
    from tests.conftest import install_clock

    _check_mfa(w, gateway, install_clock(monkeypatch))

    # Where you're signed in.
    SESSIONS = "/api/me/sessions"
    here, there = gateway.browser(), gateway.browser(user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0")
    for b in (here, there):
        assert login(b, "DoeJ", ADMIN_PW).status == 200
    w.check(pending.get(SESSIONS), "GET", SESSIONS, code="password_change_required")
    listed = w.check(here.get(SESSIONS), "GET", SESSIONS).json()["sessions"]
    other = next(s["session_id"] for s in listed if not s["this_device"])
    w.check(anon.get(SESSIONS), "GET", SESSIONS, code="not_authenticated")
    w.check(here.delete(f"{SESSIONS}/{other}"), "DELETE", SESSIONS + "/{session_id}")
    w.check(here.delete(f"{SESSIONS}/{other}"), "DELETE", SESSIONS + "/{session_id}", code="session_not_found")
    w.check(here.delete(f"{SESSIONS}/{other}", headers={"origin": "https://evil.example"}), "DELETE",
            SESSIONS + "/{session_id}", code="origin_mismatch")
    w.check(here.post(SESSIONS + "/sign-out-others"), "POST", SESSIONS + "/sign-out-others")

    # Adaptive CAPTCHA at Lakeside (the default threshold, 3): the third failure says so.
    guesser = gateway.browser(source_ip="203.0.113.70")
    for _ in range(3):
        last = w.check(login(guesser, "NobodyY", "guess", clinic="Lakeside"), "POST", LOGIN,
                       code="invalid_credentials")
    assert last.json()["captcha_required"] is True
    w.check(login(guesser, "NobodyY", "guess", clinic="Lakeside"), "POST", LOGIN, code="captcha_invalid")
    w.check(guesser.get("/api/clinics/Lakeside"), "GET", CLINIC)

    w.assert_ok()

    # Every documented operation had a success reply checked against its schema
    # (the management routes' replies are checked in test_openapi_management.py, the
    # secure messages' in tests/sections/messages/test_message_wire.py, the appointments'
    # in tests/sections/appointments/test_appointment_wire.py, the documents' in
    # tests/sections/documents/test_document_wire.py, refills' and billing's in
    # tests/sections/test_section_wire.py, the integration
    # API's and its keys' in tests/integrations/test_integration_wire.py).
    from tests.api.test_openapi_management import MANAGEMENT

    doc = load_doc()
    unchecked = []
    for path, method, op, _ in operations(doc):
        if path.startswith(MANAGEMENT) or path.startswith(("/api/clinics/{clinic_id}/inbox",
                                                           "/api/clinics/{clinic_id}/conversations",
                                                           "/api/clinics/{clinic_id}/appointment",
                                                           "/api/clinics/{clinic_id}/providers",
                                                           "/api/clinics/{clinic_id}/my-schedule",
                                                           "/api/clinics/{clinic_id}/documents",
                                                           # tests/sections/test_section_wire.py
                                                           "/api/clinics/{clinic_id}/medications",
                                                           "/api/clinics/{clinic_id}/refill-requests",
                                                           "/api/clinics/{clinic_id}/billing",
                                                           "/api/clinics/{clinic_id}/integration-keys",
                                                           "/api/integration/",
                                                           # tests/auth/test_passkey_wire.py
                                                           "/api/me/passkeys", "/api/me/reauth",
                                                           "/api/clinics/{clinic_id}/login/passkey")):
            continue
        success = {s for s in op.get("responses", {}) if str(s).startswith("2")}
        if not any((path, method, s) in w.checked for s in success):
            unchecked.append(f"{method.upper()} {path}")
    assert not unchecked, ("No success reply of these operations was checked against the document; "
                           f"add a call to test_wire_matches_document: {unchecked}")


def _check_mfa(w, gateway, clock) -> None:
    """Two-factor authentication: set-up, the login's second step, codes, turning it off."""
    import pyotp

    me, step = "/api/me/mfa", "/api/clinics/{clinic_id}/login/mfa"
    b = gateway.browser()
    assert login(b, "PatelR", CLINICIAN_PW).status == 200
    w.check(b.get(me), "GET", me)
    w.check(b.post(me + "/confirm", json={"code": "123456"}), "POST", me + "/confirm", code="mfa_not_pending")
    r = b.post(me + "/setup")
    w.check(r, "POST", me + "/setup")
    totp = pyotp.TOTP(r.json()["secret"])
    w.check(b.post(me + "/confirm", json={"code": totp.at(clock())}), "POST", me + "/confirm")
    w.check(b.post(me + "/setup"), "POST", me + "/setup", code="mfa_already_enabled")
    w.check(b.post(me + "/recovery-codes", json={"code": totp.at(clock())}), "POST", me + "/recovery-codes",
            code="mfa_code_invalid")   # the code just used
    first = login(gateway.browser(), "PatelR", CLINICIAN_PW)
    w.check(first, "POST", "/api/clinics/{clinic_id}/login")
    w.check(gateway.browser().post("/api/clinics/SUNRISE/login/mfa", json={"mfa_token": "x" * 43, "code": "1"}),
            "POST", step, code="mfa_token_invalid")
    w.check(b.post(me + "/disable", json={"password": "wrong"}), "POST", me + "/disable", code="mfa_code_invalid")
    clock.advance(30)
    r = gateway.browser().post("/api/clinics/SUNRISE/login/mfa",
                               json={"mfa_token": first.json()["mfa_token"], "code": totp.at(clock())})
    w.check(r, "POST", step)
    w.check(b.post(me + "/disable", json={"password": CLINICIAN_PW}), "POST", me + "/disable")
    w.check(b.post(me + "/disable", json={"password": CLINICIAN_PW}), "POST", me + "/disable",
            code="mfa_not_enabled")
    totp = pyotp.TOTP(b.post(me + "/setup").json()["secret"])
    assert b.post(me + "/confirm", json={"code": totp.at(clock())}).status == 200
    clock.advance(30)
    w.check(b.post(me + "/recovery-codes", json={"code": totp.at(clock())}), "POST", me + "/recovery-codes")


@pytest.mark.parametrize("status", ["429", "503"])
def test_retry_after_is_on_the_wire_when_documented(gateway, seeded, status):
    """The header the document promises on 429/503 is actually sent."""
    w = Wire()
    b = gateway.browser(source_ip="203.0.113.60")
    if status == "429":
        for _ in range(5):
            login(b, "DoeJ", "wrong password")
        r = w.check(login(b, "DoeJ", ADMIN_PW), "POST", "/api/clinics/{clinic_id}/login",
                    code="too_many_attempts")
    else:
        from unittest import mock

        from botocore.exceptions import EndpointConnectionError

        # The clinic lookup reads the clinic and the caller's IP counter in one TransactGet.
        with mock.patch("chalicelib.core.db.transact_get",
                        side_effect=EndpointConnectionError(endpoint_url="http://dynamodb")):
            r = w.check(b.get("/api/clinics/SUNRISE"), "GET", "/api/clinics/{clinic_id}",
                        code="service_unavailable")
    assert r.status == int(status), r.text
    assert int(r.header("Retry-After")) > 0
    w.assert_ok()
