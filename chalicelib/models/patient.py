from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


class PatientNameIndex(GlobalSecondaryIndex):
    """Patients of a clinic ordered by `name_key` ("lee#ann#p100", folded: core.search_keys)
    for prefix search by last name or "Last, First"."""

    class Meta:
        index_name = "by_name"
        projection = AllProjection()

    clinic_key = UnicodeAttribute(hash_key=True)
    name_key = UnicodeAttribute(range_key=True)


class PatientFirstNameIndex(GlobalSecondaryIndex):
    """Patients of a clinic ordered by `first_key` ("ann#lee#p100", folded) for prefix
    search by first name or "First Last"."""

    class Meta:
        index_name = "by_first"
        projection = AllProjection()

    clinic_key = UnicodeAttribute(hash_key=True)
    first_key = UnicodeAttribute(range_key=True)


class PatientModel(PortalModel):
    """A patient's demographics, as the clinic's record holds them."""

    class Meta:
        short_name = "patients"

    clinic_key = UnicodeAttribute(hash_key=True)
    patient_id = UnicodeAttribute(range_key=True)
    first_name = UnicodeAttribute()
    last_name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    date_of_birth = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    address_line1 = UnicodeAttribute(null=True)
    address_line2 = UnicodeAttribute(null=True)
    city = UnicodeAttribute(null=True)
    region = UnicodeAttribute(null=True)       # state, province or county
    postal_code = UnicodeAttribute(null=True)
    name_key = UnicodeAttribute()              # "<last>#<first>#<patient_id>", folded: by_name's key
    first_key = UnicodeAttribute(null=True)    # "<first>#<last>#<patient_id>", folded: by_first's key
    created_at = NumberAttribute()
    updated_at = NumberAttribute(null=True)
    # Bumped by every staff change; a change is conditional on the revision it read.
    revision = NumberAttribute(null=True)
    # Bumped by each new access grant for the patient (portal_accounts.setup), which is
    # conditional on the name it copied; a rename is conditional on it, so the rename
    # rewrites every grant of the patient (patients.admin.update_patient).
    grant_epoch = NumberAttribute(null=True)
    # Set when the clinic's EHR withdrew the patient (DELETE on the integration API);
    # the record, its grants and portal logins stay for staff to decide about.
    withdrawn_at = NumberAttribute(null=True)
    by_name = PatientNameIndex()
    by_first = PatientFirstNameIndex()
