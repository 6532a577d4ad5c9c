"""The rollup gives exactly the appointments' own figures, whatever changed them: the services,
the import, a patient's deletion, raw SQL, or the passing of time."""

import datetime as dt
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F, Q

from analytics import rollup
from analytics.models import ChangedDay, DayFigures, PeriodFigures, RolledUpDay, RolledUpPeriod
from analytics.selectors import _ranges, figures_rows, missed_appointments, resolve_periods
from appointments.importer import import_appointments
from appointments.models import Appointment, State
from appointments.services import (
    appointment_attend,
    appointment_cancel,
    appointment_create,
    appointment_delete,
    appointment_undo_attend,
    appointment_update,
)
from patients.services import patient_delete

from .conftest import NOW, utc

pytestmark = pytest.mark.django_db(transaction=False)

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
GROUPINGS = [
    ("department", "month", {}),
    ("clinician", "day", {}),
    ("site", "week", {}),
    ("clinician", "week", {}),
    ("clinician", "month", {}),
    ("clinician", "month", {"department": "oncology"}),
    ("department", "day", {"clinician": "adams"}),
    ("site", "month", {"clinician": "adams"}),
    ("department", "week", {"clinician": "adams"}),
]


def _direct(group_by: str, period: str, filters: dict, now: dt.datetime) -> dict:
    periods = resolve_periods(period, *YEAR)
    where = Q(**{f"{name}_id": value for name, value in filters.items()})
    rows = figures_rows((group_by,), _ranges(periods, set()), now, where)
    return {(group, index): values for group, index, *values in rows}


def _through_rollup(group_by: str, period: str, filters: dict, now: dt.datetime) -> dict:
    report = missed_appointments(
        group_by=group_by,
        period=period,
        first_day=YEAR[0],
        last_day=YEAR[1],
        clinician_id=filters.get("clinician"),
        department_id=filters.get("department"),
        now=now,
    )
    index = {period.start: i for i, period in enumerate(report.periods)}
    return {
        (row.group_id, index[row.period.start]): [
            row.booked,
            row.attended,
            row.cancelled,
            row.missed,
            row.minutes_lost,
        ]
        for row in report.rows
    }


