"""The rollup of the missed-appointment figures: closed days summed once, kept exact.

A London day is *closed* once every appointment that starts in it has ended (an appointment
lasts 24 hours at most, ``appointments.durations.MAX_DURATION``): from then on the clock can no
longer turn an active appointment into a missed one, so only a write can change the day's
figures. ``DayFigures`` holds, for closed days, the figures per clinician, department, site,
clinician-in-department, clinician-at-site and department-at-site; ``RolledUpDay`` lists the
days it holds. ``PeriodFigures`` holds the same figures for whole weeks and months whose every
day is rolled up, summed from those days (``RolledUpPeriod`` lists them), so that a year per
clinician reads 12 rows per clinician, not 365. The report reads a week's or month's row where
there is one, the rolled-up days for the rest, and asks the appointments directly for every
other day (today, the future, and any day not yet rolled up), so its figures are always exactly
the direct query's.

What keeps it exact does not depend on any service remembering to call it: triggers on the
appointments table (created by this app's migration and checked after every ``migrate``) mark
the UTC date of every appointment inserted, changed or deleted, by any path (the services, the
import, the admin, raw SQL, the cascade from a deleted patient). Before answering, the rollup
drops the days those marks touch and builds again, lazily and at most ``BUILD_LIMIT`` days per
request, the closed days it is asked for; a changed day drops the week and month that hold it
too, and they are summed again from their days once all of them are back. ``manage.py
stats_rollup`` builds or checks it all.
"""

import contextlib
import datetime as dt
import operator
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

import orjson
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from appointments.durations import MAX_DURATION
from appointments.models import Appointment
from panda_project.bulk import sqlite_triggers_set_aside
from panda_project.queries import numbers_cursor

from .models import (
    ChangedDay,
    DayFigures,
    PeriodFigures,
    RolledUpDay,
    RolledUpPeriod,
    RollupLock,
)

LONDON = ZoneInfo("Europe/London")
ONE_DAY = dt.timedelta(days=1)
# Days a request may roll up before answering; the rest it asks the appointments for.
BUILD_LIMIT = 62
# The rollup rows for each grouping, and which filters each can answer.
GRAINS = {
    "c": ("clinician",),
    "d": ("department",),
    "s": ("site",),
    "cd": ("clinician", "department"),
    "cs": ("clinician", "site"),
    "ds": ("department", "site"),
}
# The longer periods rolled up whole, by their code in PeriodFigures.
LEVELS = {"w": "week", "m": "month"}
FIGURES = ("booked", "attended", "cancelled", "missed", "lost")
GROUPED = ("clinician", "department", "site")
APPOINTMENTS = "appointments_appointment"
MARKS = "analytics_changedday"


_bypassed = False


@contextlib.contextmanager
def bypassed():
    """The figures straight from the appointments while the block runs: for timing the two
    side by side (``manage.py stats_benchmark``)."""
    global _bypassed
    _bypassed = True
    try:
        yield
    finally:
        _bypassed = False


def grain_for(group_by: str, filters: Sequence[str]) -> str | None:
    """The rollup rows that answer ``group_by`` with ``filters`` (clinician, department), or
    None when only the appointments can (a site with both filters)."""
    if _bypassed:
        return None
    wanted = {group_by, *filters}
    for grain, columns in GRAINS.items():
        if wanted == set(columns) or (grain == "cd" and wanted <= set(columns)):
            return grain
    return None


def last_closed_day(now: dt.datetime) -> dt.date:
    """The latest London day whose appointments have all ended by ``now``."""
    return timezone.localdate(now - MAX_DURATION, LONDON) - ONE_DAY


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=LONDON).astimezone(dt.UTC)


# --- Triggers -------------------------------------------------------------------------------

_MARK = {
    "sqlite": "INSERT INTO {marks} (day, version) VALUES (date({row}.starts_at), 1) "
    "ON CONFLICT (day) DO UPDATE SET version = version + 1;",
    "mysql": "INSERT INTO {marks} (day, version) VALUES (DATE({row}.starts_at), 1) "
    "ON DUPLICATE KEY UPDATE version = version + 1;",
}
# On PostgreSQL a mark's version is the id of the last transaction that changed its day, and
# is written once per transaction: each write of a row makes a new version of it, which the
# transaction's later look-ups walk through. Counting up on every statement, as the other
# databases' row triggers do, made a million rows loaded in one transaction of 5,000-row
# statements quadratic (the trigger took 232 ms a statement by the end, 19 ms at the start).
_PG_MARK = f"""
        INSERT INTO {MARKS} (day, version)
        SELECT DISTINCT (starts_at AT TIME ZONE 'UTC')::date, pg_current_xact_id()::text::bigint
        FROM {{rows}} ORDER BY 1
        ON CONFLICT (day) DO UPDATE SET version = EXCLUDED.version
        WHERE {MARKS}.version <> EXCLUDED.version;"""
