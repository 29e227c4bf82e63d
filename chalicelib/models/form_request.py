from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


class FormRequestAccountIndex(GlobalSecondaryIndex):
    """Requests made of one portal account (`account_key` = "<clinic_key>#<account_id>"), oldest first."""

    class Meta:
        index_name = "by_account"
        projection = AllProjection()

    account_key = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class FormRequestReviewIndex(GlobalSecondaryIndex):
    """Submitted forms of a clinic by review state (`review_key` = "<clinic_key>#submitted"
    or "#reviewed"), in the order they were submitted. Sparse: only submitted forms
    carry `review_key`."""

    class Meta:
        index_name = "by_review"
        projection = AllProjection()

    review_key = UnicodeAttribute(hash_key=True)
    submitted_key = UnicodeAttribute(range_key=True)


class FormRequestModel(PortalModel):
    """A form staff asked a portal account to fill in: a snapshot of the template it
    was made from, the patient's draft, and (once submitted) the answers."""

    class Meta:
        short_name = "form_requests"

    clinic_key = UnicodeAttribute(hash_key=True)
    request_id = UnicodeAttribute(range_key=True)
    account_id = UnicodeAttribute()
    account_key = UnicodeAttribute()
    created_key = UnicodeAttribute()  # "<10-digit epoch s>#<request_id>"
    form_name = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    due_date = UnicodeAttribute(null=True)  # YYYY-MM-DD
    # "open" | "submitted" | "reviewed" | "cancelled" ("completed": made before templates)
    status = UnicodeAttribute()
    requested_by = UnicodeAttribute()
    created_at = NumberAttribute()
    patient_id = UnicodeAttribute(null=True)
    patient_name = UnicodeAttribute(null=True)
    template_id = UnicodeAttribute(null=True)
    template_revision = NumberAttribute(null=True)
    template_json = UnicodeAttribute(null=True)   # {"name", "description", "fields"} as requested
    draft_json = UnicodeAttribute(null=True)      # the patient's saved, possibly partial, answers
    draft_saved_at = NumberAttribute(null=True)
    completed_at = NumberAttribute(null=True)     # submitted at
    completed_by = UnicodeAttribute(null=True)    # submitted by (the login's username)
    cancelled_at = NumberAttribute(null=True)
    reviewed_at = NumberAttribute(null=True)
    reviewed_by = UnicodeAttribute(null=True)
    answers_json = UnicodeAttribute(null=True)  # the submitted answers, checked against the template
    review_key = UnicodeAttribute(null=True)
    submitted_key = UnicodeAttribute(null=True)   # "<10-digit epoch s>#<request_id>"
    by_account = FormRequestAccountIndex()
    by_review = FormRequestReviewIndex()
