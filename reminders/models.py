"""Reminders of appointments, and the wordings (variants) they are written in.

The lifecycle is in ``reminders.services``; the constraints below back it in the database.
"""

import re
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from panda_project.validators import reject_control_characters

# Texts name the appointment's details as Notify's templates do: ((date)).
PLACEHOLDER = re.compile(r"\(\(([^()]*)\)\)")
PLACEHOLDERS = ("date", "time", "clinician", "department", "place")
SMS_MAX_LENGTH = 612  # four SMS fragments; Notify refuses more than 918 characters


def validate_placeholders(text: str) -> None:
    """Refuse a text naming a placeholder PANDA does not fill."""
    unknown = sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(names)s; the known ones are %(known)s."),
            code="unknown_placeholder",
            params={
                "names": ", ".join(f"(({name}))" for name in unknown),
                "known": ", ".join(f"(({name}))" for name in PLACEHOLDERS),
            },
        )


def reject_control_characters_but_line_breaks(value: str) -> None:
    """An email body has paragraphs: line breaks are allowed, other control characters not."""
    reject_control_characters(value.replace("\r", "").replace("\n", ""))


def _text(verbose_name, max_length=None, blank=False, help_text=""):
    """A one-line text (SMS, subject) when it has a maximum length, else an email body."""
    field = models.CharField if max_length else models.TextField
    options = {"max_length": max_length} if max_length else {}
    characters = (
        reject_control_characters if max_length else reject_control_characters_but_line_breaks
    )
    return field(
        verbose_name=verbose_name,
        blank=blank,
        help_text=help_text,
        validators=[characters, validate_placeholders],
        **options,
    )


class ReminderVariant(models.Model):
    """A wording of reminders. Each appointment is allocated one at random, by weight, when its
    first reminder is planned, and keeps it; with one variant every reminder uses it.

    Welsh texts left empty fall back to the English ones. A Notify template id, when given,
    replaces the default template of ``PANDA_NOTIFY_SMS_TEMPLATE_ID`` /
    ``PANDA_NOTIFY_EMAIL_TEMPLATE_ID`` for this variant.
    """

    name = models.CharField(
        max_length=100, unique=True, validators=[reject_control_characters], verbose_name=_("name")
    )
    sms_text_en = _text(
        _("SMS text (English)"),
        max_length=SMS_MAX_LENGTH,
        help_text=_(
            "Placeholders: ((date)), ((time)), ((clinician)), ((department)) and ((place))."
        ),
    )
    sms_text_cy = _text(_("SMS text (Welsh)"), max_length=SMS_MAX_LENGTH, blank=True)
    email_subject_en = _text(_("email subject (English)"), max_length=200)
    email_subject_cy = _text(_("email subject (Welsh)"), max_length=200, blank=True)
    email_body_en = _text(_("email body (English)"))
    email_body_cy = _text(_("email body (Welsh)"), blank=True)
    notify_sms_template_id = models.UUIDField(
        null=True, blank=True, verbose_name=_("Notify SMS template id")
    )
    notify_email_template_id = models.UUIDField(
        null=True, blank=True, verbose_name=_("Notify email template id")
    )
    # 0 retires a variant: appointments already allocated to it keep it, no new one gets it.
    weight = models.PositiveIntegerField(
        default=1,
        help_text=_(
            "Its share of new appointments, relative to the other variants' weights; 0 gives "
            "it no more."
        ),
        verbose_name=_("weight"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("reminder variant")
        verbose_name_plural = _("reminder variants")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0), name="reminder_variant_weight_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def text(self, field: str, language: str) -> str:
        """The variant's ``field`` ("sms_text", "email_subject", "email_body") in ``language``,
        or in English when that language's text is empty."""
        return getattr(self, f"{field}_{language}", "") or getattr(self, f"{field}_en")


class ReminderAllocation(models.Model):
    """The variant an appointment was allocated to, once, when its first reminder was planned."""

    appointment = models.OneToOneField(
        "appointments.Appointment",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="reminder_allocation",
        verbose_name=_("appointment"),
    )
    variant = models.ForeignKey(
        ReminderVariant,
        on_delete=models.PROTECT,
        related_name="allocations",
        verbose_name=_("variant"),
    )
    allocated_at = models.DateTimeField(auto_now_add=True, verbose_name=_("allocated at"))

    class Meta:
        verbose_name = _("reminder allocation")
        verbose_name_plural = _("reminder allocations")
        indexes = [
            models.Index(fields=["variant", "appointment"], name="reminder_alloc_variant_idx")
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id} → {self.variant_id}"


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class ReminderState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled: waiting for its time")
    SENDING = "sending", _("Sending: handed to the sender, its answer not yet recorded")
    SENT = "sent", _("Sent: the provider accepted it")
    DELIVERED = "delivered", _("Delivered: the provider reported delivery")
    FAILED = "failed", _("Failed: refused, or not delivered")
    CANCELLED = "cancelled", _("Cancelled: the appointment was cancelled or moved")
    SKIPPED = "skipped", _("Skipped: not sent, for the reason given")


class Reminder(models.Model):
    """One reminder of one appointment: by ``channel``, due at ``due_at``, ``offset`` before the
    start it was planned for (``appointment_starts_at``). Its id is the ``reference`` given to
    the provider, so a delivery callback finds it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    appointment = models.ForeignKey(
        "appointments.Appointment",
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("appointment"),
    )
    variant = models.ForeignKey(
        ReminderVariant,
        on_delete=models.PROTECT,
        related_name="reminders",
        verbose_name=_("variant"),
    )
    channel = models.CharField(max_length=5, choices=Channel.choices, verbose_name=_("channel"))
    offset = models.DurationField(
        help_text=_("How long before the appointment's start it is due."), verbose_name=_("offset")
    )
    appointment_starts_at = models.DateTimeField(
        help_text=_("The start of the appointment it reminds of, when it was planned."),
        verbose_name=_("appointment starts at"),
    )
    due_at = models.DateTimeField(verbose_name=_("due at"))
    state = models.CharField(
        max_length=10,
        choices=ReminderState.choices,
        default=ReminderState.SCHEDULED,
        verbose_name=_("state"),
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    provider_id = models.CharField(max_length=64, blank=True, verbose_name=_("provider's id"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    failure_reason = models.CharField(max_length=500, blank=True, verbose_name=_("reason"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["appointment", "due_at"], name="reminder_appointment_idx"),
            models.Index(fields=["state", "due_at"], name="reminder_state_due_idx"),
        ]
        constraints = [
            # Planning twice (a retried request, two workers) cannot duplicate a reminder.
            models.UniqueConstraint(
                fields=["appointment", "appointment_starts_at", "offset"],
                name="reminder_unique_per_start_offset",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReminderState.values), name="reminder_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="reminder_channel_valid"
            ),
            # A reminder the provider accepted has the time it was sent.
            models.CheckConstraint(
                condition=~Q(state__in=["sent", "delivered"]) | Q(sent_at__isnull=False),
                name="reminder_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.channel} {self.state} due {self.due_at:%Y-%m-%d %H:%M %Z}"


class SendingPace(models.Model):
    """The next free moment to send a message, shared by every worker (``reminders.pace``)."""

    name = models.CharField(max_length=20, primary_key=True)
    next_at = models.DateTimeField()

    class Meta:
        verbose_name = _("sending pace")
        verbose_name_plural = _("sending paces")

    def __str__(self) -> str:
        return f"{self.name}: next at {self.next_at:%H:%M:%S.%f}"
