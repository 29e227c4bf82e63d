"""The Documents section's request bodies (see `bodies.py` and `requests.py`)."""
from __future__ import annotations

from chalicelib.api.fields import Choice, Date, Parser, Pattern, Text
from chalicelib.api.form_bodies import RECORD_ID
from chalicelib.api.requests import Body, request_body, required
from chalicelib.core import limits

PATIENT_ID = Pattern(limits.PATIENT_ID_RE, "A patient id is 1 to 64 letters, digits, dashes or underscores.")
DOCUMENT_YEARS = (1900, 2100)


def _content_types():
    from chalicelib.sections.documents import CONTENT_TYPES

    return tuple(CONTENT_TYPES)


def _kinds():
    from chalicelib.sections.documents import KINDS

    return tuple(KINDS)


class TestValues(Parser):
    """A test result's rows, checked by `sections.documents.values.check` (400
    `invalid_value` naming the row and field)."""

    json_type = "array"

    def parse(self, name, value):
        from chalicelib.sections.documents.values import check

        return check(value)


@request_body
class StartDocumentUploadBody(Body):
    """Ask for a presigned POST to upload one file of a patient."""

    patient_id: str = required(PATIENT_ID)
    content_type: str = required(Choice(_content_types()))


@request_body
class ConfirmDocumentBody(Body):
    """The upload is done: check the file in the bucket and record its metadata."""

    document_id: str = required(RECORD_ID)
    patient_id: str = required(PATIENT_ID)
    kind: str = required(Choice(_kinds()))
    title: str = required(Text(200, one_line=True, strip=True))
    date: str = required(Date(DOCUMENT_YEARS))


@request_body
class DocumentValuesBody(Body):
    """A test result's values, replacing those entered before."""

    values: list = required(TestValues())


__all__ = ["StartDocumentUploadBody", "ConfirmDocumentBody", "DocumentValuesBody"]
