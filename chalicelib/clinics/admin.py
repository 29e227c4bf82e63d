"""An administrator reads and changes their clinic's settings (`clinic.settings`):
CAPTCHA, lockout, password policy, session timeouts, invitation lifetime."""
from __future__ import annotations

from chalicelib.clinics.records import Clinic, clinic_not_found
from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.errors import InvalidRequest


def change_settings(session, clinic: Clinic, changes: dict, info: RequestInfo, *,
                    revision: int | None = None) -> Clinic:
    """Change only what differs, conditional on the revision read (so the audit's
    before/after is exact and a change from a stale page is a 409); one transaction
    with the audit event. `changes` come checked from the edge
    (`api/bodies.ChangeSettingsBody`). Returns the clinic as it now is."""
    from chalicelib.core.records import bump, check_revision, stale, unchanged, write
    from chalicelib.models import ClinicModel as C

    clean = dict(changes)
    if not clean:
        raise InvalidRequest("Send at least one setting to change.")
    try:
        item = C.get(clinic.clinic_key, consistent_read=True)
    except C.DoesNotExist:
        raise clinic_not_found() from None
    check_revision(item, revision)
    current = Clinic.from_model(item)
    before = current.settings.to_dict()
    diff = {name: {"before": before[name], "after": value} for name, value in clean.items()
            if before[name] != value}
    if not diff:
        return current
    actions = [C.settings[name].set(change["after"]) for name, change in diff.items()] + [bump(C)]

    def build(tx):
        tx.update("record", item, actions=actions, condition=unchanged(C, C.clinic_key, item))
        tx.audit(audit.event(clinic.clinic_key, "clinic_settings_updated", info=info, outcome="succeeded",
                             actor=actor(session), details={"changes": diff}))

    def reload():
        try:
            return C.get(clinic.clinic_key, consistent_read=True)
        except C.DoesNotExist:
            return None

    write(build, failed={"record": stale(reload, clinic_not_found)})
    settings = {**before, **{name: change["after"] for name, change in diff.items()}}
    return Clinic(current.clinic_key, current.clinic_id, current.name, type(current.settings)(**settings),
                  current.revision + 1)
