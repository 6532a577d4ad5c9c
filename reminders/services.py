"""The reminder lifecycle. Every rule about when a reminder is planned, sent or dropped lives
here; the appointment services, the tasks and Notify's delivery callback all call it.

- When an appointment is booked or moved, ``reminders_plan`` plans one reminder per offset of
  ``PANDA_REMINDER_OFFSETS`` still ahead of it (an appointment booked inside an offset skips
  that reminder), by the patient's channel. A reminder planned for a start the appointment no
  longer has is cancelled; a cancelled appointment's are cancelled. Planning twice changes
  nothing: a reminder is unique per appointment, start and offset.
- An SMS due in quiet hours is due when they end, or skipped when that is after the start.
- The first reminder planned allocates the appointment a variant (a wording), at random by
  weight, and the appointment keeps it.
- A task sends each reminder when due (``reminder_send``). It looks at the appointment as it
  is then: one that is no longer active is not reminded. The reminder moves from
  ``scheduled`` to ``sending`` by a conditional UPDATE *before* the send, so of two workers, a
  retried task or a worker restarted after ``kill -9`` only one ever sends it: a reminder is
  sent at most once. Its id goes with it as the provider's ``reference``.
- The provider's answer: accepted → ``sent``; refused (400) → ``failed`` with the reason, for
  good; rate-limited or down (429, 5xx) → ``scheduled`` again, later, with backoff.
- Notify's callback then reports ``delivered`` or ``failed`` (``reminder_delivery_record``).
- A reminder left ``sending`` (its worker killed between the claim and the answer) is recovered
  once ``PANDA_REMINDER_RECOVER_AFTER`` has passed since the claim (``reminder_recover``; every
  worker runs ``reminders_recover`` as it starts): the provider is asked for a message with its
  reference. Taken → ``sent``; not taken → ``scheduled`` again, to be sent if still wanted; a
  sender that cannot be asked (the log, email) → ``failed``, for it may have gone.
"""

import datetime as dt
import logging
import random
import uuid
from collections import Counter

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from appointments.models import Appointment, State, Status
from panda_project.exceptions import Conflict
from patients.models import Patient, ReminderChannel

from . import pace, senders
from .models import (
    PLACEHOLDER,
    Channel,
    Reminder,
    ReminderAllocation,
    ReminderState,
    ReminderVariant,
)

logger = logging.getLogger("panda.reminders")
_random = random.SystemRandom()

# A rate-limited or failing provider is tried again after 1, 2, 4, 8 and 16 minutes.
RETRY_DELAY = dt.timedelta(minutes=1)
MAX_ATTEMPTS = 6
# A task may run this much before its reminder is due (RQ schedules in whole seconds).
EARLY = dt.timedelta(seconds=1)


# Planning ---------------------------------------------------------------------------------


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


def is_mobile(phone: str) -> bool:
    try:
        number = phonenumbers.parse(phone)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def reminder_channel_for(patient: Patient, channels=None) -> str | None:
    """The channel ``patient`` is reminded by, among those the sender can use; None for none.

    ``auto`` is SMS to a mobile number, else email, else none; ``sms`` and ``email`` need the
    patient's mobile number or email address.
    """
    channels = senders.get_sender_class().channels if channels is None else channels
    sms = Channel.SMS in channels and bool(patient.phone) and is_mobile(patient.phone)
    email = Channel.EMAIL in channels and bool(patient.email)
    choice = patient.reminder_channel
    if choice == ReminderChannel.SMS or (choice == ReminderChannel.AUTO and sms):
        return Channel.SMS if sms else None
    if choice in (ReminderChannel.EMAIL, ReminderChannel.AUTO):
        return Channel.EMAIL if email else None
    return None


def _due(channel: str, due_at: dt.datetime, starts_at: dt.datetime) -> dt.datetime | None:
    """When a reminder due at ``due_at`` may go: after quiet hours for SMS; None if only after
    the start."""
    quiet = settings.PANDA_REMINDER_QUIET_HOURS
    if channel == Channel.SMS and quiet is not None:
        due_at = quiet.end_after(due_at)
    return due_at if due_at < starts_at else None


