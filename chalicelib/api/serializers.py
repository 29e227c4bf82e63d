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


def with_lock(out: dict, item) -> dict:
    """`locked_until` (ISO time or null) when the use case read the person's lockout
    (`people.locks`: the lists, unlock, a password reset); left out otherwise."""
    from chalicelib.people.locks import LOCK_ATTRIBUTE

    if hasattr(item, LOCK_ATTRIBUTE):
        out[LOCK_ATTRIBUTE] = getattr(item, LOCK_ATTRIBUTE)
    return out


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


def account(row, clinic_id: str) -> dict:
    """A User Management row (`portal_accounts.grants.Row`): one grant and its login.
    `account_id` is the grant's id, `login` the login's (its own routes:
    /portal-logins/{login_id}/...); `status` is the row's: active, invited,
    disabled (the grant or the login) or expired (`expires_on` reached)."""
    from chalicelib.portal_accounts.grants import shown_status
    from chalicelib.portal_accounts.records import PORTAL_SECTIONS

    grant, item = row.grant, row.login
    return with_lock({
        "account_id": grant.grant_id,
        "clinic_id": clinic_id,
        "username": item.username,
        "first_name": item.first_name,
        "last_name": item.last_name,
        "patient": {"patient_id": grant.patient_id, "first_name": grant.patient_first_name,
                    "last_name": grant.patient_last_name},
        "access_type": grant.access_type,
        "permissions": [p for p in PORTAL_SECTIONS if p in (grant.permissions or [])],
        "status": shown_status(grant),
        "grant_status": grant.status,
        "expires_on": grant.expires_on,
        "login": {"login_id": item.account_id, "status": item.status,
                  "grant_count": int(item.grant_count or 0), "mfa_enabled": bool(item.mfa_secret),
                  "passkey_count": max(0, int(item.passkey_count or 0))},
        "force_password_change": bool(item.force_password_change),
        "invitation_status": invitation_status(item),
        "invitation_expires_at": iso(item.invitation_expires_at) if item.awaiting_invitation else None,
        "last_login_at": iso(item.last_login_at),
        "created_at": iso(grant.created_at),
        "updated_at": iso(max(grant.updated_at, item.updated_at)),
        "revision": row.revision,
    }, item)


def login(item, clinic_id: str) -> dict:
    """A portal login as a whole (the /portal-logins routes)."""
    return with_lock({
        "login_id": item.account_id,
        "clinic_id": clinic_id,
        "username": item.username,
        "first_name": item.first_name,
        "last_name": item.last_name,
        "status": item.status,
        "grant_count": int(item.grant_count or 0),
        "force_password_change": bool(item.force_password_change),
        "mfa_enabled": bool(item.mfa_secret),
        "passkey_count": max(0, int(item.passkey_count or 0)),
        "invitation_status": invitation_status(item),
        "last_login_at": iso(item.last_login_at),
        "revision": revision_of(item),
    }, item)


def my_patient(grant, selected: str | None) -> dict:
    """One patient a signed-in login may pick (`/api/portal/patients`)."""
    from chalicelib.portal_accounts.grants import shown_status
    from chalicelib.portal_accounts.records import PORTAL_SECTIONS

    return {"patient_id": grant.patient_id, "first_name": grant.patient_first_name,
            "last_name": grant.patient_last_name, "access_type": grant.access_type,
            "permissions": [p for p in PORTAL_SECTIONS if p in (grant.permissions or [])],
            "status": shown_status(grant), "expires_on": grant.expires_on,
            "selected": grant.patient_id == selected}


# ---------------------------------------------------------------- staff

def staff(item) -> dict:
    from chalicelib.staff.roles import permissions_for

    return with_lock({
        "username": item.username,
        "first_name": item.first_name,
        "last_name": item.last_name,
        "email": item.email,
        "roles": list(item.roles or []),
        "permissions": permissions_for(item.roles),
        "portal_access": bool(item.portal_access),
        "status": item.status.value,
        "force_password_change": bool(item.force_password_change),
        "mfa_enabled": bool(item.mfa_secret),
        "passkey_count": max(0, int(item.passkey_count or 0)),
        "invitation_status": item.invitation_status,
        "last_login_at": iso(item.last_login_at),
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "revision": revision_of(item),
    }, item)


