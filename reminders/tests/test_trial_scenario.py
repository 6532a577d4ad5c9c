"""A trial of two wordings from booking to report: appointments are booked through the services,
allocated alternately to Standard and Cost (an evenly spaced random source stands in for the
random draw), reminded as time passes by the service the send task runs, then attended,
cancelled or missed; the report's figures are written out. (test_sending.py runs the worker.)"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics.selectors import missed_appointments
from analytics.trials import reminder_trial
from appointments.services import appointment_attend, appointment_cancel
from patients.tests.factories import PatientFactory
from reminders import services
from reminders.models import Reminder, ReminderAllocation
from reminders.services import reminder_send, reminder_variant_create

from .test_allocation import EvenlySpaced, wording

pytestmark = pytest.mark.django_db
UTC = dt.UTC
BOOKED = dt.datetime(2030, 1, 7, 10, 0, tzinfo=UTC)  # winter: London is on UTC
DAY = dt.date(2030, 1, 14)
FIRST_REMINDERS = dt.datetime(2030, 1, 9, 17, 0, tzinfo=UTC)  # 5 days before, and a little
SECOND_REMINDERS = dt.datetime(2030, 1, 13, 17, 0, tzinfo=UTC)  # 1 day before
AFTER = dt.datetime(2030, 1, 15, 9, 0, tzinfo=UTC)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2030, 1, 14, hour, minute, tzinfo=UTC)


def send_due() -> None:
    """What the send tasks do when they run: send each reminder that is due by now."""
    due = Reminder.objects.filter(state="scheduled", due_at__lte=timezone.now())
    for reminder_id in due.values_list("pk", flat=True):
        reminder_send(reminder_id=reminder_id)


@pytest.fixture(autouse=True)
def _trial(time_machine, settings, monkeypatch):
    settings.PANDA_REMINDER_QUIET_HOURS = None
    time_machine.move_to(BOOKED, tick=False)
    reminder_variant_create(**wording("Cost", weight=1))  # Standard has weight 1 too
    # Draws of 0 and 0.5 in turn: Standard, Cost, Standard, Cost...
    monkeypatch.setattr(services, "_random", EvenlySpaced(2))


def test_a_trial_of_two_wordings_from_booking_to_report(book, time_machine):
    starts = [at(9), at(9, 30), at(10), at(10, 30), at(11), at(11, 30), at(12), at(12, 30)]
    a1, b1, a2, b2, a3, b3, a4, b4 = (book(when) for when in starts)
    # No mobile number and no email: nothing to remind by, so never allocated.
    unreachable = book(at(13), patient=PatientFactory(phone="", email=""))
    allocations = dict(ReminderAllocation.objects.values_list("appointment", "variant__name"))
    assert [allocations.get(a.pk) for a in (a1, b1, a2, b2, a3, b3, a4, b4, unreachable)] == [
        *["Standard", "Cost"] * 4,
        None,
    ]

    time_machine.move_to(FIRST_REMINDERS, tick=False)
    send_due()  # 8 first reminders
    time_machine.move_to(FIRST_REMINDERS + dt.timedelta(hours=1), tick=False)
    appointment_cancel(appointment=a3)
    time_machine.move_to(SECOND_REMINDERS, tick=False)
    send_due()  # 7 second reminders: a3's was cancelled
    assert Reminder.objects.filter(state="sent").count() == 15
    for appointment in (a1, b1, b2, b4):
        time_machine.move_to(appointment.starts_at + dt.timedelta(minutes=10), tick=False)
        appointment_attend(appointment=appointment)
    time_machine.move_to(AFTER, tick=False)  # a2, a4, b3 and the unreachable one were missed

    report = reminder_trial(first_day=DAY, last_day=DAY)

    assert [
        (r.variant_name, r.appointments, r.reminded, r.attended, r.cancelled, r.missed)
        for r in report.rows
    ] == [("Standard", 4, 4, 1, 1, 2), ("Cost", 4, 4, 3, 0, 1)]
    standard, cost = report.rows
    assert (standard.missed_rate, cost.missed_rate) == (0.6667, 0.25)
    # Cost against Standard: (1 x 1) / (3 x 2) = 1/6 = 0.1667; SE = sqrt(1 + 1/3 + 1 + 1/2) =
    # sqrt(2.833333) = 1.683251; exp(-1.791759 -/+ 3.299111) = 0.0062 to 4.5148. Eight
    # patients prove nothing: the interval says so.
    ratio = cost.odds_ratio
    assert (round(ratio.estimate, 4), round(ratio.ci_low, 4), round(ratio.ci_high, 4)) == (
        0.1667,
        0.0062,
        4.5148,
    )
    assert standard.odds_ratio is None and not ratio.corrected

    by_reminder = missed_appointments(
        group_by="reminded", period="day", first_day=DAY, last_day=DAY
    )
    assert [
        (r.group_name, r.booked, r.attended, r.cancelled, r.missed) for r in by_reminder.rows
    ] == [
        ("not reminded", 1, 0, 0, 1),
        ("reminded", 8, 4, 1, 3),
    ]

    out = io.StringIO()
    call_command("reminder_report", "--from", "2030-01-14", "--to", "2030-01-14", stdout=out)
    assert [line.split() for line in out.getvalue().splitlines()[3:5]] == [
        ["Standard", "4", "4", "1", "1", "2", "66.7%", "1", "reference"],
        ["Cost", "4", "4", "3", "0", "1", "25.0%", "0.17", "0.01-4.51"],
    ]
