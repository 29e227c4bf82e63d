"""Sample bodies of the `appointments` and `results` resources, as an EHR sends them."""
from __future__ import annotations

import base64

from tests.sections.appointments.helpers import at
from tests.sections.documents.helpers import PDF

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def appointment(**overrides) -> dict:
    out = {"status": "booked", "start": at(3, 9), "minutesDuration": 30, "patient": "P100",
           "practitioner": "PatelR", "description": "Knee pain", "location": "Room 2"}
    out.update(overrides)
    return out


def form(data: bytes = PDF, content_type: str = "application/pdf") -> dict:
    return {"contentType": content_type, "data": base64.b64encode(data).decode()}


def result(**overrides) -> dict:
    out = {"category": "test_result", "title": "Blood count", "status": "preliminary",
           "effectiveDate": "2026-11-20", "patient": "P100", "performer": "Quest Diagnostics",
           "observations": [{"test": "Hemoglobin", "value": "17.9", "unit": "g/dL", "referenceRange": "12.0-15.5",
                             "interpretation": "H"}],
           "presentedForm": form()}
    out.update(overrides)
    return out
