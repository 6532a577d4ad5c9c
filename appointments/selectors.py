"""Reads of appointments that more than one place needs."""

import datetime as dt

from django.utils import timezone

from .models import Appointment


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants at which ``day`` starts and ends in PANDA's time zone (23 or 25 hours on
    the days the clocks change)."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def appointments_starting_on(day: dt.date):
    """The appointments that start on ``day`` (local time), with their status, in start order."""
    start, end = local_day_bounds(day)
    return (
        Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("patient", "clinician", "department")
        .annotate_status()
        .order_by("starts_at", "id")
    )


def todays_appointments():
    return appointments_starting_on(timezone.localdate())
