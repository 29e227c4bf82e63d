"""Errors the use cases raise. The API layer maps them to HTTP in one place
(`chalicelib/api/http.py`); nothing here knows about HTTP beyond the status."""
from __future__ import annotations


class PortalError(Exception):
    status = 400
    code = "invalid_request"
    extra: dict | None = None   # more fields of the error body (e.g. `captcha_required`)

    def __init__(self, message: str, *, code: str | None = None, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.retry_after = retry_after


class InvalidRequest(PortalError):
    status = 400
    code = "invalid_request"


class NotAuthenticated(PortalError):
    status = 401
    code = "not_authenticated"


class InvalidCredentials(PortalError):
    status = 401
    code = "invalid_credentials"


class Forbidden(PortalError):
    status = 403
    code = "forbidden"


class NotFound(PortalError):
    status = 404
    code = "not_found"


class Conflict(PortalError):
    status = 409
    code = "conflict"


class TooManyAttempts(PortalError):
    status = 429
    code = "too_many_attempts"


class ServiceUnavailable(PortalError):
    status = 503
    code = "service_unavailable"


class UnsupportedMediaType(PortalError):
    status = 415
    code = "unsupported_media_type"
