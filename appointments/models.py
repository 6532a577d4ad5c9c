"""Appointments and their lifecycle: active, then attended, cancelled or missed."""

import datetime as dt
import uuid

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from addresses.postcodes import POSTCODE_MAX_LENGTH, validate_postcode
from panda_project.history import PandaHistoricalRecords


class State(models.TextChoices):
    """What is stored. ``missed`` is not stored: it is derived from the clock."""

    ACTIVE = "active", "Active"
    ATTENDED = "attended", "Attended"
    CANCELLED = "cancelled", "Cancelled"


class Overlap(models.TextChoices):
    """How the no-double-booking rule applies to an appointment (see ``appointments.services``)."""

    CHECKED = "checked", "Checked: it may not overlap its clinician's or patient's others"
    OVERBOOKED = "overbooked", "Overbooked on purpose, over a clash that was allowed"
    IMPORTED = "imported", "Imported as it came: its overlaps are reported, not refused"


# The states that occupy a clinician's and a patient's time. An attended appointment took its
# slot; an active one holds it (a missed one too: it is stored active). Cancelled ones free it.
OCCUPYING_STATES = ("active", "attended")


class Status(models.TextChoices):
    """What the API shows."""

    ACTIVE = "active", "Active: booked, and not yet ended"
    ATTENDED = "attended", "Attended: the patient was seen"
    CANCELLED = "cancelled", "Cancelled: it will not take place and can never be reinstated"
    MISSED = "missed", "Missed: still active when it ended, so the patient did not attend"


# "Ended" has one definition, and every form of "missed" (SQL filters, the SQL status column, the
# Python status, the services' guards) derives from it: an appointment has ended from the very
# instant of its end on. An active appointment that has ended is missed. The boundary is pinned at
# that instant by appointments/tests/test_missed_boundary.py for every use.


def has_ended(ends_at: dt.datetime, now: dt.datetime) -> bool:
    """In Python: has an appointment ending at ``ends_at`` ended at ``now``?"""
    return ends_at <= now


def ended_condition(now: dt.datetime) -> Q:
    """In SQL, the same test as ``has_ended``."""
    return Q(ends_at__lte=now)


def running_condition(now: dt.datetime) -> Q:
    """In SQL, not ``has_ended``: its own comparison, so that an index on ends_at serves it."""
    return Q(ends_at__gt=now)


def missed_condition(now: dt.datetime | None = None) -> Q:
    """The SQL condition for "missed": still active when it ended."""
    return Q(state=State.ACTIVE) & ended_condition(now or timezone.now())


class AppointmentQuerySet(models.QuerySet):
    """The derived status, in SQL: filterable and sortable without loading rows."""

    def missed(self, now: dt.datetime | None = None):
        return self.filter(missed_condition(now))

    def with_status(self, status: str, now: dt.datetime | None = None):
        now = now or timezone.now()
        if status == Status.MISSED:
            return self.missed(now)
        if status == Status.ACTIVE:
            return self.filter(Q(state=State.ACTIVE) & running_condition(now))
        return self.filter(state=status)

    def annotate_status(self, now: dt.datetime | None = None):
        return self.annotate(
            status_value=Case(
                When(missed_condition(now), then=Value(Status.MISSED)),
                default="state",
                output_field=models.CharField(),
            )
        )


