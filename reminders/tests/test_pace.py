"""The shared pace: one row spaces every worker's sends at 60 / rate seconds."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from appointments.services import appointment_record_many, appointment_record_prepare
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.tests.factories import PatientFactory
from reminders.models import Reminder
from reminders.pace import pace_take

from .conftest import MOBILE

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2030, 1, 7, 10, 0, tzinfo=dt.UTC)


def test_sends_are_spaced_by_the_rate(settings):
    settings.PANDA_REMINDER_RATE = 3000
    moments = [pace_take(now=NOW) for _ in range(3)]
    assert moments == [NOW + dt.timedelta(milliseconds=20 * i) for i in range(3)]


def test_an_idle_pace_starts_again_from_now(settings):
    settings.PANDA_REMINDER_RATE = 60
    assert pace_take(now=NOW) == NOW
    later = NOW + dt.timedelta(minutes=5)
    assert pace_take(now=later) == later
    assert pace_take(now=later) == later + dt.timedelta(seconds=1)


def test_imported_appointments_get_reminders_when_active_and_ahead(
    django_capture_on_commit_callbacks,
):
    patient = PatientFactory(phone=MOBILE)
    now = timezone.now()

    def prepared(status, starts_at):
        return appointment_record_prepare(
            id=uuid.uuid4(),
            patient=patient,
            status=status,
            starts_at=starts_at,
            duration=dt.timedelta(minutes=30),
            clinician=ClinicianFactory(),
            department=DepartmentFactory(),
            postcode="CF10 1EP",
        )

    ahead = prepared("active", now + dt.timedelta(days=10))
    others = [
        prepared("cancelled", now + dt.timedelta(days=10)),
        prepared("missed", now - dt.timedelta(days=1)),
        prepared("attended", now - dt.timedelta(days=1)),
    ]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        appointment_record_many([ahead, *others])
    assert Reminder.objects.filter(appointment=ahead, state="scheduled").count() == 2
    assert Reminder.objects.count() == 2
    assert len(callbacks) == 2  # a task queued for each
