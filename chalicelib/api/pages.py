"""The HTML pages and their static assets, served under a strict CSP.

No build step: plain HTML, CSS and JavaScript files in chalicelib/web/.
"""
import functools
import os
from urllib.parse import urlencode

from chalice import Blueprint, Response

from chalicelib.api.http import route

bp = Blueprint(__name__)

WEB_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "web")
PAGES = {"/": "index.html", "/home": "home.html",
         "/portal-accounts/setup": "account-setup.html", "/portal-accounts": "user-management.html",
         "/staff": "staff.html", "/settings": "settings.html", "/invite": "invite.html"}
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml"}


@functools.lru_cache(maxsize=32)
def _read(name: str) -> str:
    with open(os.path.join(WEB_DIR, name), encoding="utf-8") as f:
        return f.read()


def content_security_policy() -> str:
    from chalicelib.core.settings import get_settings

    script, frame = "'self'", "'none'"
    if get_settings().captcha_provider == "recaptcha":
        script += " https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/"
        frame = "https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/"
    return ("default-src 'self'; "
            f"script-src {script}; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            f"frame-src {frame}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
            "object-src 'none'")


def _page(name: str) -> Response:
    return Response(body=_read(name), status_code=200, headers={
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "Content-Security-Policy": content_security_policy(),
    })


def _register_page(path: str, name: str) -> None:
    route(bp, path)(lambda request: _page(name))


for _path, _name in PAGES.items():
    _register_page(_path, _name)


@route(bp, "/index.aspx")
def legacy_bookmark(request):
    """Old bookmarks (`/index.aspx?clinicID=X&LoginType=Staff`) land on the login page."""
    params = {k.lower(): v for k, v in (request.query_params or {}).items()}
    keep = {}
    if params.get("clinicid"):
        keep["clinicID"] = params["clinicid"][:64]
    if params.get("logintype"):
        keep["LoginType"] = params["logintype"][:16]
    location = "/" + (("?" + urlencode(keep)) if keep else "")
    return Response(body="", status_code=302, headers={"Location": location, "Cache-Control": "no-store"})


@route(bp, "/static/{name}")
def static(request, name):
    from chalicelib.api.http import json_response

    ext = os.path.splitext(name)[1]
    if ext not in STATIC_TYPES or "/" in name or "\\" in name or name.startswith("."):
        return json_response({"error": "not_found", "message": "No such file."}, 404)
    try:
        body = _read(name)
    except FileNotFoundError:
        return json_response({"error": "not_found", "message": "No such file."}, 404)
    return Response(body=body, status_code=200, headers={
        "Content-Type": STATIC_TYPES[ext], "Cache-Control": "public, max-age=300"})
