from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


class DocumentPatientIndex(GlobalSecondaryIndex):
    """Every document of one patient (`patient_key` = "<clinic_key>#<patient_id>"), by
    upload time: the staff list, released or not."""

    class Meta:
        index_name = "by_patient"
        projection = AllProjection()

    patient_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class DocumentReleasedIndex(GlobalSecondaryIndex):
    """The released documents of one patient's section (`released_ref` =
    "<clinic_key>#<patient_id>#<section>"), by release time. Sparse: only a released
    document carries `released_ref`, so the patient's list is one Query with no filter
    and an unreleased document cannot appear in it."""

    class Meta:
        index_name = "by_release"
        projection = AllProjection()

    released_ref = UnicodeAttribute(hash_key=True)
    released_key = UnicodeAttribute(range_key=True)


class DocumentModel(PortalModel):
    """A visit summary, test result or other document of a patient: its metadata
    here, its file in the private documents bucket at `object_key`
    ("<clinic_key>/<patient_id>/<document_id>"). Nothing of it reaches the patient
    side until `released_at` is set (sections/documents)."""

    class Meta:
        short_name = "documents"

    clinic_key = UnicodeAttribute(hash_key=True)
    document_id = UnicodeAttribute(range_key=True)
    patient_id = UnicodeAttribute()
    patient_key = UnicodeAttribute()
    created_key = UnicodeAttribute()          # "<10-digit epoch s>#<document_id>"
    kind = UnicodeAttribute()                 # "visit_summary" | "test_result" | "other"
    title = UnicodeAttribute()
    document_date = UnicodeAttribute()        # YYYY-MM-DD: the visit's or the test's date
    author = UnicodeAttribute()               # the uploading staff member's name
    uploaded_by = UnicodeAttribute()          # their username
    created_at = NumberAttribute()
    object_key = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    values_json = UnicodeAttribute(null=True)  # a test result's values: [{test, value, unit, range, flag}]
    released_at = NumberAttribute(null=True)
    released_by = UnicodeAttribute(null=True)
    released_ref = UnicodeAttribute(null=True)
    released_key = UnicodeAttribute(null=True)   # "<10-digit epoch s>#<document_id>"
    opened_at = NumberAttribute(null=True)     # first opened on the patient side (no longer "new")
    revision = NumberAttribute(default=0)
    by_patient = DocumentPatientIndex()
    by_release = DocumentReleasedIndex()
