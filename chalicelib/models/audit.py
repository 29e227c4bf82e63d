from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


class AuditKindIndex(GlobalSecondaryIndex):
    """A clinic's events of one kind (`kind_ref` = "<clinic_key>#<kind>"), by time."""

    class Meta:
        index_name = "by_kind"
        projection = AllProjection()

    kind_ref = UnicodeAttribute(hash_key=True)
    event_key = UnicodeAttribute(range_key=True)


class AuditActorIndex(GlobalSecondaryIndex):
    """Events one person did (`actor_ref` = "<clinic_key>#<normalized username>"), by time."""

    class Meta:
        index_name = "by_actor"
        projection = AllProjection()

    actor_ref = UnicodeAttribute(hash_key=True)
    event_key = UnicodeAttribute(range_key=True)


class AuditSubjectIndex(GlobalSecondaryIndex):
    """Events done to one person (`subject_ref` = "<clinic_key>#<normalized username>"), by time."""

    class Meta:
        index_name = "by_subject"
        projection = AllProjection()

    subject_ref = UnicodeAttribute(hash_key=True)
    event_key = UnicodeAttribute(range_key=True)


class AuditPatientIndex(GlobalSecondaryIndex):
    """Events about one patient (`patient_ref` = "<clinic_key>#<patient_id>"), by time: the
    access log (who viewed which section of whose records) and the changes to their records."""

    class Meta:
        index_name = "by_patient"
        projection = AllProjection()

    patient_ref = UnicodeAttribute(hash_key=True)
    event_key = UnicodeAttribute(range_key=True)


class AuditEventModel(PortalModel):
    """One audit event. `event_key` = "<16-digit epoch microseconds>#<random>", so a Query sorts by
    time, on the table (the whole clinic) and on each index (one kind, one actor, one subject,
    one patient)."""

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
    kind_ref = UnicodeAttribute(null=True)
    actor_ref = UnicodeAttribute(null=True)
    subject_ref = UnicodeAttribute(null=True)
    patient_ref = UnicodeAttribute(null=True)
    by_kind = AuditKindIndex()
    by_actor = AuditActorIndex()
    by_subject = AuditSubjectIndex()
    by_patient = AuditPatientIndex()
