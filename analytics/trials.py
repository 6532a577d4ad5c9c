"""The figures of a reminder trial: per wording (``ReminderVariant``), how many patients missed.

Each appointment is allocated to one variant at random, by weight, when its first reminder is
planned (``reminders.services``). Every allocated appointment that starts in the range (a day in
Europe/London) counts for its variant, whether a reminder went out or not: the comparison is by
allocation ("intention to treat"), which is what randomisation makes fair. ``reminded`` says how
many had a reminder sent or delivered.

*Missed* is the rule used everywhere (``appointments.models.missed_condition``), and the missed
rate is the one of the missed-appointment figures: missed / (appointments - cancelled).
Appointments that have not ended yet count as not missed, so a trial is best read over days
that are over.

Each variant is compared with the first (the lowest id: the one PANDA starts with) by the odds
ratio of missing, with its 95% confidence interval (``analytics.odds``). Three queries: the
variants, and two aggregates.
"""

import datetime as dt
from dataclasses import dataclass, replace

from django.db.models import Count, Q
from django.utils import timezone

from appointments.models import Appointment, State, missed_condition
from reminders.models import ReminderVariant
from reminders.selectors import VARIANT_OF_APPOINTMENT, reminders_that_went_out

from .odds import OddsRatio, odds_ratio
from .selectors import LONDON, ONE_DAY, local_midnight, validate_day_range, without_jit

CONFIDENCE = 0.95


@dataclass(frozen=True)
class VariantFigures:
    """One variant's appointments and what became of them."""

    variant_id: int
    variant_name: str
    appointments: int
    reminded: int
    attended: int
    cancelled: int
    missed: int
    reference: bool = False
    # Against the reference (the first variant); None for the reference itself, and when
    # either has nothing left to miss.
    odds_ratio: OddsRatio | None = None

    @property
    def not_missed(self) -> int:
        """Not cancelled and not missed: attended, or not over yet."""
        return self.appointments - self.cancelled - self.missed

    @property
    def missed_rate(self) -> float | None:
        """Missed out of those not cancelled, to four places; None when there were none."""
        not_cancelled = self.appointments - self.cancelled
        return round(self.missed / not_cancelled, 4) if not_cancelled else None

    @property
    def missed_percent(self) -> float | None:
        """The missed rate as a percentage, to one place."""
        rate = self.missed_rate
        return None if rate is None else round(rate * 100, 1)


@dataclass(frozen=True)
class TrialReport:
    first_day: dt.date | None
    last_day: dt.date
    rows: list[VariantFigures]
    confidence: float = CONFIDENCE

    @property
    def reference(self) -> VariantFigures | None:
        return self.rows[0] if self.rows else None

    @property
    def corrected(self) -> bool:
        """Whether any comparison needed the zero-cell correction."""
        return any(row.odds_ratio and row.odds_ratio.corrected for row in self.rows)


def reminder_trial(
    *,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    now: dt.datetime | None = None,
) -> TrialReport:
    """Every variant's figures over appointments starting from ``first_day`` (by default, the
    first there is) to ``last_day`` (by default, today), both included, in Europe/London.
    ValidationError if the range is backwards or outside the years 1900-2999."""
    now = now or timezone.now()
    last_day = last_day or timezone.localdate(now, LONDON)
    validate_day_range(first_day, last_day)
    counts = _counts(first_day, last_day, now)
    figures = [
        VariantFigures(variant.pk, variant.name, *counts.get(variant.pk, (0, 0, 0, 0, 0)))
        for variant in ReminderVariant.objects.order_by("pk").only("pk", "name")
    ]
    return TrialReport(first_day, last_day, _compared(figures))


def _appointments(first_day, last_day, via: str = "") -> Q:
    """The allocated appointments that start in the range; ``via`` is the path to them."""
    condition = Q(
        **{
            f"{via}starts_at__lt": local_midnight(last_day + ONE_DAY),
            f"{via}{VARIANT_OF_APPOINTMENT}__isnull": False,
        }
    )
    if first_day is not None:
        condition &= Q(**{f"{via}starts_at__gte": local_midnight(first_day)})
    return condition


def _counts(first_day, last_day, now) -> dict[int, tuple[int, ...]]:
    """(appointments, reminded, attended, cancelled, missed) per variant id: one aggregate
    query over the allocated appointments, and one over their reminders that went out (looking
    up each appointment's reminders in turn took several times longer)."""
    outcomes = (
        Appointment.objects.filter(_appointments(first_day, last_day))
        .order_by()
        .values(VARIANT_OF_APPOINTMENT)
        .annotate(
            appointments=Count("pk"),
            attended=Count("pk", filter=Q(state=State.ATTENDED)),
            cancelled=Count("pk", filter=Q(state=State.CANCELLED)),
            missed=Count("pk", filter=missed_condition(now)),
        )
        .values_list(VARIANT_OF_APPOINTMENT, "appointments", "attended", "cancelled", "missed")
    )
    variant = f"appointment__{VARIANT_OF_APPOINTMENT}"
    reminded = (
        reminders_that_went_out()
        .filter(_appointments(first_day, last_day, via="appointment__"))
        .order_by()
        .values(variant)
        .annotate(appointments=Count("appointment", distinct=True))
        .values_list(variant, "appointments")
    )
    with without_jit():
        outcomes, reminded = list(outcomes), dict(reminded)
    return {
        variant_id: (int(total), int(reminded.get(variant_id, 0)), *map(int, rest))
        for variant_id, total, *rest in outcomes
    }


def _compared(figures: list[VariantFigures]) -> list[VariantFigures]:
    """The figures, each after the first with its odds ratio against the first."""
    if not figures:
        return figures
    reference, *others = figures
    return [
        replace(reference, reference=True),
        *(
            replace(
                row,
                odds_ratio=odds_ratio(
                    missed=row.missed,
                    not_missed=row.not_missed,
                    reference_missed=reference.missed,
                    reference_not_missed=reference.not_missed,
                    confidence=CONFIDENCE,
                ),
            )
            for row in others
        ),
    ]
