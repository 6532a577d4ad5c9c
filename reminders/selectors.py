"""Reads about reminders that other apps' figures rely on, each defined once."""

from django.db.models import Exists, OuterRef, Q

from .models import Reminder, ReminderState

# An appointment was *reminded* when at least one of its reminders went out: the provider
# accepted it (sent) or reported it delivered. Scheduled, sending, failed, cancelled and
# skipped reminders reached no one, as far as PANDA knows.
REMINDED_STATES = (ReminderState.SENT, ReminderState.DELIVERED)

# The path from an appointment to the variant it was allocated to (reminders.services).
VARIANT_OF_APPOINTMENT = "reminder_allocation__variant"


def reminded_condition() -> Q:
    """The SQL condition, on appointments, for "had a reminder sent or delivered"."""
    sent = Reminder.objects.filter(appointment=OuterRef("pk"), state__in=REMINDED_STATES)
    return Q(Exists(sent))
