"""The reminder lifecycle. Every rule about when a reminder is planned, sent or dropped lives
here, and the appointment services, the tasks and the delivery callback all call it.

- When an appointment is booked or moved, its reminders are planned: one per offset of
  ``PANDA_REMINDER_OFFSETS`` that is still ahead, by the patient's channel. An appointment
  booked inside an offset skips that reminder. An SMS due in quiet hours goes when they end,
  or is skipped when that is after the appointment's start.
- The first reminder planned allocates the appointment a variant (a wording), at random by
  weight; it keeps it.
"""

import random

from django.db import transaction

from appointments.models import Appointment

from .models import ReminderAllocation, ReminderVariant

_random = random.SystemRandom()


@transaction.atomic
def reminder_variant_allocate(
    *, appointment: Appointment, rng: random.Random | None = None
) -> ReminderVariant:
    """The appointment's variant: the one it was allocated, or, the first time, one drawn at
    random with probability proportional to its weight (kept from then on)."""
    allocation = (
        ReminderAllocation.objects.select_related("variant").filter(appointment=appointment).first()
    )
    if allocation is not None:
        return allocation.variant
    variants = list(ReminderVariant.objects.order_by("id"))
    variant = (rng or _random).choices(variants, weights=[v.weight for v in variants])[0]
    # Two planners at once: the row's primary key (the appointment) lets one allocation win.
    allocation, _ = ReminderAllocation.objects.get_or_create(
        appointment=appointment, defaults={"variant": variant}
    )
    return allocation.variant
