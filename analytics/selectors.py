"""Missed-appointment figures by clinician, department or site, per calendar period.

Periods are calendar days, weeks (Monday to Sunday) or months in Europe/London: a month runs from
local midnight on the 1st, whether the clocks change within it or not. The boundaries of the
periods are worked out here, in Python (zoneinfo), as UTC instants; the database then only compares
each appointment's start with those instants. So no database needs time zone tables (MariaDB's
CONVERT_TZ does), no SQLite function runs in Python for each row, and the three databases give
identical figures from the same SQL.

Everything is computed by one aggregate query. An appointment belongs to the period in which it
starts; it is *missed* by the same rule as everywhere else
(``appointments.models.missed_condition``).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.models import Appointment, State, missed_condition

LONDON = ZoneInfo("Europe/London")
GROUP_BY = ("clinician", "department", "site")
PERIODS = ("day", "week", "month")
# Bounds the size of an answer; two years of days, or eighty years of months.
MAX_PERIODS = 1000
DEFAULT_PERIODS = 12
ONE_DAY = dt.timedelta(days=1)
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)


@dataclass(frozen=True)
class Period:
    """One calendar period: from ``start`` to ``end``, both days included."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class MissedFigures:
    """The figures of one group (a clinician, department or site) in one period."""

    group_id: int | None
    group_name: str | None
    period: Period
    booked: int
    attended: int
    cancelled: int
    missed: int
    minutes_lost: int

    @property
    def missed_rate(self) -> float | None:
        """Missed out of those not cancelled, to four places; None when there were none."""
        not_cancelled = self.booked - self.cancelled
        return round(self.missed / not_cancelled, 4) if not_cancelled else None


@dataclass(frozen=True)
class MissedReport:
    group_by: str
    period: str
    periods: list[Period]
    rows: list[MissedFigures]

    @property
    def first_day(self) -> dt.date:
        return self.periods[0].start

    @property
    def last_day(self) -> dt.date:
        return self.periods[-1].end


def period_start(period: str, day: dt.date) -> dt.date:
    """The first day of the calendar period that holds ``day``."""
    if period == "month":
        return day.replace(day=1)
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    return day


def next_period_start(period: str, start: dt.date) -> dt.date:
    if period == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start + dt.timedelta(days=7 if period == "week" else 1)


def calendar_periods(period: str, first_day: dt.date, last_day: dt.date) -> list[Period]:
    """The whole periods that cover ``first_day`` to ``last_day``."""
    periods, start = [], period_start(period, first_day)
    while start <= last_day:
        following = next_period_start(period, start)
        periods.append(Period(start, following - ONE_DAY))
        start = following
    return periods


def local_midnight(day: dt.date) -> dt.datetime:
    """The UTC instant at which ``day`` begins in London (midnight is never skipped there)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON).astimezone(dt.UTC)


def resolve_periods(
    period: str,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    today: dt.date | None = None,
) -> list[Period]:
    """The periods asked for. ``last_day`` defaults to today (in London), ``first_day`` to the
    start of the twelfth period back; both are widened to whole periods. ValidationError if the
    range is backwards, outside the years 1900-2999 or longer than MAX_PERIODS periods."""
    if period not in PERIODS:
        raise ValidationError({"period": ValidationError(_("Unknown period."), code="invalid")})
    last_day = last_day or today or timezone.localdate(timezone=LONDON)
    if first_day is None:
        first_day = period_start(period, last_day)
        for _step in range(DEFAULT_PERIODS - 1):
            first_day = period_start(period, first_day - ONE_DAY)
    for name, day in (("from", first_day), ("to", last_day)):
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise ValidationError(
                {name: ValidationError(_("Give a date from 1900 to 2999."), code="date_range")}
            )
    if first_day > last_day:
        raise ValidationError(
            {"to": ValidationError(_("This is before the start date."), code="date_order")}
        )
    days = (last_day - first_day).days
    if days > MAX_PERIODS * 31 or len(calendar_periods(period, first_day, last_day)) > MAX_PERIODS:
        message = _("At most %(count)s periods at a time: shorten the range.")
        raise ValidationError(
            {"to": ValidationError(message % {"count": MAX_PERIODS}, code="too_many_periods")}
        )
    return calendar_periods(period, first_day, last_day)


def _period_index(bounds: Sequence[dt.datetime], low: int, high: int):
    """SQL for "which period, from low to high - 1, holds starts_at", as a balanced tree of
    comparisons: about log2(periods) of them for each row, however many periods there are."""
    if high - low == 1:
        return Value(low)
    middle = (low + high) // 2
    return Case(
        When(starts_at__lt=bounds[middle], then=_period_index(bounds, low, middle)),
        default=_period_index(bounds, middle, high),
        output_field=IntegerField(),
    )


def missed_appointments(
    *,
    group_by: str,
    period: str = "month",
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    clinician_id: int | None = None,
    department_id: int | None = None,
    now: dt.datetime | None = None,
) -> MissedReport:
    """Booked, attended, cancelled and missed appointments and the clinician minutes lost, for
    each ``group_by`` (clinician, department or site) and calendar ``period`` (day, week, month)
    that has appointments starting in it. One aggregate query."""
    if group_by not in GROUP_BY:
        raise ValidationError({"group_by": ValidationError(_("Unknown group."), code="invalid")})
    now = now or timezone.now()
    periods = resolve_periods(period, first_day, last_day, today=timezone.localdate(now, LONDON))
    bounds = [local_midnight(p.start) for p in periods] + [
        local_midnight(periods[-1].end + ONE_DAY)
    ]
    appointments = Appointment.objects.filter(starts_at__gte=bounds[0], starts_at__lt=bounds[-1])
    if clinician_id is not None:
        appointments = appointments.filter(clinician_id=clinician_id)
    if department_id is not None:
        appointments = appointments.filter(department_id=department_id)
    missed = missed_condition(now)
    rows = (
        appointments.values(
            group_id=F(f"{group_by}_id"),
            group_name=F(f"{group_by}__name"),
            period_index=_period_index(bounds, 0, len(periods)),
        )
        .annotate(
            booked=Count("pk"),
            attended=Count("pk", filter=Q(state=State.ATTENDED)),
            cancelled=Count("pk", filter=Q(state=State.CANCELLED)),
            missed=Count("pk", filter=missed),
            lost=Sum("duration", filter=missed),
        )
        .order_by()
    )
    figures = sorted((_figures(row, periods) for row in rows), key=_display_order)
    return MissedReport(group_by, period, periods, figures)


def _display_order(figures: MissedFigures) -> tuple:
    """By name, then id, then period; "no site" last. Sorted here rather than in SQL, because
    the databases order text (and NULL) differently and the figures must be identical on all."""
    name = figures.group_name
    return (
        name is None,
        (name or "").casefold(),
        name or "",
        figures.group_id or 0,
        figures.period.start,
    )


def _figures(row: dict, periods: list[Period]) -> MissedFigures:
    lost = row["lost"] or dt.timedelta(0)
    return MissedFigures(
        group_id=row["group_id"],
        group_name=row["group_name"],
        period=periods[row["period_index"]],
        booked=row["booked"],
        attended=row["attended"],
        cancelled=row["cancelled"],
        missed=row["missed"],
        minutes_lost=int(lost.total_seconds()) // 60,
    )
