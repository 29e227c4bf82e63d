"""Passkeys' request bodies (see `bodies.py` and `requests.py`). A `credential` is
what the browser's navigator.credentials.create()/get() gave, as JSON (the page's
web/passkey-codec.js writes it): checked by py_webauthn, so here only its size."""
from __future__ import annotations

from chalicelib.api.bodies import MFA_CODE, _login_types
from chalicelib.api.fields import Choice, JsonObject, Text
from chalicelib.api.requests import Body, optional, request_body, required
from chalicelib.core import limits

CREDENTIAL = JsonObject(8000, 4)
NAME = Text(limits.PASSKEY_NAME_MAX, one_line=True, strip=True)


@request_body
class ReauthBody(Body):
    """Confirming it's you: the password, or a code from the authenticator app."""
    password: str | None = optional(Text(limits.PASSWORD_MAX))
    code: str | None = optional(MFA_CODE)


@request_body
class AddPasskeyBody(Body):
    credential: dict = required(CREDENTIAL)
    name: str = required(NAME)


@request_body
class RenamePasskeyBody(Body):
    name: str = required(NAME)


@request_body
class PasskeyLoginOptionsBody(Body):
    login_type: str = required(_login_types())


@request_body
class PasskeyLoginBody(Body):
    credential: dict = required(CREDENTIAL)
    session_delivery: str = optional(Choice(("cookie", "bearer")), default="cookie")
