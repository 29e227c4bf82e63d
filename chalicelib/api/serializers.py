"""Every JSON reply's shape, in one place. The use cases return domain objects
(PynamoDB items, `Issued`, pages of items); the blueprints shape them here.

Envelopes (documented in docs/openapi.yaml):
- one record: `{"<kind>": {...}}` (`account`, `staff`, `form_request`, ...);
- a record created or reset with one-time credentials: `{"<kind>": {...}, "credentials": {...}}`;
- a list: `{"items": [...], "next_cursor": "..." | null}`;
- an error: `{"error": "<code>", "message": "<sentence>"}`.
Every editable record carries `revision` (0 for a record never changed), and its
replies the header `ETag: "<revision>"`; a change may send it back as `If-Match`.
"""
from __future__ import annotations

from chalicelib.core.ids import iso, now
from chalicelib.core.records import revision_of


def etag(record) -> str:
    """A record's revision as an ETag: `"3"`."""
    return f'"{revision_of(record)}"'


# ---------------------------------------------------------------- portal accounts

def invitation_status(item, at: int | None = None) -> str | None:
    """The invitation's state as staff see it: pending, sent, failed, expired or accepted."""
    status = item.invitation_status
    if (item.awaiting_invitation and status in ("pending", "sent", "failed")
            and item.invitation_expires_at is not None and item.invitation_expires_at <= (at or now())):
        return "expired"
    return status


def account(item, clinic_id: str) -> dict:
    from chalicelib.portal_accounts.records import PORTAL_SECTIONS

    return {
        "account_id": item.account_id,
        "clinic_id": clinic_id,
        "username": item.username,
        "first_name": item.first_name,
        "last_name": item.last_name,
        "patient": {"patient_id": item.patient_id, "first_name": item.patient_first_name,
                    "last_name": item.patient_last_name},
        "access_type": item.access_type,
        "permissions": [p for p in PORTAL_SECTIONS if p in (item.permissions or [])],
        "status": item.status,
        "force_password_change": bool(item.force_password_change),
        "invitation_status": invitation_status(item),
        "invitation_expires_at": iso(item.invitation_expires_at) if item.awaiting_invitation else None,
        "last_login_at": iso(item.last_login_at),
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "revision": revision_of(item),
    }


# ---------------------------------------------------------------- staff

def staff(item) -> dict:
    from chalicelib.staff.roles import permissions_for

    return {
        "username": item.username,
        "first_name": item.first_name,
        "last_name": item.last_name,
        "email": item.email,
        "roles": list(item.roles or []),
        "permissions": permissions_for(item.roles),
        "portal_access": bool(item.portal_access),
        "status": item.status.value,
        "force_password_change": bool(item.force_password_change),
        "invitation_status": item.invitation_status,
        "last_login_at": iso(item.last_login_at),
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "revision": revision_of(item),
    }


# ---------------------------------------------------------------- clinics

def clinic_settings(clinic) -> dict:
    return {"clinic_id": clinic.clinic_id, "name": clinic.name, "settings": clinic.settings.to_dict(),
            "revision": clinic.revision}


# ---------------------------------------------------------------- shared

def page(items, next_cursor, shape) -> dict:
    return {"items": [shape(item) for item in items], "next_cursor": next_cursor}
