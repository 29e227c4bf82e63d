from pynamodb.attributes import (BooleanAttribute, ListAttribute, NumberAttribute,
                                 UnicodeAttribute)

from chalicelib.models.base import PortalModel


class StaffModel(PortalModel):
    """A staff member of one clinic, keyed by the case-folded username (e.g. `doej`)."""

    class Meta:
        short_name = "staff"

    clinic_key = UnicodeAttribute(hash_key=True)
    username_key = UnicodeAttribute(range_key=True)
    username = UnicodeAttribute()
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    roles = ListAttribute(of=UnicodeAttribute, default=list)
    portal_access = BooleanAttribute(default=True)
    enabled = BooleanAttribute(default=True)
    password_hash = UnicodeAttribute(null=True)
    force_password_change = BooleanAttribute(default=False)
    password_changed_at = NumberAttribute(null=True)
    last_login_at = NumberAttribute(null=True)
    created_at = NumberAttribute()
    updated_at = NumberAttribute(null=True)
    # Set while a set-password invitation is outstanding (no password yet).
    invitation_status = UnicodeAttribute(null=True)  # "pending" | "sent" | "failed" | "accepted"
    invitation_token_hash = UnicodeAttribute(null=True)
    invitation_expires_at = NumberAttribute(null=True)
    # Bumped by every change made through staff management; changes are conditional on it.
    revision = NumberAttribute(null=True)
