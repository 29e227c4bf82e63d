"""Who may call a route: the session from its cookie or bearer token, the clinic
in the path, the permission it needs, and the Origin check that keeps other sites
from making changes with a visitor's cookie. The guards here are what
`http.route(guard=...)` runs before a view sees its body."""
from __future__ import annotations

from urllib.parse import urlparse

from chalicelib.core.errors import Forbidden

SESSION_COOKIE = "portal_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def allowed_origins() -> set[str]:
    """The origins a state change may come from: the stage's configured public base
    URL, plus on the local stack its own loopback addresses (PORTAL_LOCAL_ORIGINS,
    set by infra/local.py). Never derived from a request header: Host is the client's."""
    from chalicelib.core.settings import get_settings

    s = get_settings()
    base = urlparse(s.public_base_url)
    return {f"{base.scheme}://{base.netloc}", *s.local_origins}


def check_origin(request, *, required: bool) -> None:
    """Refuse a cross-site state change. Browsers send Origin on every POST;
    a cookie-authenticated change without one is refused too."""
    origin = request.headers.get("origin")
    if origin is None and not required:
        return
    if origin not in allowed_origins():
        raise Forbidden("This request came from another site and was refused.", code="origin_mismatch")


def session_token(request) -> tuple[str | None, bool]:
    """(token, came_from_cookie)."""
    auth = request.headers.get("authorization") or ""
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip(), False
    cookie_header = request.headers.get("cookie") or ""
    for part in cookie_header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == SESSION_COOKIE and value:
            return value, True
    return None, False


def authenticate(request, *, allow_pending_change: bool = False):
    from chalicelib.auth.sessions import load_session

    token, from_cookie = session_token(request)
    if from_cookie and request.method not in SAFE_METHODS:
        check_origin(request, required=True)
    session = load_session(token)
    if not allow_pending_change:
        refuse_pending(session)
    return session


BACKGROUND_HEADER = "x-portal-background"


def is_background(request) -> bool:
    """A page's own refresh (`X-Portal-Background: 1`), not the person's activity: it
    must not keep an idle session alive (auth.sessions.load_with(touch=False))."""
    return (request.headers or {}).get(BACKGROUND_HEADER) == "1"


def refuse_pending(session) -> None:
    """A session that must first change its password or set up 2FA reaches nothing else."""
    if session.password_change_required:
        raise Forbidden("Change your password before you continue.", code="password_change_required")
    if session.mfa_enrolment_required:
        raise Forbidden("Set up two-factor authentication before you continue.", code="mfa_enrolment_required")


def authenticate_patient(request, patient_id: object, *, permission: str | None = None):
    """(session, grant) for a patient-side request about `patient_id`: a portal
    login's session and its grant for that patient, read in one TransactGetItems;
    the grant must work (active, not expired, login active) and hold `permission` (a
    section of `chalicelib.sections`). Staff are 403 `forbidden`; anything else (another
    patient, a disabled or expired grant) is 403 `no_patient_access`, the same whether or
    not the patient exists; a grant without the section is 403 `section_not_permitted`."""
    session, grant, _extras = authenticate_patient_with(request, patient_id, permission=permission)
    return session, grant


def authenticate_patient_with(request, patient_id: object, extra_keys=None, *, permission: str | None = None):
    """(session, grant, extras): as `authenticate_patient`, and the items `extra_keys(clinic_key,
    grant_id)` names ((model, hash, range) tuples, e.g. the home's counters), read in the same
    TransactGetItems (`auth.sessions.load_with`); a background poll (`is_background`) does not
    refresh the session. The same checks as `authenticate_patient`, in the same order."""
    from chalicelib.auth.sessions import load_with
    from chalicelib.core.limits import PATIENT_ID_RE
    from chalicelib.portal_accounts.grants import grant_id_for, no_access, works

    token, from_cookie = session_token(request)
    if from_cookie and request.method not in SAFE_METHODS:
        check_origin(request, required=True)
    valid = isinstance(patient_id, str) and PATIENT_ID_RE.fullmatch(patient_id)
    pid = patient_id if valid else "-"

    def keys(clinic_key, kind, subject_id):
        if extra_keys is None or kind != "patient":
            return []   # staff are refused below: nothing more to read
        return extra_keys(clinic_key, grant_id_for(subject_id, pid))

    session, login, grant, extras = load_with(token, pid, keys, touch=not is_background(request))
    refuse_pending(session)
    if session.kind != "patient":
        raise Forbidden("You do not have permission to do that.", code="forbidden")
    if not valid or not works(grant, login):
        raise no_access()
    if permission is not None and permission not in (grant.permissions or []):
        raise Forbidden("You do not have access to that section for this patient.", code="section_not_permitted")
    return session, grant, extras