def assert_rollup_exact(crafted, now=NOW) -> None:
    """Every grouping agrees with the appointments, and the rollup holds closed days."""
    for group_by, period, names in GROUPINGS:
        filters = {name: crafted[value].pk for name, value in names.items()}
        direct = {
            key: [*values[:4], values[4] // 60_000_000]
            for key, values in _direct(group_by, period, filters, now).items()
        }
        assert _through_rollup(group_by, period, filters, now) == direct, (group_by, period)
    assert RolledUpDay.objects.exists()
    assert RolledUpPeriod.objects.filter(period="m").exists()
    assert RolledUpPeriod.objects.filter(period="w").exists()
    assert rollup.rollup_differences(now) == []


def _months() -> set[dt.date]:
    return set(RolledUpPeriod.objects.filter(period="m").values_list("start", flat=True))


def _weeks() -> set[dt.date]:
    return set(RolledUpPeriod.objects.filter(period="w").values_list("start", flat=True))


@pytest.fixture
def rolled_up(crafted):
    rollup.rollup_refresh(*YEAR, NOW, limit=None)
    assert DayFigures.objects.exists()
    return crafted


def _booked(group_by="department", period="month", now=NOW) -> int:
    return sum(values[0] for values in _through_rollup(group_by, period, {}, now).values())


def test_the_triggers_are_installed_by_the_migrations():
    assert rollup.triggers_installed()


def test_the_rollup_holds_closed_days_only(rolled_up):
    days = set(RolledUpDay.objects.values_list("day", flat=True))

    # NOW is 15 November 2025 12:00 UTC; appointments last 24 hours at most.
    assert max(days) == dt.date(2025, 11, 13)
    assert min(days) == dt.date(2025, 1, 1)
    assert_rollup_exact(rolled_up)


def test_weeks_and_months_are_rolled_up_once_their_days_all_are(rolled_up):
    # The last closed day is 13 November: October is the last whole month, and the week of
    # 3 to 9 November the last whole week.
    assert _months() == {dt.date(2025, month, 1) for month in range(1, 11)}
    assert max(_weeks()) == dt.date(2025, 11, 3)
    assert dt.date(2024, 12, 30) not in _weeks()  # its first two days are not asked for
    assert set(PeriodFigures.objects.values_list("grain", flat=True)) == set(rollup.GRAINS)
    assert_rollup_exact(rolled_up)


def test_a_change_drops_its_week_and_month_until_they_are_summed_again(rolled_up):
    april, week = dt.date(2025, 4, 1), dt.date(2025, 4, 7)
    before = _booked()
    appointment_delete(appointment=Appointment.objects.get(starts_at=utc(2025, 4, 10, 9, 0)))

    with transaction.atomic():
        rollup._forget_changed_days()
    assert april not in _months() and week not in _weeks()
    assert dt.date(2025, 5, 1) in _months()
    assert _booked() == before - 1  # rolls the days up again, then April and its week
    assert april in _months() and week in _weeks()
    assert_rollup_exact(rolled_up)


def test_a_month_row_is_what_the_report_reads(rolled_up):
    """A whole month comes from its one row per group, not from its days."""
    march = PeriodFigures.objects.filter(period="m", grain="d", start=dt.date(2025, 3, 1))
    before = _booked()
    march.update(booked=F("booked") + 100)

    assert _booked() == before + 100 * march.count()


def test_deleting_an_appointment_of_a_closed_day(rolled_up):
    before = _booked()
    appointment_delete(appointment=Appointment.objects.get(starts_at=utc(2025, 4, 10, 9, 0)))

    assert _booked() == before - 1
    assert_rollup_exact(rolled_up)


def test_deleting_a_patient_deletes_their_appointments_from_the_figures(rolled_up):
    patient_delete(patient=Appointment.objects.first().patient)

    assert _booked() == 0
    assert_rollup_exact(rolled_up)


def test_an_import_into_closed_days(rolled_up):
    patient = Appointment.objects.first().patient
    rows = [
        {
            "id": str(uuid.uuid4()),
            "patient": patient.nhs_number,
            "status": status,
            "time": "2025-03-31T23:30:00+00:00",  # 1 April in London
            "duration": "45m",
            "clinician": "Dr Adams",
            "department": "cardiology",
            "postcode": "SW1A 1AA",
        }
        for status in ("attended", "missed", "cancelled")
    ]
    before = _booked()
    report = import_appointments(rows, now=NOW)

    assert report.counts["created"] == 3
    assert _booked() == before + 3
    assert_rollup_exact(rolled_up)


def test_a_first_load_into_an_empty_table_marks_every_day_it_loads(crafted):
    # The crafted appointments, written out in the exchange format, deleted, their (now empty)
    # days rolled up, and loaded again: on SQLite the load sets the insert trigger aside.
    status = {State.ATTENDED: "attended", State.CANCELLED: "cancelled", State.ACTIVE: "active"}
    rows = [
        {
            "id": str(a.pk),
            "patient": a.patient.nhs_number,
            "status": status[a.state],
            "time": a.starts_at.isoformat(),
            "duration": f"{a.duration // dt.timedelta(minutes=1)}m",
            "clinician": a.clinician.name,
            "department": a.department.name,
            "postcode": a.postcode,
        }
        for a in Appointment.objects.all()
    ]
    Appointment.objects.all().delete()
    rollup.rollup_refresh(*YEAR, NOW, limit=None)
    assert _booked() == 0

    report = import_appointments(rows, now=NOW)

    assert report.counts["created"] == len(rows)
    assert rollup.triggers_installed()
    assert_rollup_exact(crafted)
    assert _booked() == len(rows)


def test_a_raw_update_that_bypasses_the_services_is_seen(rolled_up):
    # An attendance undone: the appointment has ended, so it becomes missed.
    Appointment.objects.filter(starts_at=utc(2025, 4, 10, 9, 0)).update(
        state=State.ACTIVE, attended_at=None
    )

    assert_rollup_exact(rolled_up)


def test_booking_rescheduling_attending_and_cancelling_then_time_passing(rolled_up):
    patient = Appointment.objects.first().patient
    monday = utc(2025, 11, 17, 9, 0)
    kept, moved, attended, cancelled = (
        appointment_create(
            patient=patient,
            starts_at=monday + dt.timedelta(hours=hours),
            duration=dt.timedelta(minutes=30),
            clinician=rolled_up["adams"],
            department=rolled_up["oncology"],
            postcode="SW1A 1AA",
            now=NOW,
        )
        for hours in range(4)
    )
    appointment_update(appointment=moved, starts_at=monday + dt.timedelta(days=1), now=NOW)
    appointment_attend(appointment=attended, now=monday + dt.timedelta(hours=2, minutes=10))
    appointment_cancel(appointment=cancelled, now=NOW)
    # An arrival marked and undone while the appointment runs (it is missed in the end).
    running = monday + dt.timedelta(hours=4)
    undone = appointment_create(
        patient=patient,
        starts_at=running,
        duration=dt.timedelta(minutes=30),
        clinician=rolled_up["baker"],
        department=rolled_up["oncology"],
        postcode="SW1A 1AA",
        now=NOW,
    )
    appointment_attend(appointment=undone, now=running + dt.timedelta(minutes=5))
    appointment_undo_attend(
        appointment=undone,
        user=None,
        reason="wrong patient",
        now=running + dt.timedelta(minutes=10),
    )
    assert_rollup_exact(rolled_up)

    # Both days are closed now. Oncology's November: 1 November attended, the 14th cancelled,
    # two of the 15th missed, and of the four booked here "kept" and "moved" missed.
    later = utc(2025, 11, 25, 12, 0)
    assert_rollup_exact(rolled_up, now=later)
    assert {dt.date(2025, 11, 17), dt.date(2025, 11, 18)} <= set(
        RolledUpDay.objects.values_list("day", flat=True)
    )
    assert _through_rollup("department", "month", {}, later)[(rolled_up["oncology"].pk, 10)][
        :4
    ] == [9, 2, 2, 5]
    assert dt.date(2025, 11, 1) not in _months()

    # November is closed by 3 December: it is rolled up whole, and still agrees.
    december = utc(2025, 12, 5, 12, 0)
    assert_rollup_exact(rolled_up, now=december)
    assert dt.date(2025, 11, 1) in _months()
    assert _through_rollup("department", "month", {}, december)[(rolled_up["oncology"].pk, 10)][
        :4
    ] == [9, 2, 2, 5]


def test_a_change_while_a_day_is_rolled_up_again_is_not_lost(rolled_up):
    ChangedDay.objects.create(day=dt.date(2025, 4, 10), version=1)
    marks = list(ChangedDay.objects.values_list("day", "version"))
    ChangedDay.objects.filter(day=dt.date(2025, 4, 10)).update(version=2)  # a write meanwhile
    for day, version in marks:
        ChangedDay.objects.filter(day=day, version=version).delete()

    assert ChangedDay.objects.filter(day=dt.date(2025, 4, 10)).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement trigger")
def test_a_day_changed_again_in_one_transaction_keeps_its_mark_as_it_is(rolled_up):
    # Each rewrite of a mark would leave a row version that the transaction's later statements
    # walk through: a million rows loaded in 5,000-row statements became quadratic.
    def mark() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT version, xmin::text FROM analytics_changedday WHERE day = %s",
                [dt.date(2025, 4, 10)],
            )
            return cursor.fetchone()

    def change(postcode: str) -> None:
        Appointment.objects.filter(starts_at=utc(2025, 4, 10, 9, 0)).update(postcode=postcode)

    change("LS1 4AP")
    first = mark()
    change("LS2 9JT")

    assert first is not None
    assert mark() == first
    assert_rollup_exact(rolled_up)


