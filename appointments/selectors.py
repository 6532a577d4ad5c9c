"""Reads of appointments that more than one place needs."""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone

from .durations import MAX_DURATION
from .models import OCCUPYING_STATES, Appointment


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


def appointment_overlaps(ids: Iterable[uuid.UUID]) -> list[tuple[uuid.UUID, str, Appointment]]:
    """Every pair of overlapping appointments with one of ``ids`` in it: (that id, "clinician"
    or "patient", the other appointment), whatever their ``overlap``. Both must occupy their
    time (active or attended). A few queries per 500 ids, each a join on the (party, starts_at)
    index bounded by the longest duration."""
    ids = list(ids)
    pairs = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for party in ("clinician", "patient"):
            mine = f"{party}__appointments"
            others = Appointment.objects.filter(
                **{
                    f"{mine}__pk__in": chunk,
                    f"{mine}__state__in": OCCUPYING_STATES,
                    "state__in": OCCUPYING_STATES,
                    "starts_at__lt": F(f"{mine}__ends_at"),
                    "starts_at__gt": F(f"{mine}__starts_at") - MAX_DURATION,
                    "ends_at__gt": F(f"{mine}__starts_at"),
                }
            ).annotate(mine=F(f"{mine}__pk"))
            pairs += [
                (other.mine, party, other)
                for other in others.order_by("starts_at", "id")
                if other.pk != other.mine
            ]
    return pairs
