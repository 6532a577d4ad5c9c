"""Reads about reminders that other apps' figures rely on, each defined once."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Reminder, ReminderState

# An appointment was *reminded* when at least one of its reminders went out: the provider
# accepted it (sent) or reported it delivered. Scheduled, sending, failed, cancelled and
# skipped reminders reached no one, as far as PANDA knows.
REMINDED_STATES = (ReminderState.SENT, ReminderState.DELIVERED)

# The path from an appointment to the variant it was allocated to (reminders.services).
VARIANT_OF_APPOINTMENT = "reminder_allocation__variant"


def reminders_that_went_out() -> QuerySet[Reminder]:
    """The reminders that make their appointment *reminded*."""
    return Reminder.objects.filter(state__in=REMINDED_STATES)


def reminded_condition() -> Q:
    """The SQL condition, on appointments, for "had a reminder sent or delivered": a lookup of
    each appointment's reminders (by their appointment index), so its cost follows the number
    of appointments asked about. (Joining the set of all reminded appointments instead took as
    long over a year of 200,000 appointments, and reads every reminder whatever the range.)"""
    return Q(Exists(reminders_that_went_out().filter(appointment=OuterRef("pk"))))
