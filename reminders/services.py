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

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from appointments.models import Appointment
from panda_project.exceptions import Conflict

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


# Variants ---------------------------------------------------------------------------------
# Clinic managers keep the wordings in the back office. A variant that appointments were
# allocated to is part of a trial's record and cannot be deleted; the last variant cannot be
# deleted either, since every planned reminder needs one.

VARIANT_FIELDS = (
    "name",
    "sms_text_en",
    "sms_text_cy",
    "email_subject_en",
    "email_subject_cy",
    "email_body_en",
    "email_body_cy",
    "notify_sms_template_id",
    "notify_email_template_id",
    "weight",
)


def _save_variant(variant: ReminderVariant) -> ReminderVariant:
    variant.full_clean()
    try:
        with transaction.atomic():
            variant.save()
    except IntegrityError:  # the same name saved at the same moment
        raise Conflict(
            _("A reminder variant with this name already exists."), code="variant_exists"
        ) from None
    return variant


@transaction.atomic
def reminder_variant_create(**fields) -> ReminderVariant:
    """A new wording, from ``VARIANT_FIELDS`` (keyword-only)."""
    unknown = set(fields) - set(VARIANT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    return _save_variant(ReminderVariant(**fields))


@transaction.atomic
def reminder_variant_update(*, variant: ReminderVariant, **fields) -> ReminderVariant:
    """Change a wording; appointments already allocated to it keep it, and later reminders use
    the new text."""
    unknown = set(fields) - set(VARIANT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(variant, name, value)
    return _save_variant(variant)


@transaction.atomic
def reminder_variant_delete(*, variant: ReminderVariant) -> None:
    """Delete a wording no appointment was allocated to, unless it is the only one."""
    # All variants locked (in one order), so that two deletions at once cannot leave none.
    variants = ReminderVariant.objects.select_for_update().order_by("pk")
    if set(variants.values_list("pk", flat=True)) <= {variant.pk}:
        raise Conflict(
            _("This is the only reminder variant, so it cannot be deleted."),
            code="variant_last",
        )
    try:
        with transaction.atomic():
            variant.delete()
    except ProtectedError:
        raise Conflict(
            _("Appointments were allocated to this reminder variant, so it cannot be deleted."),
            code="variant_in_use",
        ) from None
