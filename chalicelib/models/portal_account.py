from pynamodb.attributes import (BooleanAttribute, ListAttribute, NumberAttribute,
                                 UnicodeAttribute)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


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


class AccountPatientIndex(GlobalSecondaryIndex):
    """Accounts that act for one patient (`patient_key` = "<clinic_key>#<patient_id>")."""

    class Meta:
        index_name = "by_patient"
        projection = AllProjection()

    patient_key = UnicodeAttribute(hash_key=True)
    username_key = UnicodeAttribute(range_key=True)


class PortalAccountModel(PortalModel):
    """A patient-portal login: the patient themself or an authorized representative."""

    class Meta:
        short_name = "portal_accounts"

    clinic_key = UnicodeAttribute(hash_key=True)
    account_id = UnicodeAttribute(range_key=True)
    patient_id = UnicodeAttribute()
    patient_key = UnicodeAttribute()
    # The patient's name when the account was set up, so a list page needs no extra reads.
    patient_first_name = UnicodeAttribute(null=True)
    patient_last_name = UnicodeAttribute(null=True)
    username = UnicodeAttribute()
    username_key = UnicodeAttribute()
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    access_type = UnicodeAttribute()  # "self" | "authorized_rep"
    permissions = ListAttribute(of=UnicodeAttribute, default=list)
    status = UnicodeAttribute()  # "active" | "invited" | "disabled"
    status_key = UnicodeAttribute()
    enabled = BooleanAttribute(default=True)
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
    by_status = AccountStatusIndex()
    by_clinic = AccountClinicIndex()
    by_patient = AccountPatientIndex()


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
