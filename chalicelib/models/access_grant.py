from enum import Enum

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


class GrantStatus(str, Enum):
    """A grant's own status. Whether it works also depends on its login (active) and
    on `expires_on` (not yet reached); see `portal_accounts.grants`."""
    ACTIVE = "active"
    DISABLED = "disabled"


class GrantClinicIndex(GlobalSecondaryIndex):
    """All grants of one clinic, by username then patient (`row_key`)."""

    class Meta:
        index_name = "by_clinic"
        projection = AllProjection()

    clinic_key = UnicodeAttribute(hash_key=True)
    row_key = UnicodeAttribute(range_key=True)


class GrantStatusIndex(GlobalSecondaryIndex):
    """Grants of one clinic in one row status (`status_key` = "<clinic_key>#<row status>")."""

    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status_key = UnicodeAttribute(hash_key=True)
    row_key = UnicodeAttribute(range_key=True)


class GrantLoginIndex(GlobalSecondaryIndex):
    """The grants one login holds (`login_key` = "<clinic_key>#<login_id>"), by patient."""

    class Meta:
        index_name = "by_login"
        projection = AllProjection()

    login_key = UnicodeAttribute(hash_key=True)
    patient_id = UnicodeAttribute(range_key=True)


class GrantPatientIndex(GlobalSecondaryIndex):
    """The grants that open one patient (`patient_key` = "<clinic_key>#<patient_id>"), by username."""

    class Meta:
        index_name = "by_patient"
        projection = AllProjection()

    patient_key = UnicodeAttribute(hash_key=True)
    row_key = UnicodeAttribute(range_key=True)


class _GrantSearchIndex(GlobalSecondaryIndex):
    class Meta:
        projection = AllProjection()

    clinic_key = UnicodeAttribute(hash_key=True)


class GrantPatientIdIndex(_GrantSearchIndex):
    """A clinic's grants by patient id then username (`patient_id_key`, folded): User Management's id search."""

    class Meta(_GrantSearchIndex.Meta):
        index_name = "by_patient_id"

    patient_id_key = UnicodeAttribute(range_key=True)


class GrantLastNameIndex(_GrantSearchIndex):
    """A clinic's grants by patient last name, first name, id, username (`patient_last_key`, folded)."""

    class Meta(_GrantSearchIndex.Meta):
        index_name = "by_patient_last"

    patient_last_key = UnicodeAttribute(range_key=True)


class GrantFirstNameIndex(_GrantSearchIndex):
    """A clinic's grants by patient first name, last name, id, username (`patient_first_key`, folded)."""

    class Meta(_GrantSearchIndex.Meta):
        index_name = "by_patient_first"

    patient_first_key = UnicodeAttribute(range_key=True)


class AccessGrantModel(PortalModel):
    """What one portal login may open: one patient, as `self` or `authorized_rep`,
    with permitted sections, a status and an optional last day (`expires_on`).

    `grant_id` is derived from (login id, patient id) (`grant_id_for`), so a login
    holds at most one grant per patient and the request path can read the grant it
    needs in the same TransactGetItems as the session and the login.
    `login_status` is a copy of the login's status for User Management's filters
    and rows; authorization always reads the login itself.
    """

    class Meta:
        short_name = "access_grants"

    clinic_key = UnicodeAttribute(hash_key=True)
    grant_id = UnicodeAttribute(range_key=True)
    login_id = UnicodeAttribute()          # the PortalAccountModel (login) account_id
    login_key = UnicodeAttribute()         # "<clinic_key>#<login_id>"
    patient_id = UnicodeAttribute()
    patient_key = UnicodeAttribute()       # "<clinic_key>#<patient_id>"
    patient_first_name = UnicodeAttribute(null=True)
    patient_last_name = UnicodeAttribute(null=True)
    # User Management's search keys (core.search_keys, each ending "#<username_key>"),
    # rewritten with the patient's name (patients.admin.update_patient): see portal_accounts.listing.
    patient_id_key = UnicodeAttribute(null=True)     # "<patient id>#<username>"
    patient_last_key = UnicodeAttribute(null=True)   # "<last>#<first>#<patient id>#<username>"
    patient_first_key = UnicodeAttribute(null=True)  # "<first>#<last>#<patient id>#<username>"
    username_key = UnicodeAttribute()      # the login's, for ordering and search
    row_key = UnicodeAttribute()           # "<username_key>#<patient_id>"
    access_type = UnicodeAttribute()       # "self" | "authorized_rep"
    permissions = ListAttribute(of=UnicodeAttribute, default=list)
    status = UnicodeAttribute()            # a GrantStatus value
    login_status = UnicodeAttribute()      # copy of the login's status
    status_key = UnicodeAttribute()        # "<clinic_key>#<row status>"
    expires_on = UnicodeAttribute(null=True)  # YYYY-MM-DD: from this day on it no longer works
    created_at = NumberAttribute()
    updated_at = NumberAttribute()
    revision = NumberAttribute(null=True)
    by_clinic = GrantClinicIndex()
    by_status = GrantStatusIndex()
    by_login = GrantLoginIndex()
    by_patient = GrantPatientIndex()
    by_patient_id = GrantPatientIdIndex()
    by_patient_last = GrantLastNameIndex()
    by_patient_first = GrantFirstNameIndex()

    @staticmethod
    def row_status(status: str, login_status: str) -> str:
        """What User Management filters on: disabled if the grant or the login is,
        invited while the login awaits its invitation, else active."""
        if "disabled" in (status, login_status):
            return "disabled"
        return "invited" if login_status == "invited" else "active"

    def status_key_for(self, status: str, login_status: str) -> str:
        return f"{self.clinic_key}#{self.row_status(status, login_status)}"

    def search_keys(self, first_name: str, last_name: str) -> dict:
        """The search keys for this grant's patient named so (core.search_keys)."""
        from chalicelib.core.search_keys import first_key, fold, last_key

        tail = f"#{self.username_key}"
        return {"patient_id_key": fold(self.patient_id) + tail,
                "patient_last_key": last_key(last_name, first_name, self.patient_id) + tail,
                "patient_first_key": first_key(last_name, first_name, self.patient_id) + tail}

    def status_actions(self, *, status: str | None = None, login_status: str | None = None) -> list:
        """Update actions moving the grant's own status and/or its login's copy (index key included)."""
        cls = type(self)
        status = status or self.status
        login_status = login_status or self.login_status
        return [cls.status.set(status), cls.login_status.set(login_status),
                cls.status_key.set(self.status_key_for(status, login_status))]


class SelfGrantClaimModel(PortalModel):
    """At most one `self` grant per patient: `claim_key` = "<clinic_key>#<patient_id>",
    written with `attribute_not_exists` in the transaction that creates the grant (or
    changes it to self), deleted with it."""

    class Meta:
        short_name = "self_grant_claims"

    claim_key = UnicodeAttribute(hash_key=True)
    grant_id = UnicodeAttribute()