def _enqueue(reminder: Reminder) -> None:
    """Queue the task that sends ``reminder`` at its due time, when this transaction commits:
    a task never runs for a plan that was rolled back."""
    from .tasks import reminder_send_task

    reminder_id, due_at = str(reminder.pk), reminder.due_at
    transaction.on_commit(lambda: reminder_send_task.using(run_after=due_at).enqueue(reminder_id))


def _cancel_outstanding(appointment: Appointment, reason: str, keep_start=None) -> int:
    outstanding = Reminder.objects.filter(
        appointment=appointment, state=ReminderState.SCHEDULED
    ).exclude(appointment_starts_at=keep_start)
    return outstanding.update(
        state=ReminderState.CANCELLED, failure_reason=reason, updated_at=timezone.now()
    )


def reminders_plan(
    *, appointment: Appointment, now: dt.datetime | None = None, new: bool = False
) -> list[Reminder]:
    """Bring the appointment's reminders in line with it as it is now (see the module's
    docstring); the reminders newly scheduled. ``new`` says the appointment was inserted in
    this transaction, so that it has no reminders yet to look for (a query less per booking,
    and none at all for an imported row with nothing to plan)."""
    now = now or timezone.now()
    if appointment.state == State.CANCELLED:
        if not new:
            _cancel_outstanding(appointment, _("The appointment was cancelled."))
        return []
    if appointment.status_at(now) != Status.ACTIVE:
        return []  # attended or missed: the send task skips what is left
    channel = reminder_channel_for(appointment.patient)
    offsets = [o for o in settings.PANDA_REMINDER_OFFSETS if appointment.starts_at - o > now]
    if new and (channel is None or not offsets):
        return []  # nothing to cancel and nothing to plan: not even a savepoint
    return _replan(appointment, channel, offsets, new)


@transaction.atomic
def _replan(appointment: Appointment, channel: str | None, offsets: list, new: bool):
    """Cancel what was planned for another start and plan each offset's reminder, together."""
    if not new:
        _cancel_outstanding(
            appointment, _("The appointment was moved."), keep_start=appointment.starts_at
        )
    if channel is None or not offsets:
        return []
    existing = (
        {}
        if new
        else {
            reminder.offset: reminder
            for reminder in Reminder.objects.filter(
                appointment=appointment, appointment_starts_at=appointment.starts_at
            )
        }
    )
    variant = reminder_variant_allocate(appointment=appointment)
    scheduled = []
    for offset in offsets:
        due_at = _due(channel, appointment.starts_at - offset, appointment.starts_at)
        reminder = existing.get(offset)
        if reminder is None:
            reminder = Reminder(
                appointment=appointment,
                variant=variant,
                channel=channel,
                offset=offset,
                appointment_starts_at=appointment.starts_at,
                due_at=due_at or appointment.starts_at - offset,
            )
            if due_at is None:
                reminder.state = ReminderState.SKIPPED
                reminder.failure_reason = _("Quiet hours last until after the appointment.")
            reminder.full_clean(validate_constraints=False)
            reminder.save(force_insert=True)
        elif reminder.state == ReminderState.CANCELLED and due_at is not None:
            # Moved away and back again: the reminder for this start is wanted once more.
            reminder.state, reminder.due_at, reminder.channel = (
                ReminderState.SCHEDULED,
                due_at,
                channel,
            )
            reminder.failure_reason = ""
            reminder.save(update_fields=["state", "due_at", "channel", "failure_reason"])
        else:
            continue
        if reminder.state == ReminderState.SCHEDULED:
            _enqueue(reminder)
            scheduled.append(reminder)
    return scheduled


# Sending ----------------------------------------------------------------------------------


def _move(reminder_id, from_state: str, **values) -> bool:
    """The conditional UPDATE every state change goes through: True if this caller made it."""
    values.setdefault("updated_at", timezone.now())
    return bool(Reminder.objects.filter(pk=reminder_id, state=from_state).update(**values))


