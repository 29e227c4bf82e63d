from enum import Enum

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


class StaffStatus(str, Enum):
    """A staff member's status, derived from what is stored: `enabled` off is
    disabled; enabled without a password is invited (awaiting the set-password
    email); otherwise active. Staff Portal access is a separate switch."""
    ACTIVE = "active"
    INVITED = "invited"
    DISABLED = "disabled"


class StaffEmailIndex(GlobalSecondaryIndex):
    """A clinic's staff by email address (normalised), for "forgot your username?".
    Sparse: staff without an email are not in it."""

    class Meta:
        index_name = "by_email"
        projection = AllProjection()

    clinic_key = UnicodeAttribute(hash_key=True)
    email_key = UnicodeAttribute(range_key=True)


def email_key_of(email: str | None) -> str | None:
    """The index key of an email address: NFKC, trimmed, case-folded (None: no email)."""
    from chalicelib.core.ids import normalize_key

    return normalize_key(email) if email else None


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
    email_key = UnicodeAttribute(null=True)   # `email_key_of(email)`, kept with it: the by_email index
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
    # A session is live only while its recorded epoch is this one: every change that
    # must end the person's sessions bumps it (`auth.sessions.bump_epoch`).
    session_epoch = NumberAttribute(null=True)
    # Two-factor authentication (auth/mfa*.py): the TOTP secret encrypted with KMS
    # (base64 of the ciphertext, never the secret), one being enrolled, the last
    # time step accepted (a code works once: updates are conditional on it), and
    # the SHA-256 of each unused recovery code.
    mfa_secret = UnicodeAttribute(null=True)
    mfa_pending_secret = UnicodeAttribute(null=True)
    mfa_last_step = NumberAttribute(null=True)
    mfa_recovery = UnicodeSetAttribute(null=True)
    mfa_enabled_at = NumberAttribute(null=True)
    # Passkeys (auth/passkeys/): how many this person has (ADDed with each add and
    # remove, shown to administrators), the generation every passkey must carry
    # to work (bumped by "Remove all passkeys": revocation is a read), and the
    # random WebAuthn user handle the person's passkeys carry (never a name).
    passkey_count = NumberAttribute(null=True)
    passkey_generation = NumberAttribute(null=True)
    passkey_user_id = UnicodeAttribute(null=True)
    by_email = StaffEmailIndex()

    # ---------------------------------------------------------------- status

    @property
    def status(self) -> StaffStatus:
        if not self.enabled:
            return StaffStatus.DISABLED
        return StaffStatus.INVITED if self.password_hash is None else StaffStatus.ACTIVE

    @property
    def is_active(self) -> bool:
        """May sign in (with the right password); portal access is checked apart."""
        return bool(self.enabled)

    @property
    def awaiting_invitation(self) -> bool:
        return self.status is StaffStatus.INVITED

    @property
    def is_disabled(self) -> bool:
        return not self.enabled

    def status_when_enabled(self) -> StaffStatus:
        return StaffStatus.ACTIVE if self.password_hash else StaffStatus.INVITED

    def enabled_change(self, enabled: bool) -> tuple[list, dict]:
        """(update actions, new attribute values) that disable or enable this staff member."""
        return [type(self).enabled.set(enabled)], {"enabled": enabled}

    def activation_actions(self) -> list:
        """What accepting an invitation changes besides the password (nothing: status is derived)."""
        return []

    @property
    def invitation_address(self) -> str | None:
        """Where an invitation goes: the staff member's email."""
        return self.email

    @classmethod
    def invitation_address_attribute(cls):
        return cls.email

    @classmethod
    def active_condition(cls):
        """Condition: may still sign in to the Staff Portal."""
        return (cls.enabled == True) & (cls.portal_access == True)  # noqa: E712

    @classmethod
    def invited_condition(cls):
        return cls.password_hash.does_not_exist() & (cls.enabled == True)  # noqa: E712
