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


class FormRequestModel(PortalModel):
    """A form staff asked a portal account to fill in, and (once completed) its answers."""

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
    status = UnicodeAttribute()  # "open" | "completed" | "cancelled"
    requested_by = UnicodeAttribute()
    created_at = NumberAttribute()
    completed_at = NumberAttribute(null=True)
    completed_by = UnicodeAttribute(null=True)
    cancelled_at = NumberAttribute(null=True)
    answers_json = UnicodeAttribute(null=True)  # the answers, as the JSON text the account sent
    by_account = FormRequestAccountIndex()