_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION appointment_rollup_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN{_PG_MARK.format(rows="new_rows")}
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN{_PG_MARK.format(rows="old_rows")}
    END IF;
    RETURN NULL;
END $$
"""
TRIGGER_NAMES = (
    "appointment_rollup_insert",
    "appointment_rollup_update",
    "appointment_rollup_delete",
)


def _trigger_sql(vendor: str) -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER) for the three triggers on ``vendor``."""
    if vendor == "postgresql":
        transitions = {
            "insert": "REFERENCING NEW TABLE AS new_rows",
            "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "delete": "REFERENCING OLD TABLE AS old_rows",
        }
        return [
            (
                f"appointment_rollup_{event}",
                f"CREATE TRIGGER appointment_rollup_{event} AFTER {event.upper()} ON "
                f"{APPOINTMENTS} {transitions[event]} FOR EACH STATEMENT "
                "EXECUTE FUNCTION appointment_rollup_mark()",
            )
            for event in ("insert", "update", "delete")
        ]
    mark = _MARK[vendor]
    bodies = {
        "insert": mark.format(marks=MARKS, row="NEW"),
        "update": mark.format(marks=MARKS, row="OLD") + " " + mark.format(marks=MARKS, row="NEW"),
        "delete": mark.format(marks=MARKS, row="OLD"),
    }
    each_row = " FOR EACH ROW" if vendor == "mysql" else ""
    return [
        (
            f"appointment_rollup_{event}",
            f"CREATE TRIGGER appointment_rollup_{event} AFTER {event.upper()} ON {APPOINTMENTS}"
            f"{each_row} BEGIN {body} END",
        )
        for event, body in bodies.items()
    ]


def _existing_triggers(cursor) -> set[str]:
    vendor = connection.vendor
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    elif vendor == "postgresql":
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
    else:
        cursor.execute(
            "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()"
        )
    return {name for (name,) in cursor.fetchall()} & set(TRIGGER_NAMES)


def tables_exist() -> bool:
    """Whether the rollup's tables and the appointments table exist (not after a migration
    back to before them)."""
    tables = set(connection.introspection.table_names())
    return {APPOINTMENTS, MARKS, DayFigures._meta.db_table} <= tables


def triggers_installed() -> bool:
    with connection.cursor() as cursor:
        return _existing_triggers(cursor) == set(TRIGGER_NAMES)


def install_triggers() -> bool:
    """Create whichever of the triggers is missing; True if any was. Rebuilding a SQLite table
    (as Django does to alter one) drops its triggers, and changes made meanwhile went unmarked,
    so then the whole rollup is cleared: it is built again as it is asked for."""
    # MariaDB commits before and after each CREATE TRIGGER: there, no transaction to be in.
    atomic = (
        transaction.atomic() if connection.features.can_rollback_ddl else contextlib.nullcontext()
    )
    with atomic, connection.cursor() as cursor:
        missing = [
            (name, sql)
            for name, sql in _trigger_sql(connection.vendor)
            if name not in _existing_triggers(cursor)
        ]
        if not missing:
            return False
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
        for _name, sql in missing:
            cursor.execute(sql)
        rollup_clear()
        return True


