"""The Appointments section's request bodies (see `bodies.py` and `requests.py`).
Times are UTC ISO 8601 on a 5-minute boundary; lengths 5 to 180 minutes in steps of 5."""
from __future__ import annotations

from chalicelib.api.bodies import PATIENT_ID, REVISION, STAFF_USERNAME
from chalicelib.api.fields import Bool, Choice, Parser, Text
from chalicelib.api.requests import ABSENT, Body, optional, request_body, required
from chalicelib.core import limits
from chalicelib.core.errors import InvalidRequest


class StartTime(Parser):
    json_type = "string"

    def parse(self, name, value):
        from chalicelib.sections.appointments.times import parse_start

        return parse_start(name, value)


class Minutes(Parser):
    json_type = "integer"

    def parse(self, name, value):
        from chalicelib.sections.appointments.times import MAX_MINUTES, MIN_MINUTES, SLOT_MINUTES

        if isinstance(value, bool) or not isinstance(value, int) or not MIN_MINUTES <= value <= MAX_MINUTES \
                or value % SLOT_MINUTES:
            raise InvalidRequest(f"{name} must be {MIN_MINUTES} to {MAX_MINUTES} minutes, in steps of "
                                 f"{SLOT_MINUTES}.", code="invalid_minutes")
        return value


class HttpsLink(Parser):
    """A video link: an https:// address (no spaces), or null/"" for none."""

    json_type = "string"
    nullable = True

    def parse(self, name, value):
        from urllib.parse import urlsplit

        if isinstance(value, str) and not value.strip():
            return None
        text = value.strip() if isinstance(value, str) else None
        if (text is None or len(text) > limits.VIDEO_LINK_MAX or any(c.isspace() or ord(c) < 32 for c in text)
                or not text.lower().startswith("https://") or not urlsplit(text).hostname):
            raise InvalidRequest(f"{name} must be an https:// link of up to {limits.VIDEO_LINK_MAX} characters.",
                                 code="invalid_video_link")
        return text


def _settable():
    from chalicelib.sections.appointments import SETTABLE

    return Choice(SETTABLE)


REASON = Text(limits.APPOINTMENT_REASON_MAX, allow_empty=True, nullable=True, strip=True)
LOCATION = Text(limits.APPOINTMENT_LOCATION_MAX, allow_empty=True, nullable=True, one_line=True, strip=True)
FORCE = Bool()


@request_body
class BookAppointmentBody(Body):
    patient_id: str = required(PATIENT_ID)
    provider: str = required(STAFF_USERNAME)
    start: str = required(StartTime())
    minutes: int = required(Minutes())
    reason: str | None = optional(REASON)
    location: str | None = optional(LOCATION)
    video_link: str | None = optional(HttpsLink())
    force: bool = optional(FORCE, default=False)


@request_body
class MoveAppointmentBody(Body):
    """PATCH: any of provider, start, minutes, reason, location, video_link (null or "" removes
    the last three); `force` books over another appointment; `revision` as If-Match."""

    require_one = True
    provider: str = optional(STAFF_USERNAME, ABSENT)
    start: str = optional(StartTime(), ABSENT)
    minutes: int = optional(Minutes(), ABSENT)
    reason: str | None = optional(REASON, ABSENT)
    location: str | None = optional(LOCATION, ABSENT)
    video_link: str | None = optional(HttpsLink(), ABSENT)
    force: bool = optional(FORCE, default=False)
    revision: int = optional(REVISION, ABSENT)

    def changes(self) -> dict:
        return {n: getattr(self, n) for n in ("provider", "start", "minutes", "reason", "location", "video_link")
                if getattr(self, n) is not ABSENT}


@request_body
class AppointmentStatusBody(Body):
    status: str = required(_settable())
    revision: int = optional(REVISION, ABSENT)


@request_body
class CancelAppointmentBody(Body):
    note: str | None = optional(Text(limits.APPOINTMENT_NOTE_MAX, allow_empty=True, nullable=True, strip=True))


@request_body
class AppointmentRequestBody(Body):
    """The patient side asks for an appointment."""

    reason: str = required(Text(limits.APPOINTMENT_REASON_MAX, strip=True))
    preferred: str | None = optional(Text(limits.APPOINTMENT_PREFERRED_MAX, allow_empty=True, nullable=True,
                                          strip=True))


@request_body
class BookRequestBody(Body):
    """Book a waiting request: the request's patient, and its reason unless `reason` is sent."""

    provider: str = required(STAFF_USERNAME)
    start: str = required(StartTime())
    minutes: int = required(Minutes())
    reason: str | None = optional(REASON)
    location: str | None = optional(LOCATION)
    video_link: str | None = optional(HttpsLink())
    force: bool = optional(FORCE, default=False)


@request_body
class DeclineRequestBody(Body):
    note: str = required(Text(limits.APPOINTMENT_NOTE_MAX, strip=True))


__all__ = ["BookAppointmentBody", "MoveAppointmentBody", "AppointmentStatusBody", "CancelAppointmentBody",
           "AppointmentRequestBody", "BookRequestBody", "DeclineRequestBody"]
