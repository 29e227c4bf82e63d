"""The HTTP edge shared by every blueprint: `route()` (guard, typed body, one
place that maps errors to responses), bounded JSON bodies, the record replies
(ETag, If-Match) and the security headers. Who may call a route: `access.py`."""
from __future__ import annotations

import functools
import json
import logging

from chalice import Response

from chalicelib.core.audit import RequestInfo
from chalicelib.core.errors import InvalidRequest, PortalError, ServiceUnavailable, UnsupportedMediaType

log = logging.getLogger("portal")

ANY_CONTENT_TYPE = ["*/*"]


# ---------------------------------------------------------------- responses

def json_response(body, status: int = 200, headers: dict | None = None) -> Response:
    h = {"Content-Type": "application/json", "Cache-Control": "no-store"}
    h.update(headers or {})
    if body is None:
        return Response(body="", status_code=status, headers=h)
    return Response(body=json.dumps(body, separators=(",", ":")), status_code=status, headers=h)


def error_response(exc: PortalError) -> Response:
    headers = {}
    if exc.retry_after is not None:
        headers["Retry-After"] = str(int(exc.retry_after))
    return json_response({"error": exc.code, "message": exc.message, **(exc.extra or {})}, exc.status, headers)


def map_exception(exc: Exception) -> Response:
    """The one place an exception becomes an HTTP response."""
    if isinstance(exc, PortalError):
        return error_response(exc)
    from chalicelib.core.db import is_dependency_failure

    if is_dependency_failure(exc):
        log.error("dependency failure: %s", type(exc).__name__, exc_info=False)
        return error_response(ServiceUnavailable(
            "The service is briefly unavailable. Please try again in a moment.", retry_after=5))
    log.exception("unhandled error")
    return json_response({"error": "internal_error",
                          "message": "Something went wrong on our side. Please try again."}, 500)


# (METHOD, path) -> the Body class a route parses; read by the OpenAPI tests through
# `body_classes()`.
BODIES: dict[tuple[str, str], type] = {}
# Routes that parse their body themselves (the integration API, by resource) name their
# body classes for those tests with a loader, run only when asked: a cold start does not
# import them.
_LATER: list = []


def document_bodies_later(loader) -> None:
    """`loader(BODIES)` adds entries when the body classes are first asked for."""
    _LATER.append(loader)


def body_classes() -> dict[tuple[str, str], type]:
    while _LATER:
        _LATER.pop(0)(BODIES)
    return BODIES


def route(bp, path: str, methods=("GET",), *, body: type | None = None, guard=None):
    """Register a view on a blueprint; the view gets the request first, then the
    path parameters. Every error it raises goes through `map_exception`.

    `guard(request, **path_params)` runs first (origin, session, permission) and its
    result reaches the view as `auth=`; then, with `body` (a `requests.Body` class),
    the JSON body is parsed and reaches the view as `body=`. So a caller who may not
    act learns that before anything about their body, and no view reads raw JSON."""
    def decorate(view):
        @functools.wraps(view)
        def handler(**params):
            request = bp.current_request
            try:
                extra = {}
                if guard is not None:
                    extra["auth"] = guard(request, **params)
                if body is not None:
                    from chalicelib.api.requests import parse_body

                    extra["body"] = parse_body(request, body)
                return view(request, **params, **extra)
            except Exception as exc:  # noqa: BLE001 - mapped, never leaked
                return map_exception(exc)

        for method in methods:
            if body is not None:
                BODIES[(method.upper(), path)] = body
        bp.route(path, methods=list(methods), content_types=ANY_CONTENT_TYPE)(handler)
        return view
    return decorate


# ---------------------------------------------------------------- requests

def request_info(request) -> RequestInfo:
    identity = (request.context or {}).get("identity") or {}
    return RequestInfo(source_ip=identity.get("sourceIp"),
                       user_agent=request.headers.get("user-agent"))


