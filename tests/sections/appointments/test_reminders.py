"""The day-before reminders: once per booked appointment, clinic and time only."""
from __future__ import annotations

from tests.portal_helpers import sent_messages
from tests.sections.appointments.helpers import SCHEDULE, book

DAY = "2030-01-08"


def _reminders():
    return [m for m in sent_messages() if "appointment reminder" in m.subject]


def test_reminder_has_clinic_and_time_and_no_reason(front_desk, aws_calls):
    from chalicelib.sections.appointments.reminders import send_for_day

    book(front_desk, start=f"{DAY}T09:30:00Z", reason="Follow-up of depression", location="Psychiatry wing")
    other = book(front_desk, start=f"{DAY}T11:00:00Z", patient_id="P101").json()["appointment"]   # no address
    cancelled = book(front_desk, start=f"{DAY}T12:00:00Z").json()["appointment"]
    front_desk.post(f"{SCHEDULE}/{cancelled['appointment_id']}/cancel", json={})
    book(front_desk, start="2030-01-09T09:30:00Z")   # another day
    aws_calls.reset()
    outcome = send_for_day(DAY)
    assert (outcome.clinics, outcome.appointments, outcome.sent, outcome.nobody, outcome.skipped) == (1, 3, 1, 1, 1)
    queries = [c for c in aws_calls.calls if c == ("dynamodb", "Query")]
    # the day registry, the clinic's day, and the grants of each booked appointment's patient
    assert len(queries) == 2 + 2
    (mail,) = _reminders()
    assert mail.destinations["ToAddresses"] == ["ann@example.com"]
    text = (mail.subject + mail.body).lower()
    assert "sunrise family clinic" in text and "tuesday 8 january 2030 at 09:30 utc" in text
    for secret in ("depression", "psychiatry", "patel", "ann lee"):
        assert secret not in text
    assert other["appointment_id"]


def test_rerun_never_sends_twice_and_the_command_runs_it(front_desk, capsys):
    from infra.admin import main

    book(front_desk, start=f"{DAY}T09:30:00Z")
    assert main(["send-reminders", "--date", DAY]) == 0
    assert "1 reminders sent" in capsys.readouterr().out
    assert main(["send-reminders", "--date", DAY]) == 0
    assert "0 reminders sent" in capsys.readouterr().out
    assert len(_reminders()) == 1
    reminded = front_desk.get(f"{SCHEDULE}?date={DAY}").json()["items"][0]["reminded_at"]
    assert reminded is not None


def test_a_refused_email_is_tried_again_next_run(front_desk, monkeypatch):
    from chalicelib.core import mail
    from chalicelib.sections.appointments.reminders import send_for_day

    book(front_desk, start=f"{DAY}T09:30:00Z")
    real = mail.send

    def refuse(email):
        raise mail.MailError("refused")

    monkeypatch.setattr(mail, "send", refuse)
    assert send_for_day(DAY).failed
    monkeypatch.setattr(mail, "send", real)
    assert send_for_day(DAY).sent == 1
    assert len(_reminders()) == 1


def test_scheduled_function_sends_for_tomorrow(front_desk, clock):
    from datetime import UTC, datetime, timedelta

    import app

    tomorrow = (datetime.fromtimestamp(clock.t, UTC) + timedelta(days=1)).date().isoformat()
    book(front_desk, start=f"{tomorrow}T23:55:00Z", minutes=5)
    event = {"version": "0", "account": "123456789012", "region": "us-east-1", "detail": {},
             "detail-type": "Scheduled Event", "source": "aws.events", "time": "2026-12-01T08:00:00Z",
             "id": "e-1", "resources": []}
    assert app.appointment_reminders(event, None) == {"sent": 1}
    assert len(_reminders()) == 1
    assert app.appointment_reminders(event, None) == {"sent": 0}
