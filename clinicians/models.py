"""The clinicians who see patients, where they work, and the departments appointments belong to."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from panda_project.validators import reject_control_characters

from .registrations import REGISTRATION_NUMBER_MAX_LENGTH, validate_registration_number


class Clinician(models.Model):
    """A clinician whom patients are booked to see."""

    name = models.CharField(
        max_length=255, validators=[reject_control_characters], verbose_name=_("name")
    )
    # NULL when not recorded, so that uniqueness applies only to the numbers that are given.
    registration_number = models.CharField(
        max_length=REGISTRATION_NUMBER_MAX_LENGTH,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_registration_number],
        help_text=_("The professional registration number, such as a GMC or NMC number."),
        verbose_name=_("registration number"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("clinician")
        verbose_name_plural = _("clinicians")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"], name="clinician_name_idx")]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A clinical department, such as oncology; its name is unique."""

    name = models.CharField(
        max_length=255, unique=True, validators=[reject_control_characters], verbose_name=_("name")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
        verbose_name=_("organisation"),
    )
    allows_overbooking = models.BooleanField(
        default=False,
        help_text=_(
            "Whether a clinician's appointments in this department may overlap one another."
        ),
        verbose_name=_("allows overbooking"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def current_on(self, day):
        """The memberships in force on ``day``: started by then, and not ended before it."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day)


class Membership(models.Model):
    """A spell of a clinician working for an organisation, optionally at one of its sites.

    Ending a spell sets ``ended_on`` (the last day worked) and keeps the row, so the history stays.
    """

    clinician = models.ForeignKey(
        Clinician, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("clinician")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    site = models.ForeignKey(
        "organisations.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("site"),
    )
    started_on = models.DateField(verbose_name=_("started on"))
    ended_on = models.DateField(
        null=True,
        blank=True,
        help_text=_("The last day; empty while current."),
        verbose_name=_("ended on"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-started_on", "id"]
        indexes = [
            models.Index(fields=["clinician", "started_on"], name="membership_clinician_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="membership_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        place = f"{self.organisation}" + (f", {self.site}" if self.site_id else "")
        return f"{self.clinician} at {place} from {self.started_on}"
