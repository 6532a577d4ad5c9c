"""A reminder left ``sending`` by a worker cut off mid-send (kill -9 between the claim and the
provider's answer) is settled: Notify is asked whether it took a message with its reference.
It is never sent twice."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from reminders import senders
from reminders.models import Reminder
from reminders.services import reminder_message, reminder_recover, reminders_recover
from reminders.tasks import reminder_send_task

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2030, 1, 7, 10, 0, tzinfo=UTC)
STARTS = dt.datetime(2030, 1, 14, 14, 0, tzinfo=UTC)
FIRST_DUE = dt.datetime(2030, 1, 9, 14, 0, tzinfo=UTC)
LATER = FIRST_DUE + dt.timedelta(minutes=3)  # beyond PANDA_REMINDER_RECOVER_AFTER (2 min)


@pytest.fixture(autouse=True)
def _now(time_machine, settings):
    settings.PANDA_REMINDER_QUIET_HOURS = None
    time_machine.move_to(NOW, tick=False)


def cut_off(book, time_machine, *, taken: bool) -> Reminder:
    """The first reminder, claimed at its due time by a worker that was then killed: after
    Notify took the message (``taken``) or before."""
    appointment = book(STARTS)
    reminder = Reminder.objects.filter(appointment=appointment).order_by("due_at").first()
    time_machine.move_to(FIRST_DUE, tick=False)
    if taken:
        senders.get_sender().send(reminder_message(reminder))
    Reminder.objects.filter(pk=reminder.pk).update(
        state="sending", attempts=1, updated_at=FIRST_DUE
    )
    return reminder


def test_a_message_notify_took_is_recorded_sent_not_sent_again(
    book, run_due_tasks, time_machine, notify
):
    reminder = cut_off(book, time_machine, taken=True)
    time_machine.move_to(LATER, tick=False)

    assert reminder_recover(reminder_id=reminder.pk) == "sent"
    run_due_tasks()

    reminder.refresh_from_db()
    (accepted,) = notify.accepted
    assert (reminder.state, reminder.provider_id, reminder.sent_at) == (
        "sent",
        accepted["id"],
        FIRST_DUE,
    )
    assert list(notify.references().values()) == [1]


def test_a_message_notify_never_took_is_sent_once(book, run_due_tasks, time_machine, notify):
    reminder = cut_off(book, time_machine, taken=False)
    time_machine.move_to(LATER, tick=False)

    assert reminder_recover(reminder_id=reminder.pk) == "scheduled again"  # due now
    run_due_tasks()

    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == ("sent", 2)
    assert notify.references() == {str(reminder.pk): 1}


def test_a_recent_claim_is_left_alone_and_looked_at_again_by_a_task(
    book, run_due_tasks, time_machine, notify
):
    reminder = cut_off(book, time_machine, taken=True)
    time_machine.move_to(FIRST_DUE + dt.timedelta(seconds=30), tick=False)

    assert reminders_recover() == {"not yet": 1}
    run_due_tasks()
    reminder.refresh_from_db()
    assert reminder.state == "sending"  # it may still be on its way

    time_machine.move_to(LATER, tick=False)
    run_due_tasks()  # the task queued for the end of the wait
    reminder.refresh_from_db()
    assert reminder.state == "sent"
    assert list(notify.references().values()) == [1]


def test_a_send_task_run_again_after_its_worker_was_killed_settles_it(
    book, run_due_tasks, time_machine, notify
):
    reminder = cut_off(book, time_machine, taken=True)
    time_machine.move_to(LATER, tick=False)
    reminder_send_task.enqueue(str(reminder.pk))  # the killed task, requeued

    run_due_tasks()

    reminder.refresh_from_db()
    assert reminder.state == "sent"
    assert list(notify.references().values()) == [1]


def test_while_notify_cannot_be_asked_the_reminder_waits(book, run_due_tasks, time_machine, notify):
    reminder = cut_off(book, time_machine, taken=False)
    time_machine.move_to(LATER, tick=False)
    notify.fail_next = 1

    assert reminder_recover(reminder_id=reminder.pk) == "deferred"
    reminder.refresh_from_db()
    assert reminder.state == "sending"

    time_machine.move_to(LATER + dt.timedelta(minutes=2), tick=False)
    run_due_tasks()  # asked again: not taken, so due again now
    run_due_tasks()
    reminder.refresh_from_db()
    assert reminder.state == "sent"
    assert list(notify.references().values()) == [1]


def test_a_sender_that_cannot_be_asked_fails_it_rather_than_risk_a_second_message(
    book, time_machine
):
    reminder = cut_off(book, time_machine, taken=True)  # the console sender: logged, maybe
    time_machine.move_to(LATER, tick=False)

    out = io.StringIO()
    call_command("reminders_recover", stdout=out)

    reminder.refresh_from_db()
    assert reminder.state == "failed"
    assert "cannot be asked whether it went" in reminder.failure_reason
    assert out.getvalue() == "failed: 1\n"
    out = io.StringIO()
    call_command("reminders_recover", stdout=out)
    assert out.getvalue() == "No reminder was left sending.\n"
