"""The HTML pages and their static assets, served under a strict CSP.

No build step: plain HTML, CSS and JavaScript modules in chalicelib/web/. Each
page file holds a few `name: value` lines (title, script, styles, ...), `---`,
then its own content; `shell.html` (head, header, skip link, noscript) and, for
the staff tools, `staff-frame.html` (tools navigation, loading, no-permission)
are written once and wrapped around it here; `{{> part.html key=value}}` on a
line of its own brings in a shared part (its `{{key}}` slots filled). `{{NAME_MAX}}`-style names in a
page are the limits of `chalicelib/core/limits.py`. The lists the server owns
are served as `/static/portal-config.json` (`page_config.py`).
"""
import functools
import json
import os
import re
from urllib.parse import urlencode

from chalice import Blueprint, Response

from chalicelib.api.http import route

bp = Blueprint(__name__)

WEB_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "web")
PAGES = {"/": "index.html", "/home": "home.html",
         "/portal-accounts/setup": "account-setup.html", "/portal-accounts": "user-management.html",
         "/staff": "staff.html", "/settings": "settings.html", "/invite": "invite.html",
         "/forgot": "forgot.html", "/reset": "reset.html", "/password": "password.html",
         "/two-factor": "two-factor.html", "/passkeys": "passkeys.html",
         "/sessions": "sessions.html",
         "/audit": "audit.html", "/patients": "patients.html",
         "/forms": "forms.html", "/forms-review": "forms-review.html", "/form-templates": "form-templates.html",
         "/messages": "messages.html", "/inbox": "inbox.html",
         "/appointments": "appointments.html", "/schedule": "schedule.html",
         "/appointment-requests": "appointment-requests.html",
         "/documents": "documents.html", "/results": "results.html", "/visit-summaries": "visit-summaries.html",
         "/refills": "refills.html", "/billing": "billing.html", "/medications": "medications.html",
         "/refill-requests": "refill-requests.html", "/statements": "statements.html",
         "/integrations": "integrations.html"}
# Pages with an id in their path: the page's script reads the id from the address.
RECORD_PAGES = {"/patients/{patient_id}": "patient.html"}
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml"}
CONFIG_NAME = "portal-config.json"
FRAMES = {"staff": "staff-frame.html"}
_SLOT = re.compile(r"\{\{([A-Za-z_]+)\}\}")
_INCLUDE = re.compile(r"^\{\{> ([a-z-]+\.html)((?: [a-z_]+=[A-Za-z0-9_-]+)*)\}\}$", re.MULTILINE)


@functools.lru_cache(maxsize=32)
def _read(name: str) -> str:
    with open(os.path.join(WEB_DIR, name), encoding="utf-8") as f:
        return f.read()


def _fill(template: str, values: dict) -> str:
    def one(match):
        if match.group(1) not in values:
            raise KeyError(f"no value for {{{{{match.group(1)}}}}}")
        return str(values[match.group(1)])
    return _SLOT.sub(one, template)


def _includes(content: str, depth: int = 3) -> str:
    """`{{> part.html key=value ...}}` on a line of its own: that fragment, its slots
    filled (a fragment may bring in others, a few levels deep)."""
    def one(match):
        values = dict(pair.split("=", 1) for pair in match.group(2).split())
        part = _SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), _read(match.group(1))).rstrip("\n")
        return _includes(part, depth - 1) if depth > 1 else part
    return _INCLUDE.sub(one, content)


@functools.lru_cache(maxsize=16)
def assemble(name: str) -> str:
    """The whole HTML of page file `name`: its content inside the shell."""
    from chalicelib.api.page_config import LIMIT_NAMES
    from chalicelib.core import limits

    head, content = _read(name).split("---\n", 1)
    meta = dict(line.split(": ", 1) for line in head.splitlines() if line.strip())
    content = _fill(_includes(content), {n: getattr(limits, n) for n in LIMIT_NAMES})
    if meta.get("frame"):
        content = _fill(_read(FRAMES[meta["frame"]]), {"no_permission": meta["no-permission"],
                                                        "content": content.rstrip("\n")})
    styles = "".join(f'  <link rel="stylesheet" href="/static/{s}">\n' for s in meta.get("styles", "").split())
    return _fill(_read("shell.html"), {
        "title": meta["title"],
        "styles": styles.rstrip("\n"),
        "script": meta["script"],
        "body_class": f' class="{meta["body"]}"' if meta.get("body") else "",
        "skip": meta.get("skip", "Skip to the main content"),
        "content": content.rstrip("\n"),
    })


@functools.lru_cache(maxsize=1)
def config_document() -> str:
    from chalicelib.api.page_config import portal_config

    return json.dumps(portal_config(), indent=1, sort_keys=True)


def content_security_policy() -> str:
    from chalicelib.core.settings import get_settings

    script, frame = "'self'", "'none'"
    if get_settings().captcha_provider == "recaptcha":
        script += " https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/"
        frame = "https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/"
    # The staff upload page POSTs a file straight to the documents bucket (sections/documents).
    from chalicelib.sections.documents.storage import upload_origins

    connect = " ".join(["'self'", *upload_origins()])
    return ("default-src 'self'; "
            f"script-src {script}; style-src 'self'; img-src 'self' data:; connect-src {connect}; "
            f"frame-src {frame}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
            "object-src 'none'")


def _page(name: str) -> Response:
    return Response(body=assemble(name), status_code=200, headers={
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "Content-Security-Policy": content_security_policy(),
    })


def _register_page(path: str, name: str) -> None:
    route(bp, path)(lambda request: _page(name))


for _path, _name in PAGES.items():
    _register_page(_path, _name)


def _register_record_page(path: str, name: str) -> None:
    route(bp, path)(lambda request, **_ids: _page(name))


for _path, _name in RECORD_PAGES.items():
    _register_record_page(_path, _name)


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

    if name == CONFIG_NAME:
        return Response(body=config_document(), status_code=200, headers={
            "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300"})
    ext = os.path.splitext(name)[1]
    if ext not in STATIC_TYPES or "/" in name or "\\" in name or name.startswith("."):
        return json_response({"error": "not_found", "message": "No such file."}, 404)
    try:
        body = _read(name)
    except FileNotFoundError:
        return json_response({"error": "not_found", "message": "No such file."}, 404)
    return Response(body=body, status_code=200, headers={
        "Content-Type": STATIC_TYPES[ext], "Cache-Control": "public, max-age=300"})
