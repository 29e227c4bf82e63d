"""The shared part of every patient-side section route
(`/api/portal/patients/{patient_id}/<section>/...`):

- `section_access(section)`, the route's guard: the caller's session and its grant for
  the patient in the path, read in one TransactGetItems (`api.access.authenticate_patient`).
  No working grant for that patient: 403 `no_patient_access`; a grant without the
  section: 403 `section_not_permitted`; staff: 403 `forbidden`.
- `viewed(...)`, the access-log event of a view: who (the actor), which patient
  (`details.patient_id`, so the audit page's patient filter finds it on `by_patient`)
  and which section. A route that writes puts its own audit event, which names the
  patient, in its transaction instead: no extra request. A read-only view saves this
  event with one PutItem after its Query (docs/architecture.md, "Sections").
- `view_page(...)`: one page of a Query (`core.db.query_page`, one DynamoDB call) and
  its access-log event.
"""
from __future__ import annotations

from chalicelib.sections import section as registered

VIEWED = "section_viewed"


def section_access(section_id: str):
    """The guard of a patient-side route of `section_id`: returns (session, grant)."""
    registered(section_id)   # a name that is not in the registry fails at import

    def guard(request, patient_id, **_params):
        from chalicelib.api.access import authenticate_patient

        return authenticate_patient(request, patient_id, permission=section_id)
    return guard


def patient_name(grant) -> str | None:
    return f"{grant.patient_first_name or ''} {grant.patient_last_name or ''}".strip() or None


def viewed(session, grant, section_id: str, info, **more):
    """The unsaved access-log event: `session` viewed `section_id` of `grant`'s patient
    (`more`: further details, e.g. which document)."""
    from chalicelib.core import audit

    details = {"patient_id": grant.patient_id, "section": registered(section_id).id, **more}
    name = patient_name(grant)
    if name:
        details["patient_name"] = name
    return audit.event(session.clinic_key, VIEWED, info=info, outcome="succeeded",
                       actor=audit.actor(session), details=details)


def view_page(session, grant, section_id: str, info, *, model, query, hash_key, limit: int,
              start: dict | None, key_names: tuple[str, ...], **kwargs):
    """One page of a section's Query, then its access-log event (one PutItem): the
    view is logged only once the page was read; if the log cannot be written, the
    request fails (503) and nothing is shown. Returns (items, last_key or None)."""
    from chalicelib.core.db import query_page

    items, last_key = query_page(model, query, hash_key, limit=limit, start=start, key_names=key_names,
                                 **kwargs)
    viewed(session, grant, section_id, info).save()
    return items, last_key