class Appointment(models.Model):
    """A patient's booking with a clinician in a department.

    Rules live in ``appointments.services``; the constraints below back them in the database.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.CASCADE,
        # Served by the (patient, starts_at) index below.
        db_index=False,
        related_name="appointments",
        verbose_name=_("patient"),
    )
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    duration = models.DurationField(verbose_name=_("duration"))
    # Stored so that "has it ended?" (and so "missed") is an indexed comparison in SQL.
    ends_at = models.DateTimeField(editable=False, verbose_name=_("ends at"))
    clinician = models.ForeignKey(
        "clinicians.Clinician",
        on_delete=models.PROTECT,
        # Served by the (clinician, starts_at) index below.
        db_index=False,
        related_name="appointments",
        verbose_name=_("clinician"),
    )
    department = models.ForeignKey(
        "clinicians.Department",
        on_delete=models.PROTECT,
        # Served by the (department, starts_at) index below.
        db_index=False,
        related_name="appointments",
        verbose_name=_("department"),
    )
    postcode = models.CharField(
        max_length=POSTCODE_MAX_LENGTH, validators=[validate_postcode], verbose_name=_("postcode")
    )
    site = models.ForeignKey(
        "organisations.Site",
        on_delete=models.PROTECT,
        # Served by the (site, starts_at) index below.
        db_index=False,
        null=True,
        blank=True,
        related_name="appointments",
        help_text=_("Where it takes place, when known."),
        verbose_name=_("site"),
    )
    state = models.CharField(
        max_length=10,
        choices=State.choices,
        default=State.ACTIVE,
        editable=False,
        verbose_name=_("state"),
    )
    attended_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("attended at")
    )
    cancelled_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("cancelled at")
    )
    overlap = models.CharField(
        max_length=10,
        choices=Overlap.choices,
        default=Overlap.CHECKED,
        editable=False,
        verbose_name=_("overlap"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    objects = AppointmentQuerySet.as_manager()
    # Who changed what and when; the services record the state changes that bypass save().
    history = PandaHistoricalRecords()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]
        permissions = [
            ("undo_attend", _("Can undo an arrival")),
            ("book_overlap", _("Can book over a clash")),
        ]
        indexes = [
            # By start time, and covering the missed-appointment figures
            # (analytics.selectors): they scan a range of starts and read nothing else.
            models.Index(
                fields=[
                    "starts_at",
                    "department",
                    "clinician",
                    "site",
                    "state",
                    "ends_at",
                    "duration",
                ],
                name="appointment_stats_idx",
            ),
            models.Index(fields=["state", "ends_at"], name="appointment_state_ends_idx"),
            # The list filtered by status and a range of starts, in its order (starts_at, id):
            # a page reads its own rows however many the table holds, and counting them (missed
            # needs ends_at) reads the index alone.
            models.Index(
                fields=["state", "starts_at", "id", "ends_at"], name="appointment_state_starts_idx"
            ),
            models.Index(fields=["patient", "starts_at"], name="appointment_patient_idx"),
            # The missed-appointment figures filter by clinician or department over a time range.
            models.Index(fields=["clinician", "starts_at"], name="appointment_clinician_idx"),
            models.Index(fields=["department", "starts_at"], name="appointment_department_idx"),
            models.Index(fields=["site", "starts_at"], name="appointment_site_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration__gt=dt.timedelta(0)), name="appointment_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="appointment_state_valid"
            ),
            # attended_at is set exactly when attended, cancelled_at exactly when cancelled.
            models.CheckConstraint(
                condition=(
                    Q(state=State.ACTIVE, attended_at__isnull=True, cancelled_at__isnull=True)
                    | Q(state=State.ATTENDED, attended_at__isnull=False, cancelled_at__isnull=True)
                    | Q(state=State.CANCELLED, attended_at__isnull=True, cancelled_at__isnull=False)
                ),
                name="appointment_state_timestamps",
            ),
            models.CheckConstraint(
                condition=Q(overlap__in=Overlap.values), name="appointment_overlap_valid"
            ),
            # On PostgreSQL, exclusion constraints also refuse two checked, occupying
            # appointments of one clinician or patient that overlap (migration 0009).
        ]

    def __str__(self) -> str:
        # In the clinic's local time, with its zone: this is the admin's title for the record.
        starts = timezone.localtime(self.starts_at) if self.starts_at else None
        when = f"{starts:%a} {starts.day} {starts:%b %Y %H:%M %Z}" if starts else "(no time)"
        return f"Appointment {when} ({self.state})"

    def status_at(self, now: dt.datetime) -> str:
        if self.state == State.ACTIVE and has_ended(self.ends_at, now):
            return Status.MISSED
        return self.state

    @property
    def status(self) -> str:
        """The status the API shows; the same rule as ``AppointmentQuerySet.with_status``."""
        return self.status_at(timezone.now())
