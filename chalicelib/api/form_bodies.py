"""The Forms section's request bodies (see `bodies.py` and `requests.py`)."""
from __future__ import annotations

from chalicelib.api.bodies import REVISION
from chalicelib.api.fields import Date, JsonObject, Pattern, Text
from chalicelib.api.requests import ABSENT, Body, optional, request_body, required
from chalicelib.core import limits

RECORD_ID = Pattern(limits.RECORD_ID_RE, "An id is 32 lower-case hexadecimal characters.")


@request_body
class CreateFormRequestBody(Body):
    """Ask a portal account to fill in one of the clinic's templates (the request's
    form_name is the template's name)."""

    template_id: str = required(RECORD_ID)
    note: str | None = optional(Text(limits.NOTE_MAX, allow_empty=True, nullable=True, strip=True))
    due_date: str | None = optional(Date(limits.DUE_DATE_YEARS))


@request_body
class FormAnswersBody(Body):
    """A draft (partial) or a submission: {field key: answer}, checked against the template."""

    answers: dict = required(JsonObject(limits.ANSWERS_MAX_CHARS, limits.ANSWERS_MAX_DEPTH))


def _template_fields():
    from chalicelib.sections.forms.validation import TemplateFields

    return TemplateFields()


def _description():
    from chalicelib.sections.forms.validation import DESCRIPTION_MAX

    return Text(DESCRIPTION_MAX, allow_empty=True, nullable=True, strip=True)


@request_body
class CreateFormTemplateBody(Body):
    name: str = required(Text(limits.FORM_NAME_MAX, one_line=True, strip=True))
    description: str | None = optional(_description())
    fields: list = required(_template_fields())


@request_body
class ChangeFormTemplateBody(Body):
    """PATCH: any of name, description (null or "" removes it), fields; at least one."""

    require_one = True
    name: str = optional(Text(limits.FORM_NAME_MAX, one_line=True, strip=True), ABSENT)
    description: str | None = optional(_description(), ABSENT)
    fields: list = optional(_template_fields(), ABSENT)
    revision: int = optional(REVISION, ABSENT)


__all__ = ["CreateFormRequestBody", "FormAnswersBody", "CreateFormTemplateBody", "ChangeFormTemplateBody"]
