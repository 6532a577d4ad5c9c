"""The tasks of reminders, run by Django's tasks framework (django-tasks, the backport of
Django 6's ``django.tasks``): a worker of the configured backend (``PANDA_TASKS_BACKEND``) runs
each at its ``run_after``. The rules are in ``reminders.services``."""

from django_tasks import task

from .services import reminder_recover, reminder_send


@task()
def reminder_send_task(reminder_id: str) -> str:
    """Send the reminder if it is due and still wanted."""
    return reminder_send(reminder_id=reminder_id)


@task()
def reminder_recover_task(reminder_id: str) -> str:
    """Settle the reminder if it is still left ``sending``."""
    return reminder_recover(reminder_id=reminder_id)
