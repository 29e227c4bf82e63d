"""The Forms section's reply shapes (templates, requests, submitted forms); see
`serializers` for the envelopes."""
from __future__ import annotations

import json

from chalicelib.core.ids import iso
from chalicelib.core.records import revision_of


def form_template(item) -> dict:
    return {"template_id": item.template_id, "name": item.name, "description": item.description,
            "fields": json.loads(item.fields_json), "status": item.status, "created_by": item.created_by,
            "created_at": iso(item.created_at), "updated_at": iso(item.updated_at),
            "revision": revision_of(item)}


def form_request(item, *, answers: bool = False, for_staff: bool = True) -> dict:
    """A request: its status and dates; with `answers`, the template snapshot, the
    saved draft and the submitted answers (null until submitted)."""
    out = {
        "request_id": item.request_id,
        "account_id": item.account_id,
        "template_id": item.template_id,
        "form_name": item.form_name,
        "note": item.note,
        "due_date": item.due_date,
        "status": item.status,
        "patient_id": item.patient_id,
        "created_at": iso(item.created_at),
        "draft_saved_at": iso(item.draft_saved_at),
        "completed_at": iso(item.completed_at),
        "reviewed_at": iso(item.reviewed_at),
    }
    if for_staff:
        out["requested_by"] = item.requested_by
        out["cancelled_at"] = iso(item.cancelled_at)
        out["patient_name"] = item.patient_name
        out["submitted_by"] = item.completed_by
        out["reviewed_by"] = item.reviewed_by
    if answers:
        out["template"] = json.loads(item.template_json) if item.template_json else None
        out["draft"] = json.loads(item.draft_json) if item.draft_json else None
        out["answers"] = json.loads(item.answers_json) if item.answers_json else None
    return out