def json_body(request, *, required: tuple = (), optional: tuple = (), field_error=None,
              max_bytes: int | None = None) -> dict:
    """The request's JSON object, bounded in size, with exactly the known fields.
    `field_error(field, message)` makes the error of an unknown or missing field
    (the integration API names the field: 400 `invalid_field`). `max_bytes`: a larger
    bound than the stage's for a body that carries a file (integration `results`)."""
    from chalicelib.core.settings import get_settings

    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaType("Send the request body as JSON (Content-Type: application/json).")
    raw = request.raw_body or b""
    limit = max(max_bytes or 0, get_settings().max_body_bytes)
    if len(raw) > limit:
        raise InvalidRequest(f"The request body is larger than {limit} bytes.", code="body_too_large")
    try:
        body = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys,
                          parse_constant=_no_constant)
    except _DuplicateKey as exc:
        raise InvalidRequest(f"Duplicate field: {exc.args[0]}.") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidRequest("The request body is not valid JSON.", code="invalid_json") from None
    if not isinstance(body, dict):
        raise InvalidRequest("The request body must be a JSON object.", code="invalid_json")
    error = field_error or (lambda _field, message: InvalidRequest(message))
    unknown = sorted(set(body) - set(required) - set(optional))
    if unknown:
        raise error(unknown[0], f"Unknown field: {unknown[0]}.")
    missing = [name for name in required if name not in body]
    if missing:
        raise error(missing[0], f"Missing field: {missing[0]}.")
    return body


def _no_duplicate_keys(pairs: list) -> dict:
    """JSON objects whose keys repeat are refused: which value wins is not obvious."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


class _DuplicateKey(ValueError):
    pass


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def expected_revision(request, body=None) -> int | None:
    """The revision a change was made from: the `If-Match` header (`"3"`, as the
    ETag gave it) or the body's `revision`; None when neither is sent (`*` too)."""
    from chalicelib.api.requests import ABSENT
    from chalicelib.core.limits import REVISION_MAX

    sent = getattr(body, "revision", ABSENT)
    body_revision = None if sent is ABSENT else sent
    header = request.headers.get("if-match")
    if header is None:
        return body_revision
    value = header.strip()
    if value == "*":
        return None
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit() or len(value) > len(str(REVISION_MAX)) or int(value) > REVISION_MAX:
        raise InvalidRequest('If-Match must be the record\'s ETag, e.g. "3".', code="invalid_if_match")
    if body_revision is not None and body_revision != int(value):
        raise InvalidRequest("If-Match and revision disagree; send one of them.", code="invalid_if_match")
    return int(value)


def record_response(body: dict, item, status: int = 200) -> Response:
    """A reply about one editable record: its envelope plus `ETag: "<revision>"`."""
    from chalicelib.api.serializers import etag

    return json_response(body, status, {"ETag": etag(item)})


def issued_response(kind: str, shape, result, status: int = 200) -> Response:
    """`{"<kind>": shape(item)}`, plus `"credentials"` when the use case issued a
    password (`people.admin.Issued`), with the record's ETag."""
    from chalicelib.people.admin import Issued

    item = result.item if isinstance(result, Issued) else result
    body = {kind: shape(item)}
    if isinstance(result, Issued) and result.credentials is not None:
        body["credentials"] = result.credentials
    return record_response(body, item, status)


# ---------------------------------------------------------------- every response

def security_headers(event, get_response):
    """Chalice HTTP middleware: security headers on every response."""
    from chalicelib.core.settings import get_settings

    response = get_response(event)
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if get_settings().deployed:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    return response


def register_actions(bp, path: str, guard, actions: dict, view_for) -> None:
    """`POST <path>/<action>` for each of `actions` ({action: (view name, use case
    name, keyword arguments)}): `view_for(use case name, **arguments)` builds the view."""
    for action, (view_name, use_case, arguments) in actions.items():
        view = view_for(use_case, **arguments)
        view.__name__ = view.__qualname__ = view_name
        route(bp, f"{path}/{action}", methods=("POST",), guard=guard)(view)


def fresh_or_json(request, etag: str, build_body, status: int = 200) -> Response:
    """A page's "has anything changed?" answer: 304 with no body when the request's
    `If-None-Match` names `etag` (only that check was paid for), else `build_body()`
    as JSON with `ETag: etag`. Pages that refresh themselves poll with it
    (sections/counters.py gives the ETag from one BatchGetItem)."""
    sent = (request.headers or {}).get("if-none-match") or ""
    if etag in [t.strip() for t in sent.split(",")]:
        return Response(body="", status_code=304, headers={"ETag": etag, "Cache-Control": "no-cache"})
    return json_response(build_body(), status, {"ETag": etag, "Cache-Control": "no-cache"})
