"""The `results` resource's body: the fields of a test result or visit summary with
its document, flat, named after FHIR R4 DiagnosticReport (and Observation for the
rows). See results.py for what a PUT does with them."""
from __future__ import annotations

import base64
import binascii
import hashlib

from chalicelib.api.bodies import PATIENT_ID
from chalicelib.api.document_bodies import DOCUMENT_YEARS
from chalicelib.api.fields import Choice, Date, Parser, Text
from chalicelib.api.requests import Body, optional, request_body, required
from chalicelib.core.errors import InvalidRequest

# A document sent inline, at most (decoded). A Lambda request carries at most 6 MB
# (API Gateway allows 10 MB, but the function's event is the limit), and base64
# grows a file by a third: 4 MiB is 5.6 MB on the wire. Staff upload up to 20 MB
# because their browser sends the file straight to S3 (a presigned POST), never
# through the function.
DOCUMENT_MAX_BYTES = 4 * 1024 * 1024
BODY_MAX_BYTES = 4 * -(-DOCUMENT_MAX_BYTES // 3) + 64 * 1024   # the base64 + the other fields
STATUSES = ("preliminary", "final")   # final: released to the patient
# The first bytes of each allowed type: a file must be what its contentType says.
MAGIC = {"application/pdf": (b"%PDF-",), "image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",)}
# wire -> portal name of an observation row (sections/documents/values.py)
ROW_FIELDS = {"test": "test", "value": "value", "unit": "unit", "referenceRange": "range", "interpretation": "flag"}

# wire field -> (portal field, FHIR R4 path)
FIELD_MAP = {
    "category": ("kind", "DiagnosticReport.category (test_result | visit_summary | other)"),
    "title": ("title", "DiagnosticReport.code.text"),
    "status": ("status", "DiagnosticReport.status (preliminary | final)"),
    "effectiveDate": ("document_date", "DiagnosticReport.effectiveDateTime (the date)"),
    "performer": ("author", "DiagnosticReport.performer.display"),
    "patient": ("patient_id", "DiagnosticReport.subject(Patient)"),
    "observations": ("rows", "DiagnosticReport.result -> Observation (code.text, value, referenceRange, "
                             "interpretation)"),
    "presentedForm": ("form", "DiagnosticReport.presentedForm (contentType, data)"),
}


class Form(dict):
    """{content_type, sha256, size} (what the body hash compares) and the file's bytes."""
    data: bytes = b""


class PresentedForm(Parser):
    """{contentType, data}: a PDF, PNG or JPEG file, base64, 1 byte to DOCUMENT_MAX_BYTES."""

    json_type = "object"

    def parse(self, name, value):
        if not isinstance(value, dict) or set(value) != {"contentType", "data"}:
            raise InvalidRequest(f"{name} must be an object with contentType and data (base64).")
        content_type, data = value["contentType"], value["data"]
        if content_type not in MAGIC:
            raise InvalidRequest(f"{name}.contentType must be one of: {', '.join(MAGIC)}.")
        if not isinstance(data, str) or len(data) > BODY_MAX_BYTES:
            raise InvalidRequest(f"{name}.data must be the file in base64, at most {DOCUMENT_MAX_BYTES} bytes "
                                 "decoded.")
        try:
            raw = base64.b64decode(data.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise InvalidRequest(f"{name}.data is not valid base64.") from None
        if not 0 < len(raw) <= DOCUMENT_MAX_BYTES:
            raise InvalidRequest(f"{name}.data must be 1 to {DOCUMENT_MAX_BYTES} bytes decoded (4 MB).")
        if not raw.startswith(MAGIC[content_type]):
            raise InvalidRequest(f"{name}.data is not a {content_type} file.")
        form = Form(content_type=content_type, sha256=hashlib.sha256(raw).hexdigest(), size=len(raw))
        form.data = raw
        return form


class Observations(Parser):
    """Rows [{test, value, unit, referenceRange, interpretation: H|L|A|N}], checked by
    sections/documents/values.py (the staff rules); an error names the row's field."""

    json_type = "array"
    nullable = True

    def parse(self, name, value):
        from chalicelib.sections.documents.values import check

        if not isinstance(value, list):
            raise InvalidRequest(f"{name} must be a list of rows.")
        rows = []
        for i, row in enumerate(value):
            if not isinstance(row, dict):
                raise _row_error(name, i, "test", "each row must be an object.")
            unknown = sorted(set(row) - set(ROW_FIELDS))
            if unknown:
                raise _row_error(name, i, unknown[0], "is not a field of an observation.")
            rows.append({ROW_FIELDS[k]: v for k, v in row.items()})
        try:
            return check(rows)
        except InvalidRequest as exc:
            field = (getattr(exc, "extra", None) or {}).get("field")
            if not field:
                raise InvalidRequest(exc.message.replace("values", name)) from None
            index, portal = field[len("values["):].split("].")
            wire = {v: k for k, v in ROW_FIELDS.items()}[portal]
            raise _row_error(name, int(index), wire, exc.message.split(": ", 1)[-1]) from None


def _row_error(name: str, i: int, field: str, message: str) -> InvalidRequest:
    err = InvalidRequest(f"{name}[{i}].{field}: {message}")
    err.extra = {"field": f"{name}[{i}].{field}"}
    return err


def _kinds():
    from chalicelib.sections.documents import KINDS

    return tuple(KINDS)


@request_body
class IntegrationResultBody(Body):
    """PUT /api/integration/v1/results/{external_id}: the whole result or summary and its
    document, every time."""

    category: str = required(Choice(_kinds()))
    title: str = required(Text(200, one_line=True, strip=True))
    status: str = required(Choice(STATUSES))
    effectiveDate: str = required(Date(DOCUMENT_YEARS))
    patient: str = required(PATIENT_ID)
    presentedForm: dict = required(PresentedForm())
    performer: str | None = optional(Text(120, one_line=True, strip=True, allow_empty=True, nullable=True))
    observations: list | None = optional(Observations())