# ---------------------------------------------------------------- clinics

def clinic_settings(clinic) -> dict:
    return {"clinic_id": clinic.clinic_id, "name": clinic.name, "settings": clinic.settings.to_dict(),
            "revision": clinic.revision}


# ---------------------------------------------------------------- audit

def _as_dict(value) -> dict | None:
    if value is None:
        return None
    return value.as_dict() if hasattr(value, "as_dict") else dict(value)


def audit_event(event, clinic_id: str) -> dict:
    import time

    from chalicelib.core.audit_words import describe

    return {
        "event_id": event.event_key,
        "clinic_id": clinic_id,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(event.at)) + f".{int(event.at * 1000) % 1000:03d}Z",
        "kind": event.kind,
        "outcome": event.outcome,
        "actor": _as_dict(event.actor),
        "subject": _as_dict(event.subject),
        "source_ip": event.source_ip,
        "user_agent": event.user_agent,
        "details": _as_dict(event.details),
        "description": describe(event.kind, event.outcome, event.actor, event.subject, event.details),
    }


# ---------------------------------------------------------------- form requests

# ---------------------------------------------------------------- patients

def patient(item) -> dict:
    return {"patient_id": item.patient_id, "first_name": item.first_name, "last_name": item.last_name,
            "email": item.email, "date_of_birth": item.date_of_birth, "phone": item.phone,
            "address_line1": item.address_line1, "address_line2": item.address_line2, "city": item.city,
            "region": item.region, "postal_code": item.postal_code,
            "created_at": iso(item.created_at), "updated_at": iso(item.updated_at),
            "withdrawn_at": iso(item.withdrawn_at), "revision": revision_of(item)}


# ---------------------------------------------------------------- signing in

def principal(session) -> dict:
    """Who a session is, as `/api/me` and the login reply show it."""
    out = {
        "kind": session.kind,
        "clinic_id": session.clinic_id,
        "username": session.username,
        "display_name": session.display_name,
    }
    if session.kind == "staff":
        out["roles"] = list(session.roles)
        out["permissions"] = list(session.permissions)
    else:
        # The patient selected for this session (None until one is picked).
        out["patient_id"] = session.patient_id
        out["patient_name"] = session.patient_name
        out["access_type"] = session.access_type
        out["permissions"] = list(session.permissions)
    return out


def password_policy(settings) -> dict:
    return {"min_length": settings.password_min_length, "min_classes": settings.password_min_classes}


def signed_in(session, clinic=None) -> dict:
    """`/api/me` and the login reply; with `clinic`, the password rules of a pending change."""
    from chalicelib.auth.sessions import expires_in
    from chalicelib.core.ids import now

    out = {"principal": principal(session), "password_change_required": bool(session.password_change_required),
           "mfa_enrolment_required": bool(session.mfa_enrolment_required),
           "idle_timeout_minutes": int(session.idle_timeout_s) // 60,
           "session_expires_in": expires_in(session, now())}
    if clinic is not None and session.password_change_required:
        out["password_policy"] = password_policy(clinic.settings)
    return out


def invitation(found) -> dict:
    """What the set-password page shows (`people.invitations.Invitation`)."""
    return {
        "clinic_id": found.clinic.clinic_id,
        "clinic_name": found.clinic.name,
        "login_type": found.record.kind,
        "username": found.record.username,
        "first_name": found.record.first_name,
        "last_name": found.record.last_name,
        "expires_at": iso(found.expires_at),
        "password_policy": {"min_length": found.clinic.settings.password_min_length,
                            "min_classes": found.clinic.settings.password_min_classes},
    }


def clinic(found, captcha: dict) -> dict:
    return {"clinic_id": found.clinic_id, "name": found.name, "captcha": captcha,
            "password_policy": password_policy(found.settings)}


# ---------------------------------------------------------------- shared

def page(items, next_cursor, shape) -> dict:
    return {"items": [shape(item) for item in items], "next_cursor": next_cursor}
