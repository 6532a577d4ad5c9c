"""Patients: demographics, identified by their NHS number."""

import datetime as dt

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from addresses.postcodes import POSTCODE_MAX_LENGTH, validate_postcode
from panda_project.history import PandaHistoricalRecords
from panda_project.validators import reject_control_characters

from .identifiers import IDENTIFIER_MAX_LENGTH, validate_identifier
from .names import NAME_MAX_LENGTH, name_search_key
from .phones import validate_phone

EARLIEST_BIRTH_DATE = dt.date(1850, 1, 1)


def validate_not_in_future(value: dt.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(
            _("The date of birth cannot be in the future."), code="date_of_birth_future"
        )


class ReminderChannel(models.TextChoices):
    """How a patient is reminded of appointments (see ``reminders``)."""

    AUTO = "auto", _("Automatic: SMS to a mobile number, else email, else none")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")
    NONE = "none", _("None: no reminders")


class Language(models.TextChoices):
    """The languages reminders are written in."""

    EN = "en", _("English")
    CY = "cy", _("Welsh")


class Patient(models.Model):
    """A patient. The NHS number identifies them, in URLs too; deleting one deletes their
    appointments and addresses."""

    nhs_number = models.CharField(
        _("NHS number"),
        max_length=IDENTIFIER_MAX_LENGTH,
        unique=True,
        validators=[validate_identifier],
    )
    name = models.CharField(
        max_length=NAME_MAX_LENGTH,
        validators=[reject_control_characters],
        help_text=_("Exactly as the person writes it, in any script."),
        verbose_name=_("name"),
    )
    # Derived from ``name`` on every save: case- and accent-free, for search.
    name_search = models.CharField(max_length=NAME_MAX_LENGTH, editable=False, db_index=True)
    date_of_birth = models.DateField(
        validators=[MinValueValidator(EARLIEST_BIRTH_DATE), validate_not_in_future],
        verbose_name=_("date of birth"),
    )
    postcode = models.CharField(
        max_length=POSTCODE_MAX_LENGTH,
        validators=[validate_postcode],
        db_index=True,
        verbose_name=_("postcode"),
    )
    phone = models.CharField(
        max_length=16, blank=True, validators=[validate_phone], verbose_name=_("phone")
    )
    email = models.EmailField(max_length=254, blank=True, verbose_name=_("email"))
    reminder_channel = models.CharField(
        max_length=5,
        choices=ReminderChannel.choices,
        default=ReminderChannel.AUTO,
        verbose_name=_("reminder channel"),
    )
    language = models.CharField(
        max_length=2,
        choices=Language.choices,
        default=Language.EN,
        help_text=_("The language of the patient's reminders."),
        verbose_name=_("language"),
    )
    addresses = GenericRelation("addresses.Address", related_query_name="patient")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))
    # Who changed what and when, deletion included; the search key is derived, so not kept.
    history = PandaHistoricalRecords(excluded_fields=["name_search"])

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["id"]
        indexes = [models.Index(fields=["date_of_birth"], name="patient_dob_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reminder_channel__in=ReminderChannel.values),
                name="patient_reminder_channel_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=Language.values), name="patient_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.nhs_number})"

    def save(self, *args, **kwargs):
        self.name_search = name_search_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_search"}
        super().save(*args, **kwargs)
