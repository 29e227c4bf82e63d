"""Structured JSON logs: one line per request, and JSON error/warning lines.

Every line the `portal` loggers write is one JSON object on stdout; Lambda sends
each to CloudWatch Logs as one event and Logs Insights finds the fields by itself:

    fields @timestamp, route, status, latency_ms | filter event = "request" and status >= 500

A request line holds exactly these fields and nothing else:

    {"time", "level", "logger": "portal.request", "event": "request", "request_id",
     "aws_request_id"?, "clinic_id", "route", "method", "status", "latency_ms"}

- `route` is the route pattern (`/api/clinics/{clinic_id}/login`), never the raw
  path; `clinic_id` comes from the path and only when it has the shape of a
  Clinic ID (so nothing else typed into that segment reaches the logs).
- Never logged: the query string, the body, any header (Cookie, Authorization,
  User-Agent...), usernames, emails, names, passwords, tokens.

Error and warning lines (`logging.getLogger("portal").error(...)`) carry the
request id of the request they happened in, and for an exception its type and
stack frames (file, line, function) but not its message, which may quote input.

Import cost: standard-library modules that Chalice imports anyway; the logger is
configured on the first request, from the stage's `PORTAL_LOG_LEVEL`. The
`portal` logger does not propagate to the root logger, so tests read these lines
from stdout (capsys), not from caplog (tests/test_request_log.py).
"""
from __future__ import annotations

import contextvars
import json
import logging
import os
import sys
import threading
import time

LOGGER_NAME = "portal"
request_logger = logging.getLogger("portal.request")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("portal_request_id", default=None)
_lock = threading.Lock()
_configured_for: list = [None]  # the Settings object the logger was last configured from

MAX_FRAMES = 20


class JsonFormatter(logging.Formatter):
    """One JSON object per record. Records may carry `fields` (a dict) instead of a message."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        request_id = _request_id.get()
        if request_id and "request_id" not in line:
            line["request_id"] = request_id
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = record.exc_info[0].__name__
            line["stack"] = _frames(record.exc_info[2])
        return json.dumps(line, separators=(",", ":"), default=str)


def _frames(tb) -> list[str]:
    """`file:line in function` for each frame, innermost last; no locals, no message."""
    import traceback

    root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    out = []
    for frame in traceback.extract_tb(tb)[-MAX_FRAMES:]:
        filename = frame.filename
        if filename.startswith(root + os.sep):
            filename = filename[len(root) + 1:]
        out.append(f"{filename}:{frame.lineno} in {frame.name}")
    return out


class StdoutHandler(logging.StreamHandler):
    """Writes to whatever `sys.stdout` is at the moment (so test capture sees it)."""

    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, _value):
        pass


def configure_logging() -> logging.Logger:
    """Give the `portal` loggers their JSON handler and the stage's level (idempotent).

    `propagate` is off: in Lambda the root logger has the runtime's own text
    handler, which would print every line a second time in another format.
    """
    from chalicelib.core.settings import get_settings

    settings = get_settings()
    logger = logging.getLogger(LOGGER_NAME)
    if _configured_for[0] is settings:
        return logger
    with _lock:
        if not any(isinstance(h, StdoutHandler) for h in logger.handlers):
            logger.addHandler(StdoutHandler())
        level = logging.getLevelName(str(settings.log_level).upper())
        logger.setLevel(level if isinstance(level, int) else logging.INFO)
        logger.propagate = False
        _configured_for[0] = settings
    return logger


def _clinic_id(request) -> str | None:
    from chalicelib.clinics.records import CLINIC_ID_RE

    value = (request.uri_params or {}).get("clinic_id")
    if isinstance(value, str) and CLINIC_ID_RE.fullmatch(value):
        return value
    return None


def request_fields(request, status: int, started: float, request_id: str) -> dict:
    context = request.context or {}
    fields = {
        "event": "request",
        "request_id": request_id,
        "clinic_id": _clinic_id(request),
        "route": context.get("resourcePath"),
        "method": request.method,
        "status": status,
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    lambda_context = getattr(request, "lambda_context", None)
    aws_request_id = getattr(lambda_context, "aws_request_id", None)
    if aws_request_id and aws_request_id != request_id:
        fields["aws_request_id"] = aws_request_id
    return fields


def _new_request_id(request) -> str:
    context = request.context or {}
    request_id = context.get("requestId")
    if not request_id:
        request_id = getattr(getattr(request, "lambda_context", None), "aws_request_id", None)
    return str(request_id) if request_id else os.urandom(8).hex()


def request_log(event, get_response):
    """Chalice HTTP middleware: one JSON line per request, whatever happens in it."""
    started = time.perf_counter()
    configure_logging()
    request_id = _new_request_id(event)
    token = _request_id.set(request_id)
    status = 500  # what Chalice answers if the view raises past this middleware
    try:
        response = get_response(event)
        status = response.status_code
        return response
    finally:
        try:
            request_logger.info("request", extra={"fields": request_fields(event, status, started, request_id)})
        finally:
            _request_id.reset(token)
