from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


class PatientNameIndex(GlobalSecondaryIndex):
    """Patients of a clinic ordered by `name_key` ("lee#ann#p100") for prefix search."""

    class Meta:
        index_name = "by_name"
        projection = AllProjection()

    clinic_key = UnicodeAttribute(hash_key=True)
    name_key = UnicodeAttribute(range_key=True)


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
    name_key = UnicodeAttribute()
    created_at = NumberAttribute()
    by_name = PatientNameIndex()