def authenticate_staff_with(request, clinic_id: object, extra_keys):
    """(session, extras) for a staff page of the clinic in the path that reads more items with
    the session (`extra_keys(clinic_key, staff_id)`, e.g. the workspace's counters) in one
    TransactGetItems. The clinic is the session's own (a live session's clinic exists), so
    it is not read again; another clinic is 403 `wrong_clinic`, a portal login 403 `forbidden`;
    a background poll does not refresh the session."""
    from chalicelib.auth.sessions import load_with
    from chalicelib.clinics.records import CLINIC_ID_RE, clinic_key

    token, _from_cookie = session_token(request)

    def keys(ckey, kind, subject_id):
        return extra_keys(ckey, subject_id) if kind == "staff" else []

    session, _login, _grant, extras = load_with(token, None, keys, touch=not is_background(request))
    refuse_pending(session)
    if not isinstance(clinic_id, str) or not CLINIC_ID_RE.fullmatch(clinic_id) \
            or clinic_key(clinic_id) != session.clinic_key:
        raise Forbidden("You are signed in to a different clinic.", code="wrong_clinic")
    if session.kind != "staff":
        raise Forbidden("You do not have permission to do that.", code="forbidden")
    return session, extras


def authenticate_clinic(request, clinic_id: str, *, permission: str | None = None):
    """(session, clinic) for a clinic-scoped route: the session must belong to the
    clinic in the path, the clinic must exist, and the permission be held."""
    from chalicelib.clinics.records import clinic_key, get_clinic

    session = authenticate(request)
    if clinic_key(clinic_id) != session.clinic_key:
        raise Forbidden("You are signed in to a different clinic.", code="wrong_clinic")
    clinic = get_clinic(clinic_id)
    if permission is not None and (session.kind != "staff" or permission not in session.permissions):
        raise Forbidden("You do not have permission to do that.", code="forbidden")
    return session, clinic


def _cookie(name: str, value: str, path: str, max_age: int | None) -> str:
    from chalicelib.core.settings import get_settings

    parts = [f"{name}={value}", f"Path={path}", "HttpOnly", "SameSite=Strict"]
    if get_settings().cookie_secure:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts)


def session_cookie(token: str | None) -> str:
    return _cookie(SESSION_COOKIE, token or "", "/", None if token else 0)


# ---------------------------------------------------------------- device cookies (auth/devices.py)

def login_path(clinic_id: str) -> str:
    """Where device cookies are sent: the login URL only, as the browser wrote it."""
    return f"/api/clinics/{clinic_id}/login"


def device_cookies(request) -> dict[str, str]:
    """The device cookies a request carries ({name: token}; the first of a name wins)."""
    from chalicelib.auth.devices import COOKIE_PREFIX

    found: dict[str, str] = {}
    for part in (request.headers.get("cookie") or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name.startswith(COOKIE_PREFIX) and value:
            found.setdefault(name, value)
    return found


def device_cookie(name: str, token: str | None, clinic_id: str, max_age: int) -> str:
    """Set (or, without a token, clear) one person's device cookie."""
    return _cookie(name, token or "", login_path(clinic_id), max_age if token else 0)


# ---------------------------------------------------------------- guards for `route(guard=...)`

def public_origin(request, **_params) -> None:
    """A route anyone may call; a browser's cross-site POST is still refused."""
    check_origin(request, required=False)


def signed_in(*, allow_pending_change: bool = False):
    def guard(request, **_params):
        return authenticate(request, allow_pending_change=allow_pending_change)
    return guard


def clinic_permission(permission: str):
    """(session, clinic) of a clinic-scoped route for a holder of `permission`."""
    def guard(request, clinic_id, **_params):
        return authenticate_clinic(request, clinic_id, permission=permission)
    return guard


def clinic_any_permission(*permissions: str):
    """(session, clinic) of a clinic-scoped route for a holder of any of `permissions`."""
    def guard(request, clinic_id, **_params):
        session, clinic = authenticate_clinic(request, clinic_id)
        if session.kind != "staff" or not set(permissions) & set(session.permissions):
            raise Forbidden("You do not have permission to do that.", code="forbidden")
        return session, clinic
    return guard


def patient_access(permission: str | None = None):
    """(session, grant) of a patient-side route `.../patients/{patient_id}/...`."""
    def guard(request, patient_id, **_params):
        return authenticate_patient(request, patient_id, permission=permission)
    return guard
