"""Sending: a worker (django-tasks-db's own, run in this process) sends each reminder when it is
due, as the appointment is then, once; through the console, email, or a local Notify."""

import datetime as dt
import logging

import pytest
from django.core import mail

from appointments.services import appointment_attend, appointment_cancel
from panda_project.reminder_timing import parse_quiet_hours
from patients.services import patient_update
from reminders.models import Reminder
from reminders.services import MAX_ATTEMPTS
from reminders.tasks import reminder_send_task

from .conftest import MOBILE

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2030, 1, 7, 10, 0, tzinfo=UTC)  # a Monday in winter: London is on UTC
STARTS = dt.datetime(2030, 1, 14, 14, 0, tzinfo=UTC)
FIRST_DUE = dt.datetime(2030, 1, 9, 14, 0, tzinfo=UTC)
SECOND_DUE = dt.datetime(2030, 1, 13, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _now(time_machine, settings):
    settings.PANDA_REMINDER_QUIET_HOURS = None
    time_machine.move_to(NOW, tick=False)


def states(appointment) -> list[str]:
    return [r.state for r in Reminder.objects.filter(appointment=appointment).order_by("due_at")]


def test_reminders_go_when_due_over_a_week(book, run_due_tasks, time_machine, caplog):
    appointment = book(STARTS)
    caplog.set_level(logging.INFO, logger="panda.reminders")
    run_due_tasks()
    assert states(appointment) == ["scheduled", "scheduled"]
    time_machine.move_to(FIRST_DUE)
    run_due_tasks()
    assert states(appointment) == ["sent", "scheduled"]
    time_machine.move_to(SECOND_DUE + dt.timedelta(minutes=5))
    run_due_tasks()
    assert states(appointment) == ["sent", "sent"]
    sent = Reminder.objects.filter(appointment=appointment).order_by("due_at")
    assert [r.sent_at for r in sent] == [FIRST_DUE, SECOND_DUE + dt.timedelta(minutes=5)]
    assert [r.attempts for r in sent] == [1, 1]
    lines = [r.getMessage() for r in caplog.records if r.name == "panda.reminders"]
    assert len(lines) == 2
    assert (
        "by sms to ***456 (en, variant Standard): Reminder: you have an appointment with "
        in (lines[0])
    )
    assert "on Monday 14 January 2030 at 14:00, at CF10 1EP." in lines[0]
    assert MOBILE not in lines[0] and appointment.patient.nhs_number not in lines[0]


def test_a_reminder_is_sent_once_however_often_its_task_runs(book, run_due_tasks, time_machine):
    appointment = book(STARTS)
    first = Reminder.objects.filter(appointment=appointment).order_by("due_at").first()
    for _ in range(3):  # a retried task, or the same reminder queued again
        reminder_send_task.using(run_after=FIRST_DUE).enqueue(str(first.pk))
    time_machine.move_to(FIRST_DUE)
    mail.outbox.clear()
    run_due_tasks()
    first.refresh_from_db()
    assert (first.state, first.attempts) == ("sent", 1)


def test_a_cancelled_appointment_is_not_reminded(book, run_due_tasks, time_machine, caplog):
    appointment = book(STARTS)
    appointment_cancel(appointment=appointment)
    time_machine.move_to(SECOND_DUE)
    caplog.set_level(logging.INFO, logger="panda.reminders")
    run_due_tasks()
    assert states(appointment) == ["cancelled", "cancelled"]
    assert not [r for r in caplog.records if r.name == "panda.reminders"]


def test_an_attended_appointment_is_not_reminded(book, run_due_tasks, time_machine, settings):
    settings.PANDA_CHECK_IN_OPENS = 7 * 24 * 60  # a clinic that may see patients a week early
    appointment = book(STARTS)
    time_machine.move_to(STARTS - dt.timedelta(days=5, hours=1))
    appointment_attend(appointment=appointment)  # seen early
    time_machine.move_to(SECOND_DUE)
    run_due_tasks()
    assert states(appointment) == ["skipped", "skipped"]
    assert set(Reminder.objects.values_list("failure_reason", flat=True)) == {
        "The appointment is no longer ahead."
    }


def test_a_patient_without_a_contact_by_then_is_skipped(book, run_due_tasks, time_machine):
    appointment = book(STARTS)
    patient_update(patient=appointment.patient, phone="")
    time_machine.move_to(FIRST_DUE)
    run_due_tasks()
    assert states(appointment) == ["skipped", "scheduled"]


def test_a_reminder_due_in_quiet_hours_by_the_time_it_runs_waits_for_their_end(
    book, run_due_tasks, time_machine, settings
):
    appointment = book(dt.datetime(2030, 1, 14, 22, 30, tzinfo=UTC))  # 1d reminder at 22:30
    settings.PANDA_REMINDER_QUIET_HOURS = parse_quiet_hours("21:00-08:00")
    time_machine.move_to(dt.datetime(2030, 1, 13, 22, 30, tzinfo=UTC))
    run_due_tasks()
    last = Reminder.objects.filter(appointment=appointment).order_by("offset").first()
    assert (last.state, last.due_at) == ("scheduled", dt.datetime(2030, 1, 14, 8, 0, tzinfo=UTC))
    time_machine.move_to(dt.datetime(2030, 1, 14, 8, 0, tzinfo=UTC))
    run_due_tasks()
    last.refresh_from_db()
    assert last.state == "sent"


def test_email_goes_through_djangos_email_backend_in_the_patients_language(
    book, run_due_tasks, time_machine, settings
):
    settings.PANDA_REMINDER_SENDER = "email"
    appointment = book(STARTS, email="sian@example.org", language="cy")  # SMS: not by email
    time_machine.move_to(FIRST_DUE)
    run_due_tasks()
    assert states(appointment) == ["sent", "scheduled"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sian@example.org"]
    assert message.subject == "Eich apwyntiad ar Dydd Llun 14 Ionawr 2030"
    assert message.body.startswith("Mae gennych apwyntiad gyda Dr Ada Jones, Cardiology, ar ")
    reminder = Reminder.objects.filter(appointment=appointment).order_by("due_at").first()
    assert message.extra_headers["X-PANDA-Reference"] == str(reminder.pk)


class TestNotify:
    """PANDA's real Notify client against a local server speaking Notify's API."""

    def test_an_sms_is_accepted_with_its_reference_and_personalisation(
        self, book, run_due_tasks, time_machine, notify
    ):
        appointment = book(STARTS)
        time_machine.move_to(FIRST_DUE)
        run_due_tasks()
        reminder = Reminder.objects.filter(appointment=appointment).order_by("due_at").first()
        (accepted,) = notify.accepted
        assert (reminder.state, reminder.provider_id) == ("sent", accepted["id"])
        assert accepted["reference"] == str(reminder.pk)
        assert accepted["to"] == MOBILE
        assert accepted["template_id"] == "f33517ff-2a88-4f6e-b855-c550268ce08a"
        assert accepted["personalisation"] == {
            "date": "Monday 14 January 2030",
            "time": "14:00",
            "clinician": "Dr Ada Jones",
            "department": "Cardiology",
            "place": "CF10 1EP",
            "body": "Reminder: you have an appointment with Dr Ada Jones, Cardiology, on Monday "
            "14 January 2030 at 14:00, at CF10 1EP. If you cannot attend, please contact us so "
            "that someone else can have it.",
        }

    def test_an_email_carries_its_subject(self, book, run_due_tasks, time_machine, notify):
        book(STARTS, phone="", email="sian@example.org")
        time_machine.move_to(FIRST_DUE)
        run_due_tasks()
        (accepted,) = notify.accepted
        assert accepted["type"] == "email"
        assert accepted["to"] == "sian@example.org"
        assert (
            accepted["personalisation"]["subject"] == "Your appointment on Monday 14 January 2030"
        )

    def test_a_refused_number_fails_with_notifys_reason_and_is_not_retried(
        self, book, run_due_tasks, time_machine, notify
    ):
        notify.refuse.add(MOBILE)
        appointment = book(STARTS)
        time_machine.move_to(FIRST_DUE)
        run_due_tasks()
        reminder = Reminder.objects.filter(appointment=appointment).order_by("due_at").first()
        assert (reminder.state, reminder.failure_reason, reminder.attempts) == (
            "failed",
            "400: phone_number Not a UK mobile number",
            1,
        )
        time_machine.move_to(FIRST_DUE + dt.timedelta(hours=1))
        run_due_tasks()
        assert notify.answers == {400: 1}

    @pytest.mark.parametrize(("answer", "status"), [("rate", 429), ("fail_next", 500)])
    def test_a_429_or_500_is_tried_again_later_with_backoff(
        self, book, run_due_tasks, time_machine, notify, answer, status
    ):
        if answer == "rate":
            notify.rate = 0
        else:
            notify.fail_next = 2
        appointment = book(STARTS)
        time_machine.move_to(FIRST_DUE)
        run_due_tasks()
        reminder = Reminder.objects.filter(appointment=appointment).order_by("due_at").first()
        assert (reminder.state, reminder.attempts) == ("scheduled", 1)
        assert reminder.due_at == FIRST_DUE + dt.timedelta(minutes=1)
        assert reminder.failure_reason.startswith(f"{status}: ")
        notify.rate, notify.fail_next = 3000, min(notify.fail_next, 1)
        time_machine.move_to(FIRST_DUE + dt.timedelta(seconds=59))
        run_due_tasks()  # not yet due
        assert notify.answers == {status: 1}
        time_machine.move_to(FIRST_DUE + dt.timedelta(minutes=1))
        run_due_tasks()
        reminder.refresh_from_db()
        if answer == "rate":
            assert (reminder.state, reminder.attempts) == ("sent", 2)
        else:  # a second 500, then two minutes' wait
            assert (reminder.state, reminder.attempts) == ("scheduled", 2)
            assert reminder.due_at == FIRST_DUE + dt.timedelta(minutes=3)
            time_machine.move_to(reminder.due_at)
            run_due_tasks()
            reminder.refresh_from_db()
            assert (reminder.state, reminder.attempts) == ("sent", 3)
        assert list(notify.references().values()) == [1]

    def test_a_provider_down_for_good_fails_the_reminder_after_its_attempts(
        self, book, run_due_tasks, time_machine, notify
    ):
        notify.fail_next = 100
        appointment = book(STARTS)
        time_machine.move_to(FIRST_DUE)
        for _ in range(MAX_ATTEMPTS):
            run_due_tasks()
            reminder = Reminder.objects.filter(appointment=appointment).order_by("due_at")[0]
            time_machine.move_to(reminder.due_at)
        assert (reminder.state, reminder.attempts) == ("failed", MAX_ATTEMPTS)
        assert reminder.failure_reason.startswith(f"Gave up after {MAX_ATTEMPTS} attempts: 500")
        assert notify.answers == {500: MAX_ATTEMPTS}

    def test_a_wrong_api_key_is_refused_by_notify(
        self, book, run_due_tasks, time_machine, notify, settings
    ):
        settings.PANDA_NOTIFY_API_KEY = (
            "other-26785a09-ab16-4eb0-8407-a37497a57506-00000000-0000-0000-0000-000000000000"
        )
        appointment = book(STARTS)
        time_machine.move_to(FIRST_DUE)
        run_due_tasks()
        reminder = Reminder.objects.filter(appointment=appointment).order_by("due_at")[0]
        assert reminder.state == "failed"
        assert reminder.failure_reason.startswith("403: Invalid token: signature")
        assert notify.accepted == []
