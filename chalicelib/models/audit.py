from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.models.base import PortalModel


class AuditEventModel(PortalModel):
    """One audit event. `event_key` = "<16-digit epoch microseconds>#<random>", so a Query sorts by time."""

    class Meta:
        short_name = "audit_events"

    clinic_key = UnicodeAttribute(hash_key=True)
    event_key = UnicodeAttribute(range_key=True)
    at = NumberAttribute()
    kind = UnicodeAttribute()
    outcome = UnicodeAttribute(null=True)
    actor = MapAttribute(default=dict)
    subject = MapAttribute(null=True)
    source_ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    details = MapAttribute(null=True)
