from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.models.base import PortalModel


class SectionCounterModel(PortalModel):
    """What is waiting, kept as counts so a home page and its "has anything changed?"
    check are one BatchGetItem (chalicelib/sections/counters.py). One item per
    `counter_key` in a clinic's partition:

    - "clinic": the clinic-wide queues staff see (unassigned conversations waiting for
      the clinic, submitted forms awaiting review);
    - "staff#<staff_id>": one staff member's own queue (conversations assigned to them
      with a message they have not read);
    - "patient#<patient_id>": the patient side, shared by every login acting for the
      patient (conversations with a clinic reply the patient side has not read);
    - "grant#<grant_id>": one User Management row (open form requests made of it).

    Counts are only ever changed with atomic `ADD`s in the same transaction as the
    change they count (never read-modify-write), and `revision` is bumped with each,
    so it doubles as the ETag of the pages that show them.
    """

    class Meta:
        short_name = "section_counters"

    clinic_key = UnicodeAttribute(hash_key=True)
    counter_key = UnicodeAttribute(range_key=True)
    revision = NumberAttribute(default=0)
    updated_at = NumberAttribute(null=True)
    # "patient#...": conversations whose latest clinic message the patient side has not read
    messages_unread = NumberAttribute(null=True)
    # "patient#...": released test results / visit summaries (and other documents) the patient
    # side has not opened yet
    results_new = NumberAttribute(null=True)
    summaries_new = NumberAttribute(null=True)
    # "grant#...": open form requests of the grant
    forms_open = NumberAttribute(null=True)
    # "clinic": open, unassigned conversations with a patient message staff have not read
    messages_unassigned_unread = NumberAttribute(null=True)
    # "clinic": open, unassigned conversations
    messages_unassigned_open = NumberAttribute(null=True)
    # "clinic": submitted forms not yet marked reviewed
    forms_submitted = NumberAttribute(null=True)
    # "staff#...": open conversations assigned to them with a patient message they have not read
    messages_assigned_unread = NumberAttribute(null=True)
    # "staff#...": open conversations assigned to them
    messages_assigned_open = NumberAttribute(null=True)

    # "clinic": appointment requests waiting to be booked or declined
    appointment_requests_waiting = NumberAttribute(null=True)
    # "patient#...": the patient's upcoming appointments as JSON text, a sorted list of
    # "<YYYY-MM-DDTHH:MM>#<appointment_id>" (sections/appointments/upcoming.py); changed
    # only conditional on `revision` (read, then written unchanged-or-retried)
    appointments_upcoming = UnicodeAttribute(null=True)
    # "patient#...": refill requests waiting for staff / answered since the patient side last looked
    refills_open = NumberAttribute(null=True)
    refills_answered = NumberAttribute(null=True)
    # "clinic": refill requests waiting for staff
    refills_requested = NumberAttribute(null=True)
    # "patient#...": the balance of the patient's statements, in cents (sections/billing), and
    # the due date of the statement entered last (YYYY-MM-DD)
    billing_balance_cents = NumberAttribute(null=True)
    billing_due_date = UnicodeAttribute(null=True)
    billing_currency = UnicodeAttribute(null=True)

    def count(self, name: str) -> int:
        """A count, never below zero (0 for one never written)."""
        return max(0, int(getattr(self, name) or 0))
