from enum import Enum

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


class AccountStatus(str, Enum):
    """A portal account's status, stored as its value. Transitions:
    invited -(accepts the invitation)-> active; active|invited -(disable)-> disabled;
    disabled -(enable)-> active if a password is set, else invited."""
    ACTIVE = "active"
    INVITED = "invited"
    DISABLED = "disabled"


class AccountStatusIndex(GlobalSecondaryIndex):
    """Accounts of one clinic in one status (`status_key` = "<clinic_key>#<status>"), by username."""

    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status_key = UnicodeAttribute(hash_key=True)
    username_key = UnicodeAttribute(range_key=True)


class AccountClinicIndex(GlobalSecondaryIndex):
    """All accounts of one clinic, by username."""

    class Meta:
        index_name = "by_clinic"
        projection = AllProjection()

    clinic_key = UnicodeAttribute(hash_key=True)
    username_key = UnicodeAttribute(range_key=True)


class PortalAccountModel(PortalModel):
    """A patient-portal *login*: who signs in (username = email, password, status,
    sessions, invitation). What it may open are its access grants
    (`AccessGrantModel`, one per patient); `grant_count` counts them, so removing
    the last grant removes the login atomically."""

    class Meta:
        short_name = "portal_accounts"

    clinic_key = UnicodeAttribute(hash_key=True)
    account_id = UnicodeAttribute(range_key=True)
    username = UnicodeAttribute()
    username_key = UnicodeAttribute()
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    grant_count = NumberAttribute(default=0)
    status = UnicodeAttribute()  # an AccountStatus value; change it only through `status_actions`
    status_key = UnicodeAttribute()  # "<clinic_key>#<status>": the by_status index's key
    password_hash = UnicodeAttribute(null=True)
    force_password_change = BooleanAttribute(default=True)
    password_changed_at = NumberAttribute(null=True)
    invitation_status = UnicodeAttribute(null=True)  # "pending" | "sent" | "failed" | "accepted"
    invitation_token_hash = UnicodeAttribute(null=True)
    invitation_expires_at = NumberAttribute(null=True)
    last_login_at = NumberAttribute(null=True)
    created_at = NumberAttribute()
    updated_at = NumberAttribute()
    # Bumped by every staff-side change; changes are conditional on the revision they read.
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
    by_status = AccountStatusIndex()
    by_clinic = AccountClinicIndex()

    # ---------------------------------------------------------------- status

    @staticmethod
    def status_key_for(clinic_key: str, status: AccountStatus | str) -> str:
        return f"{clinic_key}#{AccountStatus(status).value}"

    def set_status(self, status: AccountStatus | str) -> None:
        """Set the status of an unsaved item (with its index key)."""
        self.status = AccountStatus(status).value
        self.status_key = self.status_key_for(self.clinic_key, status)

    def status_actions(self, status: AccountStatus | str) -> list:
        """The update actions that move this account to `status` (index key included)."""
        cls = type(self)
        return [cls.status.set(AccountStatus(status).value),
                cls.status_key.set(self.status_key_for(self.clinic_key, status))]

    @property
    def is_active(self) -> bool:
        """May sign in (with the right password)."""
        return self.status == AccountStatus.ACTIVE.value

    @property
    def awaiting_invitation(self) -> bool:
        return self.status == AccountStatus.INVITED.value

    @property
    def is_disabled(self) -> bool:
        return self.status == AccountStatus.DISABLED.value

    def status_when_enabled(self) -> AccountStatus:
        """Where `enable` takes a disabled account: active, or invited if it never set a password."""
        return AccountStatus.ACTIVE if self.password_hash else AccountStatus.INVITED

    def enabled_change(self, enabled: bool) -> tuple[list, dict]:
        """(update actions, new attribute values) that disable or enable this account."""
        status = self.status_when_enabled() if enabled else AccountStatus.DISABLED
        return self.status_actions(status), {"status": status.value,
                                             "status_key": self.status_key_for(self.clinic_key, status)}

    def activation_actions(self) -> list:
        """What accepting an invitation changes besides the password."""
        return self.status_actions(AccountStatus.ACTIVE)

    @property
    def invitation_address(self) -> str | None:
        """Where an invitation goes: the username (an email address)."""
        return self.username

    @classmethod
    def invitation_address_attribute(cls):
        return cls.username

    @classmethod
    def active_condition(cls):
        return cls.status == AccountStatus.ACTIVE.value

    @classmethod
    def invited_condition(cls):
        return cls.status == AccountStatus.INVITED.value


class PortalUsernameModel(PortalModel):
    """Claim on a patient-portal username within a clinic; makes usernames unique.

    `login_key` = "<clinic_key>#<username_key>". Written in the same transaction
    as the account it points to, with `attribute_not_exists`.
    """

    class Meta:
        short_name = "portal_usernames"

    login_key = UnicodeAttribute(hash_key=True)
    clinic_key = UnicodeAttribute()
    account_id = UnicodeAttribute()