def replace_trigger_function() -> None:
    """On PostgreSQL, the triggers' function as this module writes it (its triggers call it by
    name); elsewhere, nothing."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PG_FUNCTION)


@contextlib.contextmanager
def marks_deferred(defer: bool = True):
    """For a first load into an empty appointments table on SQLite, in a transaction: the
    insert trigger set aside while the block runs, then every day that the table holds marked
    at once and the trigger back. Its upsert per row was a third of SQLite's own work on each
    imported row. Elsewhere, or unless ``defer``, nothing: PostgreSQL's trigger marks once per
    statement already, and MariaDB has no first load of its own (``bulk_load``)."""
    if not defer or connection.vendor != "sqlite":
        yield
        return
    with transaction.atomic(), sqlite_triggers_set_aside(["appointment_rollup_insert"]):
        yield
        with connection.cursor() as cursor:
            # "WHERE true" tells SQLite's parser that ON CONFLICT is the upsert's.
            cursor.execute(
                f"INSERT INTO {MARKS} (day, version) "
                f"SELECT DISTINCT date(starts_at), 1 FROM {APPOINTMENTS} WHERE true "
                "ON CONFLICT (day) DO UPDATE SET version = version + 1"
            )


def drop_triggers() -> None:
    with connection.cursor() as cursor:
        for name in TRIGGER_NAMES:
            on = "" if connection.vendor != "postgresql" else f" ON {APPOINTMENTS}"
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS appointment_rollup_mark()")


# --- Building -------------------------------------------------------------------------------


def rollup_clear() -> None:
    # Those of the tables that exist: the migration that installs the triggers runs before
    # the one that adds the weeks and months.
    tables = set(connection.introspection.table_names())
    for model in (DayFigures, RolledUpDay, PeriodFigures, RolledUpPeriod):
        if model._meta.db_table in tables:
            model.objects.all().delete()
    _bump()


def _bump() -> None:
    RollupLock.objects.get_or_create(pk=1)
    RollupLock.objects.filter(pk=1).update(generation=F("generation") + 1)


def rollup_refresh(
    first_day: dt.date, last_day: dt.date, now: dt.datetime, limit: int | None = BUILD_LIMIT
) -> None:
    """Bring the rollup of ``first_day`` to ``last_day`` up to date: drop the days that
    changed (and their weeks and months), build the closed days that are missing (at most
    ``limit``), then sum each week and month within the range whose days are all there."""
    last_day = min(last_day, last_closed_day(now))
    if _nothing_to_do(first_day, last_day):
        return
    with transaction.atomic():
        _lock()
        _forget_changed_days()
        built = set(
            RolledUpDay.objects.filter(day__range=(first_day, last_day)).values_list(
                "day", flat=True
            )
        )
        missing = [day for day in _days(first_day, last_day) if day not in built][
            : limit if limit is not None else None
        ]
        for days in _chunks(missing):
            _build(days[0], days[-1], now)
        summed = _build_periods(first_day, last_day)
        if missing or summed:
            _bump()


def _lock() -> None:
    RollupLock.objects.get_or_create(pk=1)
    RollupLock.objects.select_for_update().get(pk=1)


def _nothing_to_do(first_day: dt.date, last_day: dt.date) -> bool:
    if ChangedDay.objects.exists():
        return False
    if last_day < first_day:
        return True
    expected = (last_day - first_day).days + 1
    if RolledUpDay.objects.filter(day__range=(first_day, last_day)).count() != expected:
        return False
    whole = {(level, start) for level, start, _end in _periods(first_day, last_day, whole=True)}
    return whole <= set(
        RolledUpPeriod.objects.filter(start__range=(first_day, last_day)).values_list(
            "period", "start"
        )
    )


def _periods(
    first_day: dt.date, last_day: dt.date, whole: bool
) -> list[tuple[str, dt.date, dt.date]]:
    """(level, first day, last day) of each week and month that lies within the range
    (``whole``) or has a day in it."""
    from .selectors import calendar_periods

    return [
        (level, period.start, period.end)
        for level, name in LEVELS.items()
        for period in calendar_periods(name, first_day, last_day)
        if not whole or (first_day <= period.start and period.end <= last_day)
    ]


def _build_periods(first_day: dt.date, last_day: dt.date) -> int:
    """Sum from their days each week and month with a day in the range whose days are all
    rolled up and which is not rolled up yet; how many were. A period's figures are its days'
    figures added up, so they cannot count otherwise than the days (and the direct query) do.
    As days are only built here, every week and month whose days are all rolled up is too."""
    periods = _periods(first_day, last_day, whole=False)
    if not periods:
        return 0
    span = (min(start for _l, start, _e in periods), max(end for _l, _s, end in periods))
    done = set(RolledUpPeriod.objects.filter(start__range=span).values_list("period", "start"))
    days = rolled_up_days(*span)
    todo = [
        (level, start, end)
        for level, start, end in periods
        if (level, start) not in done and all(day in days for day in _days(start, end))
    ]
    if not todo:
        return 0
    quote = connection.ops.quote_name
    target = quote(PeriodFigures._meta.db_table)
    source = quote(DayFigures._meta.db_table)
    keys = ", ".join(quote(name) for name in ("grain", "clinician_id", "department_id", "site_id"))
    figures = ", ".join(quote(name) for name in FIGURES)
    sums = ", ".join(f"SUM({quote(name)})" for name in FIGURES)
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for level, start, end in todo:
            cursor.execute(
                f"INSERT INTO {target} ({quote('period')}, {quote('start')}, {keys}, {figures}) "
                f"SELECT %s, %s, {keys}, {sums} FROM {source} "
                f"WHERE {quote('day')} >= %s AND {quote('day')} <= %s GROUP BY {keys}",
                [level, adapt(start), adapt(start), adapt(end)],
            )
    RolledUpPeriod.objects.bulk_create(
        [RolledUpPeriod(period=level, start=start) for level, start, _end in todo]
    )
    return len(todo)


def _forget_changed_days() -> None:
    """Drop from the rollup every London day that the marked UTC dates may touch, and clear
    each mark unless it changed again meanwhile (its version tells)."""
    marks = list(ChangedDay.objects.values_list("day", "version"))
    if not marks:
        return
    days = {day + dt.timedelta(days=shift) for day, _ in marks for shift in (-1, 0, 1)}
    days = sorted(days)
    # Naming every grain lets the (grain, day) index find the rows; by day alone, each
    # report after a booking read the whole rollup (24 ms at ten million appointments).
    grains = list(GRAINS)
    for chunk in (days[i : i + 500] for i in range(0, len(days), 500)):
        DayFigures.objects.filter(grain__in=grains, day__in=chunk).delete()
        RolledUpDay.objects.filter(day__in=chunk).delete()
    from .selectors import period_start

    for level, name in LEVELS.items():
        starts = sorted({period_start(name, day) for day in days})
        for chunk in (starts[i : i + 500] for i in range(0, len(starts), 500)):
            PeriodFigures.objects.filter(period=level, grain__in=grains, start__in=chunk).delete()
            RolledUpPeriod.objects.filter(period=level, start__in=chunk).delete()
    for day, version in marks:
        ChangedDay.objects.filter(day=day, version=version).delete()
    _bump()


def _days(first_day: dt.date, last_day: dt.date) -> Iterable[dt.date]:
    day = first_day
    while day <= last_day:
        yield day
        day += ONE_DAY


def _runs(days: list[dt.date]) -> Iterable[list[dt.date]]:
    """Consecutive days in runs, each built by one set of queries."""
    run: list[dt.date] = []
    for day in days:
        if run and day != run[-1] + ONE_DAY:
            yield run
            run = []
        run.append(day)
    if run:
        yield run


# Days built by one set of queries: each query groups days × groups (up to 4,200 groups a day
# for clinicians at sites), which for two years at once overflowed PostgreSQL's memory for
# hashing and took minutes.
BUILD_CHUNK = 31
DAY_FIELDS = ("day", "grain", "clinician_id", "department_id", "site_id", *FIGURES)


def _chunks(days: list[dt.date]) -> Iterable[list[dt.date]]:
    """The runs of consecutive days, each cut into BUILD_CHUNK days at most."""
    for run in _runs(days):
        for start in range(0, len(run), BUILD_CHUNK):
            yield run[start : start + BUILD_CHUNK]


def _build(first_day: dt.date, last_day: dt.date, now: dt.datetime) -> None:
    from panda_project.bulk import insert_rows

    from .selectors import figures_rows  # the one definition of the figures

    days = list(_days(first_day, last_day))
    ranges = [(i, local_midnight(d), local_midnight(d + ONE_DAY)) for i, d in enumerate(days)]
    for grain, columns in GRAINS.items():
        positions = [columns.index(name) if name in columns else None for name in GROUPED]
        rows = [
            (
                days[row[len(columns)]],
                grain,
                *(None if position is None else row[position] for position in positions),
                *row[len(columns) + 1 :],
            )
            for row in figures_rows(columns, ranges, now)
        ]
        insert_rows(DayFigures, list(DAY_FIELDS), rows)
    RolledUpDay.objects.bulk_create([RolledUpDay(day=day) for day in days])


def rollup_build_all(now: dt.datetime | None = None, rebuild: bool = False) -> int:
    """Build every closed day from the first appointment's (all of them again if ``rebuild``);
    the number of days rolled up now. For after an import, or ``manage.py stats_rollup``."""
    now = now or timezone.now()
    if rebuild:
        with transaction.atomic():
            rollup_clear()
    first = Appointment.objects.order_by("starts_at").values_list("starts_at", flat=True).first()
    if first is None:
        return 0
    from .selectors import period_start

    first = timezone.localdate(first, LONDON)
    # From the first week or month that holds it, so that both are rolled up whole.
    first_day = min(period_start(name, first) for name in LEVELS.values())
    before = RolledUpDay.objects.count()
    rollup_refresh(first_day, last_closed_day(now), now, limit=None)
    return RolledUpDay.objects.count() - before


# --- Reading --------------------------------------------------------------------------------


def generation() -> int:
    """Changes with every write to the rollup: a reader that sees the same generation before
    and after its reads saw one state of it."""
    return RollupLock.objects.filter(pk=1).values_list("generation", flat=True).first() or 0


def rolled_up_days(first_day: dt.date, last_day: dt.date) -> set[dt.date]:
    return set(
        RolledUpDay.objects.filter(day__range=(first_day, last_day)).values_list("day", flat=True)
    )


def rollup_rows(grain: str, group_by: str, level: str | None, periods, filters: dict) -> list:
    """Rows (group id, period index, booked, attended, cancelled, missed, lost) from the rollup,
    for ``periods`` (a list of (first day, last day)): from ``PeriodFigures`` for each that is
    a week or month (``level`` "w" or "m") rolled up whole, from ``DayFigures`` for the others,
    a row per day (``by_group`` adds up those of one period)."""
    whole: set[dt.date] = set()
    if level is not None:
        whole = set(
            RolledUpPeriod.objects.filter(
                period=level, start__in=[first for first, _last in periods]
            ).values_list("start", flat=True)
        )
    rows: list = []
    base = periods[0][0]
    starts = {first: i for i, (first, _last) in enumerate(periods) if first in whole}
    if starts:
        found = _rollup_read(
            PeriodFigures,
            "start",
            grain,
            group_by,
            (min(starts), max(starts)),
            base,
            filters,
            level,
        )
        rows += _indexed(found, _by_offset(starts, base))
    days = {
        day: i
        for i, (first, last) in enumerate(periods)
        if first not in whole
        for day in _days(first, last)
    }
    index_of = _by_offset(days, base)
    for run in _runs(sorted(days)):
        found = _rollup_read(DayFigures, "day", grain, group_by, (run[0], run[-1]), base, filters)
        rows += _indexed(found, index_of)
    return rows


def _indexed(rows: list, index_of: dict | None) -> list:
    """``rows`` (group id, period, the five figures) with the period replaced by its index in
    ``index_of``, leaving out those not there; as they are when ``index_of`` is None."""
    if index_of is None:
        return rows
    at = index_of.get
    return [(row[0], index, *row[2:]) for row in rows if (index := at(row[1])) is not None]


def by_group(rows: Iterable, added_up: bool = True) -> dict:
    """Rows (group id, period index, the five figures) by group id, each group's in period
    order. Those of one period are added up into one unless ``added_up`` is False: when each
    period is a day, which is read either from the rollup or from the appointments, so a group
    has one row for it at most.

    A year of days per clinician is 73,000 rows, so they are kept as read rather than keyed one
    by one: putting each in its group's list, then ordering the lists, costs a quarter of a
    dict keyed by (group, period)."""
    groups: dict = {}
    for row in rows:
        found = groups.get(row[0])
        if found is None:
            groups[row[0]] = [row]
        else:
            found.append(row)
    period = operator.itemgetter(1)
    for group, found in groups.items():
        found.sort(key=period)
        if added_up and len(set(map(period, found))) < len(found):
            groups[group] = _added_up(found)
    return groups


def _added_up(rows: list) -> list:
    """Rows in period order with those of one period added up into one."""
    added: list = []
    for row in rows:
        if added and added[-1][1] == row[1]:
            last = added[-1]
            added[-1] = (*last[:2], *map(operator.add, last[2:], row[2:]))
        else:
            added.append(row)
    return added


def _by_offset(index_of: dict[dt.date, int], base: dt.date) -> dict[int, int] | None:
    """``index_of`` (a day: a period index) keyed by the days from ``base`` instead, as
    ``_rollup_read`` gives them; None when each is its own index (the days of a daily report
    from its first), which ``_indexed`` then takes as they are."""
    offsets = {(day - base).days: index for day, index in index_of.items()}
    return None if all(offset == index for offset, index in offsets.items()) else offsets


def _rollup_read(
    model, column: str, grain, group_by, span, base: dt.date, filters, level=None
) -> list:
    """The rows (group id, days from ``base`` to ``column``, the five figures; tuples, or lists
    on SQLite) of ``model`` for ``grain`` whose ``column`` (a day, or a period's start) is in
    ``span`` (first and last, included). Each group has one row per day or period (the filters
    fix the grain's other ids), so nothing is summed or sorted here: the rows are read in an
    index range, without a join. The day comes as a number of days, which costs no date object
    per row (a year of days per clinician is 73,000 rows) and, from the first day of a daily
    report, is the period's index."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    day = quote(column)
    if connection.vendor == "sqlite":
        after = f"CAST(julianday({day}) - julianday(%s) AS INTEGER)"
    elif connection.vendor == "postgresql":
        after = f"({day} - %s::date)"
    else:
        after = f"DATEDIFF({day}, %s)"
    params: list = [adapt(base), grain]
    where = [f"{quote('grain')} = %s"]
    if level is not None:
        where.append(f"{quote('period')} = %s")
        params.append(level)
    for name, value in filters.items():
        where.append(f"{quote(name + '_id')} = %s")
        params.append(value)
    where.append(f"{day} >= %s AND {day} <= %s")
    params += [adapt(span[0]), adapt(span[1])]
    columns = ", ".join([quote(group_by + "_id"), after, *(quote(name) for name in FIGURES)])
    if connection.vendor == "sqlite":
        # All the rows as one JSON array, which orjson reads: Python 3.11's sqlite3 lets go of
        # the interpreter lock and takes it back for every value fetched, and SQLite locks its
        # connection for each, which was over a third of a year of days per clinician (73,000
        # rows of 7 values; callgrind).
        columns = f"json_group_array(json_array({columns}))"
    sql = f"SELECT {columns} FROM {table} WHERE {' AND '.join(where)}"
    with numbers_cursor() as cursor:
        cursor.execute(sql, params)
        if connection.vendor == "sqlite":
            return orjson.loads(cursor.fetchone()[0])
        return cursor.fetchall()


# --- Checking -------------------------------------------------------------------------------


def rollup_differences(now: dt.datetime | None = None) -> list[str]:
    """Each rolled-up day whose figures differ from what the appointments give now; [] when
    the rollup is exact."""
    now = now or timezone.now()
    with transaction.atomic():  # the days changed since are not compared: they are dropped
        _lock()
        _forget_changed_days()
    days = sorted(RolledUpDay.objects.values_list("day", flat=True))
    problems = []
    for run in _chunks(days):
        ranges = [(i, local_midnight(d), local_midnight(d + ONE_DAY)) for i, d in enumerate(run)]
        for grain, columns in GRAINS.items():
            stored = DayFigures.objects.filter(
                grain=grain, day__range=(run[0], run[-1])
            ).values_list("day", *(c + "_id" for c in columns), *FIGURES)
            problems += _compared(grain, run, ranges, columns, stored, now)
    return problems + _period_differences(now)


def _period_differences(now: dt.datetime) -> list[str]:
    """Each rolled-up week's or month's figures that differ from the appointments'."""
    from .selectors import next_period_start

    problems = []
    for level, name in LEVELS.items():
        starts = sorted(RolledUpPeriod.objects.filter(period=level).values_list("start", flat=True))
        for chunk in (starts[i : i + 200] for i in range(0, len(starts), 200)):
            ranges = [
                (i, local_midnight(start), local_midnight(next_period_start(name, start)))
                for i, start in enumerate(chunk)
            ]
            for grain, columns in GRAINS.items():
                stored = PeriodFigures.objects.filter(
                    period=level, grain=grain, start__in=chunk
                ).values_list("start", *(c + "_id" for c in columns), *FIGURES)
                problems += _compared(f"{level}{grain}", chunk, ranges, columns, stored, now)
    return problems


def _compared(label: str, keys: list, ranges: list, columns, stored, now) -> list[str]:
    """Where the rollup's rows ``stored`` (a day or period start, the group's ids, the figures)
    differ from the appointments' figures over ``ranges`` (the i-th for ``keys[i]``)."""
    from .selectors import figures_rows

    width = len(columns)
    direct = {
        (keys[row[width]], *row[:width]): tuple(row[width + 1 :])
        for row in figures_rows(columns, ranges, now)
    }
    rolled = {(row[0], *row[1 : 1 + width]): tuple(row[1 + width :]) for row in stored}
    return [
        f"{label} {key}: rollup {rolled.get(key)}, appointments {direct.get(key)}"
        for key in sorted(set(direct) | set(rolled), key=str)
        if direct.get(key) != rolled.get(key)
    ]
