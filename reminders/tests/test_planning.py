"""Planning: which reminders an appointment gets, and when, as it is booked, moved, cancelled."""

import datetime as dt
import random

import pytest

from appointments.services import appointment_attend, appointment_cancel, appointment_update
from panda_project.reminder_timing import parse_quiet_hours
from reminders.models import Reminder, ReminderAllocation, ReminderVariant
from reminders.services import reminder_variant_allocate, reminders_plan

from .conftest import LANDLINE

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2030, 1, 7, 10, 0, tzinfo=UTC)  # a Monday in winter: London is on UTC


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def planned(appointment) -> list[tuple[str, dt.datetime, str]]:
    return [
        (r.channel, r.due_at, r.state)
        for r in Reminder.objects.filter(appointment=appointment).order_by("due_at", "state")
    ]


def test_a_booking_gets_a_reminder_for_each_offset(book):
    appointment = book(dt.datetime(2030, 1, 14, 14, 0, tzinfo=UTC))
    assert planned(appointment) == [
        ("sms", dt.datetime(2030, 1, 9, 14, 0, tzinfo=UTC), "scheduled"),
        ("sms", dt.datetime(2030, 1, 13, 14, 0, tzinfo=UTC), "scheduled"),
    ]


def test_a_booking_inside_an_offset_skips_that_reminder(book):
    appointment = book(dt.datetime(2030, 1, 10, 14, 0, tzinfo=UTC))  # 3 days ahead
    assert planned(appointment) == [
        ("sms", dt.datetime(2030, 1, 9, 14, 0, tzinfo=UTC), "scheduled")
    ]


def test_the_channel_follows_the_patients_choice_and_contacts(book):
    by_email = book(NOW + dt.timedelta(days=6), phone=LANDLINE, email="sian@example.org")
    none = book(NOW + dt.timedelta(days=6), phone=LANDLINE)
    opted_out = book(NOW + dt.timedelta(days=6), reminder_channel="none")
    email_chosen = book(NOW + dt.timedelta(days=6), email="a@example.org", reminder_channel="email")
    assert {r[0] for r in planned(by_email)} == {"email"}
    assert planned(none) == planned(opted_out) == []
    assert {r[0] for r in planned(email_chosen)} == {"email"}


def test_an_sms_due_in_quiet_hours_goes_when_they_end(book, settings):
    settings.PANDA_REMINDER_QUIET_HOURS = parse_quiet_hours("21:00-08:00")
    appointment = book(dt.datetime(2030, 1, 14, 7, 30, tzinfo=UTC))
    assert planned(appointment)[-1] == (
        "sms",
        dt.datetime(2030, 1, 13, 8, 0, tzinfo=UTC),
        "scheduled",
    )


def test_an_sms_whose_quiet_hours_outlast_the_appointment_is_skipped(book, settings):
    settings.PANDA_REMINDER_QUIET_HOURS = parse_quiet_hours("21:00-08:00")
    settings.PANDA_REMINDER_OFFSETS = (dt.timedelta(hours=1),)
    appointment = book(dt.datetime(2030, 1, 9, 6, 0, tzinfo=UTC))  # due at 05:00: quiet
    reminder = Reminder.objects.get(appointment=appointment)
    assert (reminder.state, reminder.failure_reason) == (
        "skipped",
        "Quiet hours last until after the appointment.",
    )


def test_email_ignores_quiet_hours(book, settings):
    settings.PANDA_REMINDER_QUIET_HOURS = parse_quiet_hours("21:00-08:00")
    appointment = book(dt.datetime(2030, 1, 14, 7, 30, tzinfo=UTC), phone="", email="a@b.org")
    assert planned(appointment)[-1][1] == dt.datetime(2030, 1, 13, 7, 30, tzinfo=UTC)


def test_planning_twice_changes_nothing(book):
    appointment = book(dt.datetime(2030, 1, 14, 14, 0, tzinfo=UTC))
    assert reminders_plan(appointment=appointment) == []
    assert Reminder.objects.filter(appointment=appointment).count() == 2


def test_a_rescheduled_appointment_is_reminded_of_its_new_time_only(book):
    appointment = book(dt.datetime(2030, 1, 14, 14, 0, tzinfo=UTC))
    appointment_update(
        appointment=appointment, starts_at=dt.datetime(2030, 1, 21, 9, 0, tzinfo=UTC)
    )
    assert planned(appointment) == [
        ("sms", dt.datetime(2030, 1, 9, 14, 0, tzinfo=UTC), "cancelled"),
        ("sms", dt.datetime(2030, 1, 13, 14, 0, tzinfo=UTC), "cancelled"),
        ("sms", dt.datetime(2030, 1, 16, 9, 0, tzinfo=UTC), "scheduled"),
        ("sms", dt.datetime(2030, 1, 20, 9, 0, tzinfo=UTC), "scheduled"),
    ]
    assert set(Reminder.objects.filter(state="cancelled").values_list("failure_reason")) == {
        ("The appointment was moved.",)
    }


def test_moving_back_to_the_first_time_schedules_its_reminders_again(book):
    first = dt.datetime(2030, 1, 14, 14, 0, tzinfo=UTC)
    appointment = book(first)
    appointment_update(appointment=appointment, starts_at=first + dt.timedelta(days=7))
    appointment_update(appointment=appointment, starts_at=first)
    states = [r[2] for r in planned(appointment)]
    assert states == ["scheduled", "scheduled", "cancelled", "cancelled"]
    assert Reminder.objects.count() == 4


def test_a_cancelled_appointment_keeps_no_scheduled_reminder(book):
    appointment = book(dt.datetime(2030, 1, 14, 14, 0, tzinfo=UTC))
    appointment_cancel(appointment=appointment)
    assert [r[2] for r in planned(appointment)] == ["cancelled", "cancelled"]


def test_an_attended_appointment_plans_nothing_more(book):
    appointment = book(NOW + dt.timedelta(hours=1))  # inside both offsets: none planned
    appointment_attend(appointment=appointment)
    assert planned(appointment) == []


def test_one_variant_takes_every_appointment(book):
    appointment = book(NOW + dt.timedelta(days=6))
    assert {r.variant.name for r in Reminder.objects.filter(appointment=appointment)} == {
        "Standard"
    }


def test_variants_are_allocated_by_weight_and_kept(book):
    ReminderVariant.objects.filter(name="Standard").update(weight=1)
    costly = ReminderVariant.objects.create(
        name="Cost to the NHS",
        sms_text_en="A missed appointment costs the NHS £160. ((date)) ((time))",
        email_subject_en="Your appointment",
        email_body_en="((date))",
        weight=3,
    )
    appointment = book(NOW + dt.timedelta(days=6))
    rng = random.Random(7)
    draws = [
        reminder_variant_allocate(appointment=book(NOW + dt.timedelta(days=6)), rng=rng)
        for _ in range(40)
    ]
    assert 20 <= sum(variant == costly for variant in draws) <= 38  # about three in four
    allocated = ReminderAllocation.objects.get(appointment=appointment).variant
    for _ in range(5):
        assert reminder_variant_allocate(appointment=appointment, rng=rng) == allocated
