"""An in-process API Gateway for tests and the bench.

Drives the Chalice app exactly as `chalice local` does (Chalice's LocalGateway),
without a socket, keeping cookies like a browser and letting the caller choose
each request's source IP (API Gateway's `requestContext.identity.sourceIp`).
Safe to use from several threads at once.
"""
from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass, field

from chalice.config import Config
from chalice.local import CustomLocalChalice, LambdaEventConverter, LocalChalice, LocalGateway

SOURCE_IP_HEADER = "x-inprocess-source-ip"  # read only by this test gateway, never by the app
DEFAULT_ORIGIN = "http://127.0.0.1:8000"


class _Converter(LambdaEventConverter):
    def create_lambda_event(self, method, path, headers, body=None):
        headers = dict(headers)
        source_ip = headers.pop(SOURCE_IP_HEADER, "127.0.0.1")
        event = super().create_lambda_event(method, path, headers, body)
        event["requestContext"]["identity"]["sourceIp"] = source_ip
        return event


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return jsonlib.loads(self.body)

    def header(self, name: str):
        """The header's value; of a repeated one (Set-Cookie), the first."""
        values = self.header_values(name)
        return values[0] if values else None

    def header_values(self, name: str) -> list:
        """Every value of a header, as API Gateway sends them (multiValueHeaders)."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return list(value) if isinstance(value, list) else [value]
        return []


def path_matches(request_path: str, cookie_path: str) -> bool:
    """RFC 6265 5.1.4: does a cookie with this Path go with a request for this path?"""
    if request_path == cookie_path:
        return True
    return request_path.startswith(cookie_path) and (
        cookie_path.endswith("/") or request_path[len(cookie_path)] == "/")


@dataclass
class Browser:
    """One user agent: a cookie jar, a source IP and an Origin, like a browser tab.

    `cookies` is {name: value}; `cookie_paths` the Path each was set with (a cookie
    put in `cookies` by hand goes everywhere). A cookie is sent only with requests
    its Path matches, and each Set-Cookie line of a reply is applied."""
    gateway: InProcessGateway
    source_ip: str = "198.51.100.7"
    origin: str | None = DEFAULT_ORIGIN
    user_agent: str = "pytest-browser/1.0"
    cookies: dict = field(default_factory=dict)
    cookie_paths: dict = field(default_factory=dict)

    def request(self, method: str, path: str, *, json=None, body: bytes | None = None,
                headers: dict | None = None) -> Reply:
        h = {"host": "127.0.0.1:8000", "user-agent": self.user_agent, SOURCE_IP_HEADER: self.source_ip}
        if self.origin and method.upper() not in ("GET", "HEAD"):
            h["origin"] = self.origin
        if json is not None:
            body = jsonlib.dumps(json).encode()
            h["content-type"] = "application/json"
        url_path = path.split("?")[0]
        sent = {k: v for k, v in self.cookies.items() if path_matches(url_path, self.cookie_paths.get(k, "/"))}
        if sent:
            h["cookie"] = "; ".join(f"{k}={v}" for k, v in sent.items())
        h.update({k.lower(): v for k, v in (headers or {}).items() if v is not None})
        for k in [k for k, v in (headers or {}).items() if v is None]:
            h.pop(k.lower(), None)
        reply = self.gateway.send(method, path, h, body or b"")
        for cookie in reply.header_values("set-cookie"):
            self._apply(cookie)
        return reply

    def _apply(self, cookie: str) -> None:
        name, _, rest = cookie.partition("=")
        value, *attributes = [part.strip() for part in rest.split(";")]
        attrs = {k.lower(): v for k, _, v in (a.partition("=") for a in attributes)}
        if attrs.get("max-age") == "0" or not value:
            self.cookies.pop(name, None)
            self.cookie_paths.pop(name, None)
        else:
            self.cookies[name] = value
            self.cookie_paths[name] = attrs.get("path") or "/"

    def get(self, path: str, **kw) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw) -> Reply:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw) -> Reply:
        return self.request("PATCH", path, **kw)

    def put(self, path: str, **kw) -> Reply:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw) -> Reply:
        return self.request("DELETE", path, **kw)


class InProcessGateway:
    def __init__(self, app):
        if not isinstance(app, LocalChalice):
            # Same switch `chalice local` makes: current_request becomes thread-local.
            CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)
            app.__class__ = CustomLocalChalice
        self._gateway = LocalGateway(app, Config())
        self._gateway.event_converter = _Converter(self._gateway.event_converter._route_matcher,
                                                   app.api.binary_types)

    def send(self, method: str, path: str, headers: dict, body: bytes) -> Reply:
        from chalice.local import ForbiddenError, LocalGatewayException

        try:
            response = self._gateway.handle_request(method=method.upper(), path=path,
                                                    headers=headers, body=body)
        except ForbiddenError:
            # No route (API Gateway's MISSING_AUTHENTICATION_TOKEN): what the deployed
            # stage's gateway response answers, an HTML page or the JSON error.
            from chalicelib.api import not_found

            return Reply(*not_found.reply(path))
        except LocalGatewayException as exc:
            return Reply(exc.CODE, dict(exc.headers or {}), exc.body or b"")
        body_out = response.get("body") or b""
        if isinstance(body_out, str):
            body_out = body_out.encode("utf-8")
        headers_out = dict(response.get("headers") or {})
        headers_out.update(response.get("multiValueHeaders") or {})   # a repeated header stays a list
        return Reply(response["statusCode"], headers_out, body_out)

    def browser(self, **kw) -> Browser:
        return Browser(self, **kw)