def test_the_command_checks_and_rebuilds(rolled_up, capsys):
    call_command("stats_rollup", "--check")
    DayFigures.objects.filter(grain="d").update(booked=99)
    with pytest.raises(CommandError, match="differs"):
        call_command("stats_rollup", "--check")
    call_command("stats_rollup", "--rebuild")
    call_command("stats_rollup", "--check")
    PeriodFigures.objects.filter(period="m", grain="cd").update(lost=F("lost") + 1)
    with pytest.raises(CommandError, match="differs"):
        call_command("stats_rollup", "--check")
    call_command("stats_rollup", "--rebuild")
    call_command("stats_rollup", "--check")
    assert RolledUpPeriod.objects.filter(period="m").exists()

    assert "agrees" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables to alter them")
def test_triggers_lost_with_a_rebuilt_table_are_recreated_and_the_rollup_cleared(rolled_up):
    rollup.drop_triggers()
    Appointment.objects.filter(starts_at=utc(2025, 4, 10, 9, 0)).delete()  # unmarked

    assert rollup.install_triggers() is True
    assert not RolledUpDay.objects.exists()
    assert_rollup_exact(rolled_up)


def test_by_group_orders_each_groups_rows_by_period_and_adds_up_those_of_one_period():
    rows = [
        ("a", 1, 2, 2, 0, 0, 0),
        ("b", 0, 1, 1, 0, 0, 0),
        ("a", 0, 2, 0, 1, 1, 30),
        ("a", 0, 3, 1, 0, 2, 60),
        ("a", 2, 5, 5, 0, 0, 0),
    ]

    assert rollup.by_group(rows) == {
        "a": [("a", 0, 5, 1, 1, 3, 90), ("a", 1, 2, 2, 0, 0, 0), ("a", 2, 5, 5, 0, 0, 0)],
        "b": [("b", 0, 1, 1, 0, 0, 0)],
    }


