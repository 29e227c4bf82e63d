from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.models.base import PortalModel


class StatementModel(PortalModel):
    """A billing statement of one patient (sections/billing). The patient's statements
    are one partition (`patient_key` = "<clinic_key>#<patient_id>"), sorted by
    `statement_id` = "<YYYYMMDD statement date>-<32 hex>", so a page of them, newest
    first, is one Query. Amounts are integer cents; `lines_json` holds the line
    items ({line_id, kind, service_date, description, amount_cents}); `balance_cents`
    is computed from them at each change (charges - payments - adjustments)."""

    class Meta:
        short_name = "statements"

    patient_key = UnicodeAttribute(hash_key=True)
    statement_id = UnicodeAttribute(range_key=True)
    clinic_key = UnicodeAttribute()
    patient_id = UnicodeAttribute()
    statement_date = UnicodeAttribute()   # YYYY-MM-DD
    due_date = UnicodeAttribute()         # YYYY-MM-DD
    currency = UnicodeAttribute()
    lines_json = UnicodeAttribute()
    balance_cents = NumberAttribute()
    created_at = NumberAttribute()
    created_by = UnicodeAttribute()
    updated_at = NumberAttribute(null=True)
    revision = NumberAttribute(null=True)