def _details(appointment: Appointment, language: str) -> dict:
    starts = timezone.localtime(appointment.starts_at)
    with translation.override(language):
        return {
            "date": date_format(starts, "l j F Y"),
            "time": date_format(starts, "H:i"),
            "clinician": appointment.clinician.name,
            "department": appointment.department.name,
            "place": appointment.site.name if appointment.site_id else appointment.postcode,
        }


def render(text: str, details: dict) -> str:
    """``text`` with its ((placeholders)) filled from ``details``."""
    return PLACEHOLDER.sub(lambda match: details.get(match.group(1), match.group(0)), text)


def reminder_message(reminder: Reminder) -> senders.Message:
    """What ``reminder`` says, in its patient's language, and to whom."""
    appointment, variant = reminder.appointment, reminder.variant
    patient = appointment.patient
    details = _details(appointment, patient.language)
    sms = reminder.channel == Channel.SMS
    template_id = variant.notify_sms_template_id if sms else variant.notify_email_template_id
    return senders.Message(
        reference=str(reminder.pk),
        channel=reminder.channel,
        to=patient.phone if sms else patient.email,
        body=render(variant.text("sms_text" if sms else "email_body", patient.language), details),
        subject="" if sms else render(variant.text("email_subject", patient.language), details),
        variant=variant.name,
        language=patient.language,
        template_id=str(template_id or ""),
        personalisation=details,
    )


def _skip_reason(reminder: Reminder, now: dt.datetime) -> tuple[str, str] | None:
    """Why the reminder must not go now, as (state, reason); None when it may."""
    appointment = reminder.appointment
    status = appointment.status_at(now)
    if status == Status.CANCELLED:
        return ReminderState.CANCELLED, _("The appointment was cancelled.")
    if appointment.starts_at != reminder.appointment_starts_at:
        return ReminderState.CANCELLED, _("The appointment was moved.")
    if status != Status.ACTIVE or appointment.starts_at <= now:
        return ReminderState.SKIPPED, _("The appointment is no longer ahead.")
    return None


