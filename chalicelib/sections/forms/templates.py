"""Form templates of a clinic, for staff with `portal_accounts.manage`: create,
read, list (one Query a page of the clinic's partition), change (conditional on
the revision read: If-Match), archive and restore. Never deleted: a request keeps
the snapshot of the version it was made with, so editing a template never changes
an open request."""
from __future__ import annotations

import json

from chalicelib.core import audit
from chalicelib.core.audit import RequestInfo, actor
from chalicelib.core.db import encode_cursor, page_start, query_page
from chalicelib.core.errors import Conflict, InvalidRequest, NotFound
from chalicelib.core.ids import new_id, now
from chalicelib.core.limits import RECORD_ID_RE

PAGE_SIZE = 50
KEYS = ("clinic_key", "template_id")
STATUSES = ("active", "archived", "all")


def template_not_found() -> NotFound:
    return NotFound("No form template with that id.", code="form_template_not_found")


def template_archived() -> Conflict:
    return Conflict("This form template is archived. Restore it before asking for it.",
                    code="form_template_archived")


def fields_of(item) -> list[dict]:
    return json.loads(item.fields_json)


def snapshot(item) -> dict:
    """What a request keeps of the template: name, description and fields."""
    return {"name": item.name, "description": item.description, "fields": fields_of(item)}


def get_template(clinic_key: str, template_id: object):
    from chalicelib.models import FormTemplateModel as T

    if not isinstance(template_id, str) or not RECORD_ID_RE.fullmatch(template_id):
        raise template_not_found()
    try:
        return T.get(clinic_key, template_id, consistent_read=True)
    except T.DoesNotExist:
        raise template_not_found() from None


def list_templates(clinic, status: str, cursor: str | None, limit: int = PAGE_SIZE):
    from chalicelib.models import FormTemplateModel as T

    if status not in STATUSES:
        raise InvalidRequest(f"status must be one of: {', '.join(STATUSES)}.")
    start = page_start(cursor, hash_name="clinic_key", hash_value=clinic.clinic_key, key_names=KEYS)
    kwargs = {} if status == "all" else {"filter_condition": T.status == status}
    items, last_key = query_page(T, T.query, clinic.clinic_key, limit=limit, start=start, key_names=KEYS,
                                 **kwargs)
    return items, encode_cursor(last_key)


def _event(session, clinic, kind: str, item, info, **details):
    return audit.event(clinic.clinic_key, kind, info=info, outcome="succeeded", actor=actor(session),
                       details={"template_id": item.template_id, "form_name": item.name, **details})


def create_template(session, clinic, *, name: str, description: str | None, fields: list[dict],
                    info: RequestInfo):
    from chalicelib.core.records import write
    from chalicelib.models import FormTemplateModel as T

    item = T(clinic.clinic_key, new_id(), name=name, description=description,
             fields_json=json.dumps(fields, separators=(",", ":"), ensure_ascii=False), status="active",
             revision=0, created_by=session.username, created_at=now())

    def build(tx):
        tx.save("template", item, condition=T.template_id.does_not_exist())
        tx.audit(_event(session, clinic, "form_template_created", item, info, field_count=len(fields)))

    write(build)
    return item


def _change(session, clinic, template_id: str, values: dict, kind: str, info, revision: int | None):
    from chalicelib.core.records import bump, check_revision, stale, unchanged, write
    from chalicelib.models import FormTemplateModel as T

    item = get_template(clinic.clinic_key, template_id)
    check_revision(item, revision)
    diff = {k: v for k, v in values.items() if getattr(item, k) != v}
    if not diff:
        return item
    diff["updated_at"] = now()
    actions = [getattr(T, k).set(v) if v is not None else getattr(T, k).remove() for k, v in diff.items()]

    def build(tx):
        tx.update("template", item, actions=actions + [bump(T)], condition=unchanged(T, T.template_id, item))
        changed = sorted(k.replace("_json", "") for k in diff if k != "updated_at")
        tx.audit(_event(session, clinic, kind, item, info, **({"fields": changed}
                                                              if kind == "form_template_updated" else {})))

    def reload():
        try:
            return T.get(item.clinic_key, item.template_id, consistent_read=True)
        except T.DoesNotExist:
            return None

    write(build, failed={"template": stale(reload, template_not_found)})
    for k, v in diff.items():
        setattr(item, k, v)
    item.revision = int(item.revision or 0) + 1
    return item


def update_template(session, clinic, template_id: str, changes: dict, info: RequestInfo, *,
                    revision: int | None = None):
    """`changes`: any of name, description (None removes it), fields (checked)."""
    values = {}
    if "name" in changes:
        values["name"] = changes["name"]
    if "description" in changes:
        values["description"] = changes["description"]
    if "fields" in changes:
        values["fields_json"] = json.dumps(changes["fields"], separators=(",", ":"), ensure_ascii=False)
    return _change(session, clinic, template_id, values, "form_template_updated", info, revision)


def set_archived(session, clinic, template_id: str, info: RequestInfo, *, archived: bool,
                 revision: int | None = None):
    kind = "form_template_archived" if archived else "form_template_restored"
    return _change(session, clinic, template_id, {"status": "archived" if archived else "active"}, kind, info,
                   revision)
