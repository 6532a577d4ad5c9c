"""Fixtures of the reminders' tests: booking through the services, running due tasks with the
database backend's own worker (in this process), and a local Notify."""

import datetime as dt

import pytest
from django.core.management import call_command

from appointments.services import appointment_create
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.tests.factories import PatientFactory

from .notify_server import API_KEY, EMAIL_TEMPLATE_ID, SMS_TEMPLATE_ID, NotifyServer

MOBILE = "+447911123456"
LANDLINE = "+442079460958"
LONDON = dt.timezone(dt.timedelta(0))  # in winter, as the tests' dates are


@pytest.fixture(autouse=True)
def _reminder_settings(settings):
    settings.PANDA_REMINDER_SENDER = "console"
    settings.PANDA_REMINDER_OFFSETS = (dt.timedelta(days=5), dt.timedelta(days=1))


@pytest.fixture
def book(django_capture_on_commit_callbacks):
    """Book through the service, as the API does, queueing the reminders' tasks."""

    def make(starts_at, patient=None, now=None, **patient_fields):
        patient = patient or PatientFactory(**({"phone": MOBILE} | patient_fields))
        with django_capture_on_commit_callbacks(execute=True):
            return appointment_create(
                patient=patient,
                starts_at=starts_at,
                duration=dt.timedelta(minutes=30),
                clinician=ClinicianFactory(name="Dr Ada Jones"),
                department=DepartmentFactory(name="Cardiology"),
                postcode="CF10 1EP",
                now=now,
            )

    return make


@pytest.fixture
def run_due_tasks(django_capture_on_commit_callbacks, monkeypatch):
    """Run every task that is due now with django-tasks-db's worker, then return."""
    # The worker closes old connections between tasks; here the one connection holds the
    # test's transaction (on PostgreSQL and MariaDB, health checks would close it).
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


@pytest.fixture
def notify(settings):
    with NotifyServer() as server:
        settings.PANDA_REMINDER_SENDER = "notify"
        settings.PANDA_NOTIFY_API_KEY = API_KEY
        settings.PANDA_NOTIFY_BASE_URL = server.url
        settings.PANDA_NOTIFY_SMS_TEMPLATE_ID = SMS_TEMPLATE_ID
        settings.PANDA_NOTIFY_EMAIL_TEMPLATE_ID = EMAIL_TEMPLATE_ID
        yield server.state
