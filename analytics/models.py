"""The admin pages' proxies (missed appointments, reminder trials) and the tables of the
missed-appointment rollup."""

from django.db import models

from appointments.models import Appointment


class MissedAppointmentsReport(Appointment):
    """The admin's "Missed appointments" page. Staff need its view permission to open it."""

    class Meta:
        proxy = True
        verbose_name = "missed appointments"
        verbose_name_plural = "missed appointments"
        default_permissions = ("view",)


class ReminderTrialReport(Appointment):
    """The admin's "Reminder trials" page. Staff need its view permission to open it."""

    class Meta:
        proxy = True
        verbose_name = "reminder trial"
        verbose_name_plural = "reminder trials"
        default_permissions = ("view",)


class Figures(models.Model):
    """What a rollup row holds: the group, by ``grain`` and ids, and its figures."""

    grain = models.CharField(max_length=2)
    clinician_id = models.BigIntegerField(null=True)
    department_id = models.BigIntegerField(null=True)
    site_id = models.BigIntegerField(null=True)
    booked = models.BigIntegerField()
    attended = models.BigIntegerField()
    cancelled = models.BigIntegerField()
    missed = models.BigIntegerField()
    # The missed appointments' durations, in microseconds as the appointments store them.
    lost = models.BigIntegerField()

    class Meta:
        abstract = True


# The figures' columns, which the indexes of the rollup's days hold after their keys.
FIGURE_FIELDS = ["booked", "attended", "cancelled", "missed", "lost"]
# A grain's days, and (the same for the days of one department's groups: its clinicians are
# 73,000 rows a year too, at ten million appointments a year) one department's.
GRAIN_DAY_FIELDS = ["grain", "day", "clinician_id", "department_id", "site_id", *FIGURE_FIELDS]
DEPARTMENT_DAY_FIELDS = ["grain", "department_id", "day", "clinician_id", "site_id", *FIGURE_FIELDS]


class DayFigures(Figures):
    """The rollup: the missed-appointment figures of one closed day (in London) for one group.

    ``grain`` says which ids the row is for: ``c`` (a clinician), ``d`` (a department), ``s`` (a
    site, NULL for "no site"), or two of them, for figures filtered by one and grouped by the
    other: ``cd`` (a clinician in a department), ``cs`` (a clinician at a site) or ``ds`` (a
    department at a site). Written only by ``analytics.rollup``; ids are kept without
    foreign keys, so that the rollup never holds up a deletion.
    """

    day = models.DateField()

    class Meta:
        default_permissions = ()
        indexes = [
            # Every column, so that a grain's days are read from the index alone (a year of
            # days per clinician is 73,000 rows: looking each up in the table again was a
            # fifth of SQLite's work for it; analytics migration 0007).
            models.Index(fields=GRAIN_DAY_FIELDS, name="rollup_grain_day_figures_idx"),
            models.Index(fields=["grain", "clinician_id", "day"], name="rollup_clinician_idx"),
            models.Index(fields=DEPARTMENT_DAY_FIELDS, name="rollup_department_figures_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.grain}"


class PeriodFigures(Figures):
    """The rollup of whole weeks (Monday to Sunday, ``period`` "w") and calendar months ("m"),
    each starting on ``start``: the sums of their days' ``DayFigures``, per ``grain`` and group
    as there. A year per clinician is then 12 rows per clinician rather than 365. Written only
    by ``analytics.rollup``, and only for a period whose every day is rolled up."""

    period = models.CharField(max_length=1)
    start = models.DateField()

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["period", "grain", "start"], name="rollup_period_idx"),
            models.Index(
                fields=["period", "grain", "clinician_id", "start"],
                name="rollup_period_clinician_idx",
            ),
            models.Index(
                fields=["period", "grain", "department_id", "start"],
                name="rollup_period_department_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.start} {self.grain}"


class RolledUpPeriod(models.Model):
    """A week ("w") or month ("m") whose figures are in ``PeriodFigures``."""

    period = models.CharField(max_length=1)
    start = models.DateField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["period", "start"], name="rolled_up_period_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.start}"


class RolledUpDay(models.Model):
    """A London day whose figures are in ``DayFigures`` (perhaps none: a day without
    appointments is rolled up too)."""

    day = models.DateField(primary_key=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.day)


class ChangedDay(models.Model):
    """A UTC date on which an appointment started that was inserted, changed or deleted since
    the rollup last looked: written by triggers on the appointments table (so by every path,
    raw SQL and cascades included), read and cleared by ``analytics.rollup``. ``version`` changes
    with every transaction that changes the day (on PostgreSQL it is that transaction's id,
    elsewhere a count), so that a change made while the rollup rebuilds the day is not
    cleared."""

    day = models.DateField(primary_key=True)
    version = models.BigIntegerField(default=1)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.day} ({self.version})"


class RollupLock(models.Model):
    """One row, locked while the rollup is written, so that two builders take turns; its
    generation counts the writes."""

    generation = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"rollup generation {self.generation}"
