"""Idempotent writes by the EHR's own id: `PUT` and `DELETE` of
/api/integration/v1/{resource}/{external_id}, for any resource of scopes.py.

The mapping item (models.ExternalRecordModel: clinic, resource, external id ->
portal id, SHA-256 of the body last written, version) decides what a PUT does:

    no mapping                      -> the resource creates its record: 201, version 1
    same body hash, not withdrawn   -> nothing is written, no audit event: 200, same version
    another body, or withdrawn      -> the resource changes its record: 200, version + 1

The body hash is of the parsed, normalized fields, so a repeat that differs only in
white space or letter case of a postal code is the same body. The resource writes
its record, the mapping (conditional on the version read: two writers of one
external id at once get one change and one 409 `conflict`) and its audit event in
one transaction (`Push.save_mapping`). DELETE withdraws (what that means is the
resource's; patients.py) and is idempotent too.

Order of checks: the key (401), the resource (404), the scope (403), the rate
limit (429), the external id and the body (400 `invalid_field` naming the field).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from chalicelib.core.errors import Conflict, InvalidRequest, NotFound
from chalicelib.core.ids import now


class InvalidField(InvalidRequest):
    """400 `invalid_field` with the field at fault (`field` in the error body)."""
    code = "invalid_field"

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.extra = {"field": field}


def not_available(resource) -> NotFound:
    from chalicelib.integrations.scopes import SCOPES

    if isinstance(resource, str) and resource in SCOPES:
        return NotFound(f"Writing {resource} through the integration API is not available yet.",
                        code="resource_not_available")
    return NotFound("The integration API has no such resource.", code="unknown_resource")


def record_not_found() -> NotFound:
    return NotFound("No record with that external id was written by this clinic's EHR.",
                    code="external_record_not_found")


def written_meanwhile() -> Conflict:
    return Conflict("Another write of the same external id happened at the same moment. Send it again.",
                    code="conflict")


def body_hash(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass
class Push:
    """One write by a key: what the resource module needs to make it."""
    caller: object          # keys.Caller
    resource: str
    external_id: str
    fields: dict | None     # parsed body (None for a DELETE)
    existing: object        # the mapping item, or None
    info: object

    @property
    def clinic(self):
        return self.caller.clinic

    @property
    def version(self) -> int:
        return int(self.existing.version) + 1 if self.existing is not None else 1

    def details(self) -> dict:
        """The audit details every write with a key carries."""
        return {"key_id": self.caller.item.key_id, "key_name": self.caller.item.name,
                "resource": self.resource, "external_id": self.external_id}

    def save_mapping(self, tx, internal_id: str, *, withdrawn: bool = False, patient_id: str | None = None) -> None:
        from chalicelib.models import ExternalRecordModel as M

        at = now()
        old = self.existing
        item = M(f"{self.clinic.clinic_key}#{self.resource}", self.external_id, internal_id=internal_id,
                 body_hash=None if withdrawn else body_hash(self.fields), version=self.version,
                 created_at=old.created_at if old is not None else at, updated_at=at,
                 withdrawn_at=at if withdrawn else None, key_id=self.caller.item.key_id, patient_id=patient_id)
        condition = M.external_id.does_not_exist() if old is None else (M.version == old.version)
        tx.save("mapping", item, condition=condition)


def _mapping(clinic_key: str, resource: str, external_id: str):
    from chalicelib.models import ExternalRecordModel as M

    try:
        return M.get(f"{clinic_key}#{resource}", external_id, consistent_read=True)
    except M.DoesNotExist:
        return None


def _start(caller, resource, external_id):
    """The checks every write makes before its body: (module, external id, slot)."""
    from chalicelib.integrations import keys, rate, scopes

    module = scopes.resource(resource)
    if module is None:
        raise not_available(resource)
    keys.require_scope(caller, resource)
    slot = rate.take(caller.item.key_id, now())
    return module, slot


def _reply(push: Push, internal_id: str, version: int, result: str) -> dict:
    return {"resource": push.resource, "external_id": push.external_id, "id": internal_id,
            "version": version, "result": result}


def put(caller, resource, external_id, request, info) -> tuple[int, dict]:
    """(status, reply) of a PUT."""
    from chalicelib.core.db import is_dependency_failure
    from chalicelib.integrations import rate

    module, slot = _start(caller, resource, external_id)
    try:
        eid = module.external_id(external_id)
        fields = module.parse(request)
        existing = _mapping(caller.clinic.clinic_key, resource, eid)
        push = Push(caller, resource, eid, fields, existing, info)
        if existing is not None and existing.withdrawn_at is None and existing.body_hash == body_hash(fields):
            return 200, _reply(push, existing.internal_id, int(existing.version), "unchanged")
        internal_id = module.apply(push)
        return (201 if existing is None else 200), _reply(
            push, internal_id, push.version, "created" if existing is None else "updated")
    except Exception as exc:
        if is_dependency_failure(exc):
            rate.give_back(slot)
        raise


def delete(caller, resource, external_id, info) -> dict:
    """The reply of a DELETE (withdrawn; already withdrawn: unchanged)."""
    from chalicelib.core.db import is_dependency_failure
    from chalicelib.integrations import rate

    module, slot = _start(caller, resource, external_id)
    try:
        eid = module.external_id(external_id)
        existing = _mapping(caller.clinic.clinic_key, resource, eid)
        if existing is None:
            raise record_not_found()
        push = Push(caller, resource, eid, None, existing, info)
        if existing.withdrawn_at is not None:
            return _reply(push, existing.internal_id, int(existing.version), "unchanged")
        module.withdraw(push)
        return _reply(push, existing.internal_id, push.version, "withdrawn")
    except Exception as exc:
        if is_dependency_failure(exc):
            rate.give_back(slot)
        raise
