from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


class IntegrationKeyClinicIndex(GlobalSecondaryIndex):
    """A clinic's integration keys, oldest first (the /integrations page: one Query)."""

    class Meta:
        index_name = "by_clinic"
        projection = AllProjection()

    clinic_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)   # "<created_at, 12 digits>#<key_id>"


class IntegrationKeyModel(PortalModel):
    """A clinic's EHR integration key (chalicelib/integrations/keys.py). The key a
    caller sends (`cpk_<key_id>_<secret>`) names its item; only the SHA-256 of the
    secret is stored. Never deleted: a revoked key keeps its row (and its name in
    the audit log's events) with `revoked_at`."""

    class Meta:
        short_name = "integration_keys"

    key_id = UnicodeAttribute(hash_key=True)
    clinic_key = UnicodeAttribute()
    created_key = UnicodeAttribute()
    name = UnicodeAttribute()
    scopes = ListAttribute(of=UnicodeAttribute)
    secret_hash = UnicodeAttribute()
    created_at = NumberAttribute()
    created_by = UnicodeAttribute(null=True)
    last_used_at = NumberAttribute(null=True)    # refreshed at most once a minute
    revoked_at = NumberAttribute(null=True)
    revoked_by = UnicodeAttribute(null=True)
    by_clinic = IntegrationKeyClinicIndex()


class ExternalRecordModel(PortalModel):
    """Which portal record an EHR's own id stands for (chalicelib/integrations/records.py):
    per clinic and resource, the external id -> the portal id, the SHA-256 of the last
    body written (a repeat of it changes nothing) and the version (bumped by each change)."""

    class Meta:
        short_name = "external_records"

    resource_key = UnicodeAttribute(hash_key=True)   # "<clinic_key>#<resource>"
    external_id = UnicodeAttribute(range_key=True)
    internal_id = UnicodeAttribute()
    body_hash = UnicodeAttribute(null=True)          # None once withdrawn
    version = NumberAttribute()
    created_at = NumberAttribute()
    updated_at = NumberAttribute()
    withdrawn_at = NumberAttribute(null=True)
    key_id = UnicodeAttribute(null=True)             # the key of the last change
    patient_id = UnicodeAttribute(null=True)         # the patient of a medication or statement