def test_by_group_keeps_rows_as_they_are_when_told_that_each_period_has_one():
    rows = [("a", 1, 2, 2, 0, 0, 0), ("a", 0, 1, 0, 0, 1, 15)]

    assert rollup.by_group(rows, added_up=False) == {
        "a": [("a", 0, 1, 0, 0, 1, 15), ("a", 1, 2, 2, 0, 0, 0)]
    }


def test_indexed_gives_rows_their_period_index_and_leaves_out_periods_not_asked_for():
    rows = [("a", 7, 2, 0, 1, 1, 30), ("b", 8, 1, 1, 0, 0, 0), ("a", 9, 5, 5, 5, 5, 5)]

    assert rollup._indexed(rows, {7: 0, 8: 0}) == [
        ("a", 0, 2, 0, 1, 1, 30),
        ("b", 0, 1, 1, 0, 0, 0),
    ]
    assert rollup._indexed(rows, None) is rows


def test_the_rollups_rows_are_read_back_exactly_as_stored():
    """The read gives each row's group (None for "no site"), its day as a number of days from
    the first, and its figures as integers, large ones too (the missed time in microseconds);
    on SQLite it comes as one JSON array."""
    day = dt.date(2025, 3, 30)
    stored = [
        ("s", None, 0, 3, 2, 1, 0, 0),
        ("s", 7, 1, 40, 30, 5, 5, 2**40 + 1),
        ("s", 8, 2, 1, 0, 0, 1, 86_400_000_000),
    ]
    DayFigures.objects.bulk_create(
        DayFigures(
            grain=grain,
            site_id=site,
            day=day + dt.timedelta(days=offset),
            booked=booked,
            attended=attended,
            cancelled=cancelled,
            missed=missed,
            lost=lost,
        )
        for grain, site, offset, booked, attended, cancelled, missed, lost in stored
    )

    rows = rollup._rollup_read(
        DayFigures, "day", "s", "site", (day, day + dt.timedelta(days=2)), day, {}
    )

    assert sorted(map(tuple, rows), key=lambda row: row[1]) == [row[1:] for row in stored]
    assert all(type(value) is int for row in rows for value in row[1:])
    assert list(rollup._rollup_read(DayFigures, "day", "c", "clinician", (day, day), day, {})) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
@pytest.mark.parametrize(
    ("grain", "filters", "index"),
    [
        ("c", {}, "rollup_grain_day_figures_idx"),
        ("cd", {"department": 3}, "rollup_department_figures_idx"),
    ],
)
def test_a_grains_days_are_read_from_the_index_alone(grain, filters, index):
    """A year of days per clinician is 73,000 rows, and so is one department's at ten million
    appointments a year: each looked up in the table again after the index was a fifth of
    SQLite's work for it."""
    day = dt.date(2025, 1, 1)
    statements = []

    def noted(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(noted):
        rollup._rollup_read(DayFigures, "day", grain, "clinician", (day, YEAR[1]), day, filters)
    (sql,) = statements
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN " + sql,
            [connection.ops.adapt_datefield_value(day), grain, *filters.values(), *YEAR],
        )
        plan = " ".join(str(step) for step in cursor.fetchall())
    assert f"COVERING INDEX {index}" in plan
