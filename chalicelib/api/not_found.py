"""The answer for an address no route serves: an HTML "Page not found" page for
page paths, the JSON error shape for `/api/` paths.

API Gateway answers such a request itself, before the Lambda runs, so the app
never sees it. The same answer is given in three places: the deployed stage's
gateway responses (infra/template.py, from `page_html()` and `API_BODY`), the
local stack's server (infra/local.py) and the in-process test gateway
(infra/gateway.py), both through `reply(path)`.
"""
from __future__ import annotations

import json

MESSAGE = "There is nothing at this address."
API_BODY = {"error": "not_found", "message": MESSAGE}
PAGE_NAME = "not-found.html"


def is_api_path(path: str) -> bool:
    path = path.split("?", 1)[0]
    return path == "/api" or path.startswith("/api/")


def page_html() -> str:
    from chalicelib.api.pages import assemble

    return assemble(PAGE_NAME)


def reply(path: str) -> tuple[int, dict, bytes]:
    """(404, headers, body) for `path` (query string allowed), with the headers every
    response of the app carries (the page's own CSP for the HTML page)."""
    from chalice import Response

    from chalicelib.api.http import security_headers
    from chalicelib.api.pages import content_security_policy

    if is_api_path(path):
        response = Response(body=json.dumps(API_BODY, separators=(",", ":")), status_code=404,
                            headers={"Content-Type": "application/json", "Cache-Control": "no-store"})
    else:
        response = Response(body=page_html(), status_code=404, headers={
            "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
            "Content-Security-Policy": content_security_policy()})
    headers = dict(security_headers(None, lambda _event: response).headers)
    return 404, headers, response.body.encode("utf-8")