def reminder_send(*, reminder_id: uuid.UUID | str, now: dt.datetime | None = None) -> str:
    """Send one reminder if it is due and still wanted; what happened, in a word.

    Not atomic on purpose: the claim (``scheduled`` → ``sending``) commits before the provider
    is called, and the answer is recorded after.
    """
    now = now or timezone.now()
    reminder = (
        Reminder.objects.select_related(
            "variant",
            "appointment__patient",
            "appointment__clinician",
            "appointment__department",
            "appointment__site",
        )
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is not None and reminder.state == ReminderState.SENDING:
        # A copy of this task, or this task run again after its worker was cut off mid-send.
        return reminder_recover(reminder_id=reminder.pk, now=now)
    if reminder is None or reminder.state != ReminderState.SCHEDULED:
        return "nothing to do"
    if reminder.due_at > now + EARLY:
        # A task of an earlier plan (the reminder was put back), or one run early: a task for
        # the due time makes sure (a duplicate finds the reminder taken).
        _enqueue(reminder)
        return "not due"
    skip = _skip_reason(reminder, now)
    channel = reminder_channel_for(reminder.appointment.patient)
    if skip is None and channel is None:
        skip = ReminderState.SKIPPED, _("The patient has no contact the reminder can use.")
    if skip is not None:
        _move(reminder.pk, ReminderState.SCHEDULED, state=skip[0], failure_reason=skip[1])
        return skip[0]
    reminder.channel = channel  # the patient's choice as it is now
    due_at = _due(channel, now, reminder.appointment.starts_at)
    if due_at is None:
        reason = _("Quiet hours last until after the appointment.")
        _move(reminder.pk, ReminderState.SCHEDULED, state="skipped", failure_reason=reason)
        return ReminderState.SKIPPED
    if due_at > now:
        return _reschedule(reminder, due_at, "")
    pace.pace_wait()
    if not _move(
        reminder.pk,
        ReminderState.SCHEDULED,
        state=ReminderState.SENDING,
        channel=channel,
        attempts=F("attempts") + 1,
    ):
        return "taken"  # another worker, or another copy of this task, has it
    return _send_claimed(reminder)


def _send_claimed(reminder: Reminder) -> str:
    message = reminder_message(reminder)
    try:
        provider_id = senders.get_sender().send(message)
    except senders.SendRefused as error:
        _move(reminder.pk, ReminderState.SENDING, state="failed", failure_reason=str(error)[:500])
        return ReminderState.FAILED
    except senders.SendLater as error:
        return _retry(reminder, str(error))
    except Exception as error:
        # Whether it went is unknown: never sent twice, so it is not tried again.
        logger.exception("Reminder %s: the sender failed", reminder.pk)
        reason = _("The sender failed: %(error)s") % {"error": type(error).__name__}
        _move(reminder.pk, ReminderState.SENDING, state="failed", failure_reason=reason)
        return ReminderState.FAILED
    _move(
        reminder.pk,
        ReminderState.SENDING,
        state=ReminderState.SENT,
        sent_at=timezone.now(),
        provider_id=provider_id[:64],
        failure_reason="",
    )
    return ReminderState.SENT


def _retry(reminder: Reminder, reason: str) -> str:
    attempts = reminder.attempts + 1
    due_at = timezone.now() + RETRY_DELAY * 2 ** (attempts - 1)
    if attempts >= MAX_ATTEMPTS or due_at >= reminder.appointment.starts_at:
        reason = _("Gave up after %(count)d attempts: %(reason)s") % {
            "count": attempts,
            "reason": reason,
        }
        _move(reminder.pk, ReminderState.SENDING, state="failed", failure_reason=reason[:500])
        return ReminderState.FAILED
    reminder.state = ReminderState.SENDING
    return _reschedule(reminder, due_at, reason)


@transaction.atomic
def _reschedule(reminder: Reminder, due_at: dt.datetime, reason: str) -> str:
    """Due again at ``due_at`` (quiet hours, or a retry), with a task for then."""
    if _move(
        reminder.pk,
        reminder.state,
        state=ReminderState.SCHEDULED,
        due_at=due_at,
        failure_reason=reason[:500],
    ):
        reminder.due_at = due_at
        _enqueue(reminder)
    return "deferred"


# Recovery ---------------------------------------------------------------------------------


def reminder_recover(*, reminder_id: uuid.UUID | str, now: dt.datetime | None = None) -> str:
    """Settle a reminder left ``sending`` (see the module's docstring); what happened, in a
    word. One claimed less than ``PANDA_REMINDER_RECOVER_AFTER`` ago may still be on its way:
    a task looks again then."""
    now = now or timezone.now()
    reminder = Reminder.objects.filter(pk=reminder_id).first()
    if reminder is None or reminder.state != ReminderState.SENDING:
        return "nothing to do"
    claimed = reminder.updated_at
    if claimed > now - settings.PANDA_REMINDER_RECOVER_AFTER:
        _enqueue_recovery(reminder.pk, claimed + settings.PANDA_REMINDER_RECOVER_AFTER)
        return "not yet"
    try:
        found = senders.get_sender().find(str(reminder.pk))
    except senders.SendLater as error:
        logger.warning("Reminder %s: the provider cannot be asked now: %s", reminder.pk, error)
        _enqueue_recovery(reminder.pk, now + RETRY_DELAY)
        return "deferred"
    if found == senders.UNKNOWN:
        reason = _(
            "Its worker stopped while sending it, and the sender cannot be asked whether it went: "
            "not sent again."
        )
        _move(reminder.pk, ReminderState.SENDING, state=ReminderState.FAILED, failure_reason=reason)
        return ReminderState.FAILED
    if found is not None:
        # Taken when it was claimed, give or take the send's few seconds.
        _move(
            reminder.pk,
            ReminderState.SENDING,
            state=ReminderState.SENT,
            sent_at=claimed,
            provider_id=found[:64],
            failure_reason="",
        )
        return ReminderState.SENT
    reason = _("Its worker stopped before the provider took it: sent again.")
    _reschedule(reminder, now, reason)
    return "scheduled again"


def reminders_recover(now: dt.datetime | None = None) -> Counter:
    """``reminder_recover`` for every reminder left ``sending``: how many had each outcome."""
    outcomes: Counter = Counter()
    for reminder_id in Reminder.objects.filter(state=ReminderState.SENDING).values_list(
        "pk", flat=True
    ):
        outcomes[reminder_recover(reminder_id=reminder_id, now=now)] += 1
    return outcomes


def _enqueue_recovery(reminder_id, run_after: dt.datetime) -> None:
    from .tasks import reminder_recover_task

    reminder_recover_task.using(run_after=run_after).enqueue(str(reminder_id))


# Delivery ---------------------------------------------------------------------------------

DELIVERY_STATES = {
    "delivered": ReminderState.DELIVERED,
    "permanent-failure": ReminderState.FAILED,
    "temporary-failure": ReminderState.FAILED,
    "technical-failure": ReminderState.FAILED,
}
DELIVERY_REASONS = {
    "permanent-failure": "permanent-failure: the provider could not deliver it",
    "temporary-failure": "temporary-failure: the phone or inbox was unavailable",
    "technical-failure": "technical-failure: the provider had a technical problem",
}


@transaction.atomic
def reminder_delivery_record(
    *, reminder: Reminder, status: str, provider_id: str = "", now: dt.datetime | None = None
) -> Reminder:
    """Record what the provider reports: ``delivered``, or one of its failures.

    Only a reminder that went (``sending`` or ``sent``) can be delivered or fail; a report for
    one already delivered or failed changes nothing (providers repeat themselves)."""
    now = now or timezone.now()
    state = DELIVERY_STATES[status]
    if reminder.state in (ReminderState.DELIVERED, ReminderState.FAILED):
        return reminder
    values = {"state": state, "updated_at": now}
    if state == ReminderState.FAILED:
        values["failure_reason"] = DELIVERY_REASONS[status]
    if provider_id:
        values["provider_id"] = provider_id[:64]
    for from_state in (ReminderState.SENT, ReminderState.SENDING):
        stamp = {"sent_at": now} if from_state == ReminderState.SENDING else {}
        if _move(reminder.pk, from_state, **values, **stamp):
            reminder.refresh_from_db()
            return reminder
    reminder.refresh_from_db()
    if reminder.state in (ReminderState.DELIVERED, ReminderState.FAILED):
        return reminder
    raise Conflict(
        _("This reminder was never sent, so it cannot have been delivered."),
        code="reminder_not_sent",
    )


# Variants ---------------------------------------------------------------------------------
# Clinic managers keep the wordings in the back office. A weight of 0 retires a variant: the
# appointments allocated to it keep it, no new one gets it. Some variant must always have a
# weight above 0, since every appointment reminded needs one. A variant that appointments were
# allocated to is part of a trial's record and cannot be deleted.

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


def _another_in_use(variant: ReminderVariant) -> bool:
    """Whether a variant besides ``variant`` has a weight above 0. All variants are locked (in
    one order) until the transaction ends, so two changes at once cannot both retire the last."""
    weights = ReminderVariant.objects.select_for_update().order_by("pk")
    return any(weight > 0 for pk, weight in weights.values_list("pk", "weight") if pk != variant.pk)


def _save_variant(variant: ReminderVariant) -> ReminderVariant:
    variant.full_clean()
    if variant.weight == 0 and not _another_in_use(variant):
        raise ValidationError(
            {
                "weight": ValidationError(
                    _("Another variant must have a weight above 0 before this one has 0."),
                    code="no_weight_left",
                )
            }
        )
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
    """Change a wording or its weight; appointments already allocated to it keep it, and their
    later reminders use the new text."""
    unknown = set(fields) - set(VARIANT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(variant, name, value)
    return _save_variant(variant)


@transaction.atomic
def reminder_variant_delete(*, variant: ReminderVariant) -> None:
    """Delete a wording no appointment was allocated to, if another has a weight above 0."""
    if not _another_in_use(variant):
        raise Conflict(
            _("No other reminder variant has a weight above 0, so this one cannot be deleted."),
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
