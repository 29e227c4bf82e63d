"""CAPTCHA verification, pluggable per stage.

- `recaptcha`: Google reCAPTCHA v2, checked server-side with `siteverify`; the
  secret is read from SSM Parameter Store (SecureString) once per container.
- `local`: for the embedded stack and tests. The page's "I'm not a robot"
  checkbox asks the server for a short-lived, single-use token; it works offline.
"""
from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

from chalicelib.core.errors import InvalidRequest, ServiceUnavailable
from chalicelib.core.ids import hash_token, new_token, now

SITEVERIFY_URL = "https://www.google.com/recaptcha/api/siteverify"
LOCAL_TOKEN_TTL_S = 120
MAX_TOKEN_LENGTH = 4096

_secret_cache: dict[str, str] = {}
_secret_lock = threading.Lock()


def captcha_invalid() -> InvalidRequest:
    error = InvalidRequest("Please confirm you are not a robot, then try again.", code="captcha_invalid")
    error.extra = {"captcha_required": True}   # the page shows the check (adaptive_captcha.py)
    return error


class LocalVerifier:
    provider = "local"

    def issue(self, clinic_key: str) -> str:
        from chalicelib.models import TokenModel

        token, token_hash = new_token()
        at = now()
        TokenModel(token_hash, kind="captcha", clinic_key=clinic_key, created_at=at,
                   expires_at=datetime.fromtimestamp(at + LOCAL_TOKEN_TTL_S, tz=UTC)).save()
        return token

    def verify(self, token: str, clinic_key: str, remote_ip: str | None) -> bool:
        from pynamodb.exceptions import DeleteError

        from chalicelib.models import TokenModel

        # Single use: the delete succeeds for exactly one request.
        item = TokenModel(hash_token(token))
        try:
            item.delete(condition=(TokenModel.kind == "captcha") & (TokenModel.clinic_key == clinic_key)
                        & (TokenModel.expires_at > datetime.fromtimestamp(now(), tz=UTC)))
        except DeleteError:
            return False
        return True


class RecaptchaVerifier:
    provider = "recaptcha"

    def __init__(self, secret_parameter: str, expected_hostname: str | None):
        self.secret_parameter = secret_parameter
        self.expected_hostname = expected_hostname

    def secret(self) -> str:
        cached = _secret_cache.get(self.secret_parameter)
        if cached:
            return cached
        with _secret_lock:
            if self.secret_parameter not in _secret_cache:
                import boto3  # only on the first CAPTCHA check of a container

                response = boto3.client("ssm").get_parameter(Name=self.secret_parameter, WithDecryption=True)
                _secret_cache[self.secret_parameter] = response["Parameter"]["Value"]
            return _secret_cache[self.secret_parameter]

    def verify(self, token: str, clinic_key: str, remote_ip: str | None) -> bool:
        from urllib.parse import urlencode
        from urllib.request import Request

        form = {"secret": self.secret(), "response": token}
        if remote_ip:
            form["remoteip"] = remote_ip
        request = Request(SITEVERIFY_URL, data=urlencode(form).encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            result = json.loads(_post(request))
        except (OSError, ValueError):
            raise ServiceUnavailable("The CAPTCHA check is not answering. Please try again in a minute.",
                                     code="captcha_unavailable", retry_after=30) from None
        if not result.get("success"):
            return False
        return not (self.expected_hostname and result.get("hostname") not in (None, self.expected_hostname))


def _post(request) -> bytes:
    from urllib.request import urlopen

    # The request goes to the fixed https SITEVERIFY_URL, never to a caller-supplied URL.
    with urlopen(request, timeout=5) as response:  # noqa: S310  # nosec B310
        return response.read(65536)


def verifier():
    from urllib.parse import urlparse

    from chalicelib.core.settings import get_settings

    s = get_settings()
    if s.captcha_provider == "local":
        return LocalVerifier()
    return RecaptchaVerifier(s.recaptcha_secret_parameter, urlparse(s.public_base_url).hostname)


def public_config(clinic, *, required: bool | None = None) -> dict:
    """What a login page needs to show the CAPTCHA for this clinic (`required`: as
    decided for this caller, adaptive_captcha.py; else the clinic's setting)."""
    from chalicelib.core.settings import get_settings

    s = get_settings()
    return {
        "required": clinic.settings.captcha_required if required is None else required,
        "provider": s.captcha_provider,
        "site_key": s.recaptcha_site_key if s.captcha_provider == "recaptcha" else None,
    }


def require_captcha(clinic, token, remote_ip: str | None, *, required: bool | None = None) -> None:
    """Raise captcha_invalid unless no CAPTCHA is required or the token passes.
    `required`: as decided for this attempt (adaptive_captcha.py); else the clinic's setting."""
    if not (clinic.settings.captcha_required if required is None else required):
        return
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise captcha_invalid()
    if not verifier().verify(token, clinic.clinic_key, remote_ip):
        raise captcha_invalid()
