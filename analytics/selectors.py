"""Missed-appointment figures by clinician, department, site or reminded, per calendar period.

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

import contextlib
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appointments.models import Appointment, State, missed_condition
from reminders.selectors import reminded_condition

from . import rollup

LONDON = ZoneInfo("Europe/London")
GROUP_BY = ("clinician", "department", "site", "reminded")
# The names of the two groups of group_by=reminded, by group id.
REMINDED_NAMES = {1: "reminded", 0: "not reminded"}
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


class MissedFigures(NamedTuple):
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
        return missed_rate(self.booked, self.cancelled, self.missed)


# Remembered: a float's round() to some places costs more than the rest of a row of a report,
# whose rows (a year of days per clinician: 73,000) share a few thousand triples.
@lru_cache(maxsize=65536)
def missed_rate(booked: int, cancelled: int, missed: int) -> float | None:
    """Missed out of those not cancelled, to four places; None when there were none."""
    not_cancelled = booked - cancelled
    return round(missed / not_cancelled, 4) if not_cancelled else None


MICROSECONDS_A_MINUTE = 60_000_000


@dataclass(frozen=True)
class MissedReport:
    """The figures of each group in ``groups`` (id and name, in the report's order) and each
    period of ``periods`` that has appointments: ``figures`` maps a group id to its rows
    (group id, period index, booked, attended, cancelled, missed, microseconds lost), in
    period order. A year of days per clinician is 73,000 of them, so the API writes its answer
    from these directly; ``rows`` gives them as ``MissedFigures``."""

    group_by: str
    period: str
    periods: list[Period]
    groups: list[tuple[int | None, str | None]]
    figures: dict[int | None, list[tuple]]

    @property
    def first_day(self) -> dt.date:
        return self.periods[0].start

    @property
    def last_day(self) -> dt.date:
        return self.periods[-1].end

    def each(self) -> Iterator[tuple[int | None, str | None, list[tuple]]]:
        """(group id, group name, its rows) in the report's order."""
        figures = self.figures
        for group, name in self.groups:
            yield group, name, figures[group]

    @cached_property
    def rows(self) -> list[MissedFigures]:
        periods = self.periods
        return [
            MissedFigures(group, name, periods[row[1]], *row[2:6], row[6] // MICROSECONDS_A_MINUTE)
            for group, name, rows in self.each()
            for row in rows
        ]


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


def validate_day_range(first_day: dt.date | None, last_day: dt.date) -> None:
    """ValidationError (keyed by the query's "from" and "to") if a day is outside the years
    1900-2999 or the range is backwards."""
    for name, day in (("from", first_day), ("to", last_day)):
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            raise ValidationError(
                {name: ValidationError(_("Give a date from 1900 to 2999."), code="date_range")}
            )
    if first_day is not None and first_day > last_day:
        raise ValidationError(
            {"to": ValidationError(_("This is before the start date."), code="date_order")}
        )


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
    validate_day_range(first_day, last_day)
    days = (last_day - first_day).days
    if days > MAX_PERIODS * 31 or len(calendar_periods(period, first_day, last_day)) > MAX_PERIODS:
        message = _("At most %(count)s periods at a time: shorten the range.")
        raise ValidationError(
            {"to": ValidationError(message % {"count": MAX_PERIODS}, code="too_many_periods")}
        )
    return calendar_periods(period, first_day, last_day)


def _periods_cte(ranges: Sequence[tuple[int, dt.datetime, dt.datetime]]) -> tuple[str, list]:
    """SQL for the periods as a small table ``periods (period_index, starts, ends)``, with its
    parameters: a common table expression of VALUES (which SQLite, unlike UNION ALL, does not
    limit to 500 rows). A period may have several ranges (the days the rollup lacks).

    Joined to the appointments on ``starts <= starts_at < ends``, it lets every database find
    each period's appointments with one index range scan, and tells the planner how many
    (group, period) pairs to expect, so that PostgreSQL aggregates them in a hash table rather
    than sorting a million rows."""
    adapt = connection.ops.adapt_datetimefield_value
    rows = ", ".join(["(%s, %s, %s)"] * len(ranges))
    params = []
    for index, starts, ends in ranges:
        params += [index, adapt(starts), adapt(ends)]
    return f"WITH periods (period_index, starts, ends) AS (VALUES {rows})", params


def _condition(condition: Q) -> tuple[str, list]:
    """An appointment condition compiled to SQL by the ORM, so that the rules stay in one
    place; its columns are named by the appointments table."""
    query = Appointment.objects.filter(condition).query
    return query.get_compiler(connection=connection).compile(query.where)


def _group_sql(name: str, table: str) -> tuple[str, list]:
    """The SQL that gives each appointment's id in the group ``name``, and its parameters.
    "reminded" is 1 for appointments that had a reminder sent, else 0 (named by
    ``REMINDED_NAMES``)."""
    if name == "reminded":
        reminded, params = _condition(reminded_condition())
        return f"CASE WHEN {reminded} THEN 1 ELSE 0 END", params
    column = connection.ops.quote_name(Appointment._meta.get_field(name).column)
    return f"{table}.{column}", []


def _figures_sql(groups: Sequence[str], ranges, now, filters: Q) -> tuple[str, list]:
    """One aggregate query: the figures of each group (ids of ``groups``) and period that has
    appointments, grouped by integer ids alone.

    SUM(CASE ...) reads the same on all three databases, and every column it reads is in the
    ``appointment_stats_idx`` index, so the scan reads that index alone (grouped by
    "reminded", each appointment's reminders are looked up by their appointment index)."""
    quote = connection.ops.quote_name
    table = quote(Appointment._meta.db_table)
    grouped = [_group_sql(name, table) for name in groups]
    columns = ", ".join(f"{sql} AS group_{index}" for index, (sql, _params) in enumerate(grouped))
    # Grouped by the output columns' names, which all three databases accept, so that an
    # expression (and its parameters) is not written twice.
    names = ", ".join(f"group_{index}" for index in range(len(grouped)))
    group_params = [param for _sql, params in grouped for param in params]
    starts_at = f"{table}.{quote('starts_at')}"
    attended, attended_params = _condition(Q(state=State.ATTENDED))
    cancelled, cancelled_params = _condition(Q(state=State.CANCELLED))
    missed, missed_params = _condition(missed_condition(now))
    where, where_params = _condition(filters) if filters else ("1 = 1", [])
    periods, period_params = _periods_cte(ranges)
    sql = f"""
        {periods}
        SELECT {columns}, periods.period_index,
               COUNT(*) AS booked,
               SUM(CASE WHEN {attended} THEN 1 ELSE 0 END) AS attended,
               SUM(CASE WHEN {cancelled} THEN 1 ELSE 0 END) AS cancelled,
               SUM(CASE WHEN {missed} THEN 1 ELSE 0 END) AS missed,
               SUM(CASE WHEN {missed} THEN {table}.{quote("duration")} END) AS lost
        FROM periods
        INNER JOIN {table} ON {starts_at} >= periods.starts AND {starts_at} < periods.ends
        WHERE {where}
        GROUP BY {names}, periods.period_index
    """
    params = [
        *period_params,
        *group_params,
        *attended_params,
        *cancelled_params,
        *missed_params,
        *missed_params,
        *where_params,
    ]
    return sql, params


@contextlib.contextmanager
def without_jit():
    """On PostgreSQL, no JIT compilation for this transaction. The planner overestimates the
    rows of a join on ranges, so with weeks or days it compiles the plan, which then takes
    seconds: several times the query itself (measured in docs/analytics.md). Elsewhere, nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def figures_rows(
    groups: Sequence[str], ranges, now: dt.datetime, filters: Q | None = None
) -> list[tuple]:
    """The figures straight from the appointments: (the ids of ``groups``..., period index,
    booked, attended, cancelled, missed, microseconds lost) for each group and period with
    appointments; ``ranges`` are (period index, UTC start, UTC end). The rollup is built from
    this too, so the two cannot count differently."""
    if not ranges:
        return []
    sql, params = _figures_sql(groups, ranges, now, filters or Q())
    with without_jit(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    width = len(groups) + 1
    return [
        (*row[:width], *(int(value) for value in row[width:-1]), _microseconds(row[-1]))
        for row in rows
    ]


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
    each ``group_by`` (clinician, department, site, or reminded: whether a reminder was sent,
    ``reminders.selectors.reminded_condition``) and calendar ``period`` (day, week, month)
    that has appointments starting in it: from the rollup for closed days it holds, and from
    the appointments for the rest (``analytics.rollup``; "reminded" always from the
    appointments)."""
    if group_by not in GROUP_BY:
        raise ValidationError({"group_by": ValidationError(_("Unknown group."), code="invalid")})
    now = now or timezone.now()
    periods = resolve_periods(period, first_day, last_day, today=timezone.localdate(now, LONDON))
    filters = {
        name: value
        for name, value in (("clinician", clinician_id), ("department", department_id))
        if value is not None
    }
    figures = _figures_by_group(group_by, period, periods, filters, now)
    if group_by == "reminded":
        names = REMINDED_NAMES
    else:
        names = dict(
            Appointment._meta.get_field(group_by)
            .related_model.objects.filter(pk__in=list(figures))
            .values_list("pk", "name")
        )
    # By name, then id ("no site" last): the groups are ordered once, here in Python rather
    # than in SQL, because the databases order text (and NULL) differently and the figures must
    # be identical on all.
    groups = sorted(figures, key=lambda group: _group_order(group, names))
    return MissedReport(
        group_by, period, periods, [(group, names.get(group)) for group in groups], figures
    )


def _figures_by_group(
    group_by: str, period: str, periods: list[Period], filters: dict, now
) -> dict:
    """Each group's rows (group id, period index, booked, attended, cancelled, missed, lost) by
    group id (``rollup.by_group``), for the calendar ``periods`` of kind ``period`` (day, week,
    month)."""
    grain = rollup.grain_for(group_by, list(filters))
    where = Q(**{f"{name}_id": value for name, value in filters.items()})
    if grain is not None:
        rollup.rollup_refresh(periods[0].start, periods[-1].end, now)
        level = next((code for code, name in rollup.LEVELS.items() if name == period), None)
        spans = [(p.start, p.end) for p in periods]
        for _attempt in range(3):
            seen = rollup.generation()
            rolled = rollup.rolled_up_days(periods[0].start, periods[-1].end)
            rows = rollup.rollup_rows(grain, group_by, level, spans, filters) if rolled else []
            rows += figures_rows((group_by,), _ranges(periods, rolled), now, where)
            if rollup.generation() == seen:
                return rollup.by_group(rows, added_up=period != "day")
    return rollup.by_group(figures_rows((group_by,), _ranges(periods, set()), now, where))


def _ranges(periods: list[Period], rolled: set[dt.date]) -> list[tuple]:
    """(period index, UTC start, UTC end) of the runs of days in ``periods`` not in ``rolled``."""
    ranges = []
    for index, period in enumerate(periods):
        day, run_start = period.start, None
        while day <= period.end + ONE_DAY:
            inside = day <= period.end and day not in rolled
            if inside and run_start is None:
                run_start = day
            elif not inside and run_start is not None:
                ranges.append((index, local_midnight(run_start), local_midnight(day)))
                run_start = None
            day += ONE_DAY
    return ranges


def _group_order(group, names: dict) -> tuple:
    """By name, then id; "no site" last."""
    name = names.get(group)
    return (name is None, (name or "").casefold(), name or "", group or 0)


def _microseconds(total) -> int:
    """A sum of durations: an interval on PostgreSQL, microseconds elsewhere (DurationField)."""
    if total is None:
        return 0
    if isinstance(total, dt.timedelta):
        return total // dt.timedelta(microseconds=1)
    return int(total)
