from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from chalicelib.models.base import PortalModel


class ConversationPatientIndex(GlobalSecondaryIndex):
    """One patient's conversations (`patient_key` = "<clinic_key>#<patient_id>"), by last
    activity (`activity_key`); only conversation items carry these keys."""

    class Meta:
        index_name = "by_patient"
        projection = AllProjection()

    patient_key = UnicodeAttribute(hash_key=True)
    activity_key = UnicodeAttribute(range_key=True)


class ConversationBoxIndex(GlobalSecondaryIndex):
    """A staff inbox box (`box_key` = "<clinic_key>#unassigned" | "<clinic_key>#staff#<staff_id>"
    | "<clinic_key>#closed"), by last activity."""

    class Meta:
        index_name = "by_box"
        projection = AllProjection()

    box_key = UnicodeAttribute(hash_key=True)
    activity_key = UnicodeAttribute(range_key=True)


class ConversationModel(PortalModel):
    """A secure-messages thread: its conversation item and its messages share one
    partition (`thread_key` = "<clinic_key>#<conversation_id>"), so opening a thread is
    one Query (chalicelib/sections/messages/records.py):

    - the conversation: `item_key` = "~conversation" (sorts after every message, so a
      newest-first Query returns it first), with the patient, topic, subject, status,
      assignee, the unread flags and read receipts of each side, and the index keys;
    - each message: `item_key` = "m#<8-digit place in the conversation>#<message id>",
      with its time, author and text (plain text, never HTML), and the patient id
      (checked on every read).
    """

    class Meta:
        short_name = "conversations"

    thread_key = UnicodeAttribute(hash_key=True)
    item_key = UnicodeAttribute(range_key=True)
    clinic_key = UnicodeAttribute()
    conversation_id = UnicodeAttribute()
    patient_id = UnicodeAttribute()
    created_at = NumberAttribute()
    # ---- conversation item
    patient_key = UnicodeAttribute(null=True)
    box_key = UnicodeAttribute(null=True)
    activity_key = UnicodeAttribute(null=True)    # "<10-digit epoch s of the last message>#<conversation_id>"
    patient_name = UnicodeAttribute(null=True)
    topic = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)           # "open" | "closed"
    assigned_to = UnicodeAttribute(null=True)      # a staff member's id (their username key)
    assigned_name = UnicodeAttribute(null=True)
    last_message_at = NumberAttribute(null=True)
    last_message_by = UnicodeAttribute(null=True)  # "patient" | "staff"
    last_message_key = UnicodeAttribute(null=True)
    message_count = NumberAttribute(null=True)
    patient_unread = BooleanAttribute(null=True)   # a clinic message the patient side has not read
    staff_unread = BooleanAttribute(null=True)     # a patient message the clinic has not read
    # Read receipts: when each side last read the thread, and up to which message.
    patient_read_at = NumberAttribute(null=True)
    patient_read_key = UnicodeAttribute(null=True)
    staff_read_at = NumberAttribute(null=True)
    staff_read_key = UnicodeAttribute(null=True)
    revision = NumberAttribute(null=True)
    # ---- message item
    author_kind = UnicodeAttribute(null=True)      # "patient" | "staff"
    author_id = UnicodeAttribute(null=True)
    author_name = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)

    by_patient = ConversationPatientIndex()
    by_box = ConversationBoxIndex()
