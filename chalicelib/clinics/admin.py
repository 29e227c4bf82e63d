"""An administrator reads and changes their clinic's settings (`clinic.settings`):
CAPTCHA, lockout, password policy, session timeouts, invitation lifetime."""
from __future__ import annotations

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo
from chalicelib.core.changes import actor
from chalicelib.clinics.records import Clinic, clinic_not_found
from chalicelib.core.errors import Conflict, InvalidRequest


def settings_json(clinic: Clinic) -> dict:
    return {"clinic_id": clinic.clinic_id, "name": clinic.name, "settings": clinic.settings.to_dict()}


def change_settings(session, clinic: Clinic, changes: dict, info: RequestInfo) -> dict:
    """Change only what differs, conditional on the values read (so the audit's
    before/after is exact); one transaction with the audit event. `changes` come
    checked from the edge (`api/bodies.ChangeSettingsBody`)."""
    from pynamodb.exceptions import TransactWriteError

    from chalicelib.core.db import cancellation_codes, transact_write
    from chalicelib.models import ClinicModel as C

    clean = dict(changes)
    if not clean:
        raise InvalidRequest("Send at least one setting to change.")
    try:
        item = C.get(clinic.clinic_key, consistent_read=True)
    except C.DoesNotExist:
        raise clinic_not_found() from None
    current = Clinic.from_model(item)
    stored = item.settings.as_dict() if hasattr(item.settings, "as_dict") else dict(item.settings or {})
    before = current.settings.to_dict()
    diff = {name: {"before": before[name], "after": value} for name, value in clean.items()
            if before[name] != value}
    if not diff:
        return settings_json(current)
    condition = C.clinic_key.exists()
    for name in diff:
        condition &= (C.settings[name] == stored[name]) if name in stored else C.settings[name].does_not_exist()
    actions = [C.settings[name].set(change["after"]) for name, change in diff.items()]

    def write(tw):
        tw.update(item, actions=actions, condition=condition)
        tw.save(audit.event(clinic.clinic_key, "clinic_settings_updated", info=info, outcome="succeeded",
                            actor=actor(session), details={"changes": diff}))

    try:
        transact_write(write)
    except TransactWriteError as exc:
        if "ConditionalCheckFailed" in cancellation_codes(exc):
            raise Conflict("Someone else changed these settings at the same moment. Reload and try again.",
                           code="conflict") from None
        raise
    settings = {**before, **{name: change["after"] for name, change in diff.items()}}
    return settings_json(Clinic(current.clinic_key, current.clinic_id, current.name,
                                type(current.settings)(**settings)))
