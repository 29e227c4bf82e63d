"""The counts behind the homes' tiles and the workspace's ETag (sections/counters.py)."""
import pytest

from chalicelib.core.records import write
from chalicelib.sections import counters


@pytest.fixture
def ckey(seeded):
    return "demo"


def test_bump_creates_adds_and_bumps_revision(aws, ckey, aws_calls):
    write(lambda tx: counters.bump(tx, ckey, {counters.patient("P1"): {"messages_unread": 1},
                                              counters.CLINIC: {"forms_submitted": 2}}))
    write(lambda tx: counters.bump(tx, ckey, {counters.patient("P1"): {"messages_unread": 1}}))
    aws_calls.reset()
    items = counters.read(ckey, [counters.patient("P1"), counters.CLINIC, counters.staff("S9")])
    assert aws_calls.count("dynamodb") == 1
    assert counters.count(items, counters.patient("P1"), "messages_unread") == 2
    assert counters.count(items, counters.CLINIC, "forms_submitted") == 2
    assert counters.count(items, counters.staff("S9"), "messages_assigned_unread") == 0
    assert items[counters.patient("P1")].revision == 2


def test_etag_changes_with_any_revision_and_only_then(aws, ckey):
    keys = [counters.patient("P1"), counters.CLINIC]
    first = counters.etag(counters.read(ckey, keys))
    assert counters.etag(counters.read(ckey, keys)) == first
    write(lambda tx: counters.bump(tx, ckey, {counters.CLINIC: {"forms_submitted": 1}}))
    second = counters.etag(counters.read(ckey, keys))
    assert second != first and second.startswith('W/"')
    assert counters.etag(counters.read(ckey, keys), "patient=P2") != second


def test_a_failed_transaction_changes_no_count(aws, ckey):
    from chalicelib.core.errors import Conflict
    from chalicelib.models import PatientModel

    def build(tx):
        counters.bump(tx, ckey, {counters.CLINIC: {"forms_submitted": 1}})
        tx.check("patient", PatientModel, ckey, "NOPE", condition=PatientModel.patient_id.exists())

    with pytest.raises(Conflict):
        write(build, failed={"patient": lambda: Conflict("gone")})
    assert counters.count(counters.read(ckey, [counters.CLINIC]), counters.CLINIC, "forms_submitted") == 0
