"""Exact figures from the crafted set (see conftest.py), the same on every database."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from analytics.selectors import missed_appointments, resolve_periods
from appointments.models import State
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.tests.factories import PatientFactory

from .conftest import NOW, book, roll_up_2025, rollup_reads_only, utc


def figures(report) -> list[tuple]:
    return [
        (
            row.group_name,
            row.period.start.isoformat(),
            row.booked,
            row.attended,
            row.cancelled,
            row.missed,
            row.missed_rate,
            row.minutes_lost,
        )
        for row in report.rows
    ]


def monthly(**options):
    return missed_appointments(
        period="month",
        first_day=dt.date(2025, 3, 1),
        last_day=dt.date(2025, 11, 30),
        now=NOW,
        **options,
    )


def test_monthly_figures_per_department_follow_london_months_across_the_clock_changes(crafted):
    report = monthly(group_by="department")

    assert figures(report) == [
        # 30 and 31 March; the 23:30 BST one on the 31st is still March.
        ("cardiology", "2025-03-01", 3, 1, 0, 2, 0.6667, 90),
        # 00:30 BST on 1 April is April though still 31 March in UTC; the cancelled one is
        # left out of the rate: 1 missed of 2.
        ("cardiology", "2025-04-01", 3, 1, 1, 1, 0.5, 45),
        ("oncology", "2025-10-01", 3, 1, 0, 2, 0.6667, 45),
        # The one ending exactly now is missed; the one still in progress is not.
        ("oncology", "2025-11-01", 4, 1, 1, 1, 0.3333, 30),
    ]
    assert [p.start.month for p in report.periods] == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert report.periods[-1].end == dt.date(2025, 11, 30)


def test_a_day_of_the_autumn_clock_change_has_both_of_its_hours(crafted):
    report = missed_appointments(
        group_by="department",
        period="day",
        first_day=dt.date(2025, 10, 25),
        last_day=dt.date(2025, 10, 27),
        now=NOW,
    )

    assert figures(report) == [("oncology", "2025-10-26", 2, 1, 0, 1, 0.5, 30)]
    assert len(report.periods) == 3


def test_weeks_run_monday_to_sunday_in_london_time(crafted):
    report = missed_appointments(
        group_by="clinician",
        period="week",
        first_day=dt.date(2025, 3, 26),
        last_day=dt.date(2025, 4, 6),
        now=NOW,
    )

    assert figures(report) == [
        ("Dr Adams", "2025-03-24", 1, 0, 0, 1, 1.0, 60),
        ("Dr Adams", "2025-03-31", 2, 0, 0, 2, 1.0, 75),
        ("Dr Baker", "2025-03-24", 1, 1, 0, 0, 0.0, 0),
    ]
    assert report.first_day == dt.date(2025, 3, 24)  # widened to the whole week


def test_grouping_by_site_puts_appointments_without_one_last(crafted):
    report = monthly(group_by="site", department_id=crafted["cardiology"].pk)

    assert figures(report) == [
        ("Riverside Clinic", "2025-04-01", 1, 1, 0, 0, 0.0, 0),
        (None, "2025-03-01", 3, 1, 0, 2, 0.6667, 90),
        (None, "2025-04-01", 2, 0, 1, 1, 1.0, 45),
    ]
    assert report.rows[0].group_id == crafted["site"].pk


def test_filters_by_clinician(crafted):
    report = monthly(group_by="department", clinician_id=crafted["baker"].pk)

    assert figures(report) == [
        ("cardiology", "2025-03-01", 1, 1, 0, 0, 0.0, 0),
        ("cardiology", "2025-04-01", 1, 1, 0, 0, 0.0, 0),
        ("oncology", "2025-10-01", 2, 1, 0, 1, 0.5, 30),
        # One missed; the other still in progress.
        ("oncology", "2025-11-01", 2, 0, 0, 1, 0.5, 30),
    ]


def test_the_missed_rate_is_none_when_everything_was_cancelled(crafted):
    report = monthly(group_by="department", clinician_id=crafted["adams"].pk)

    november = [row for row in report.rows if row.period.start == dt.date(2025, 11, 1)]
    assert [(row.booked, row.cancelled, row.missed_rate) for row in november] == [(2, 1, 0.0)]
    only_cancelled = missed_appointments(
        group_by="department",
        period="day",
        first_day=dt.date(2025, 11, 14),
        last_day=dt.date(2025, 11, 14),
        now=NOW,
    )
    assert figures(only_cancelled) == [("oncology", "2025-11-14", 1, 0, 1, 0, None, 0)]


def test_a_period_starts_exactly_at_local_midnight_to_the_microsecond(db):
    department, clinician, patient = DepartmentFactory(), ClinicianFactory(), PatientFactory()
    # 1 May 00:00 BST is 30 April 23:00 UTC.
    for starts_at in (utc(2025, 4, 30, 22, 59, 59, 999999), utc(2025, 4, 30, 23, 0)):
        book(starts_at, 30, State.ACTIVE, department, clinician, patient)

    report = missed_appointments(
        group_by="department",
        period="month",
        first_day=dt.date(2025, 4, 1),
        last_day=dt.date(2025, 5, 31),
        now=NOW,
    )

    assert [(row.period.start.isoformat(), row.missed) for row in report.rows] == [
        ("2025-04-01", 1),
        ("2025-05-01", 1),
    ]


def test_once_rolled_up_the_figures_take_a_few_reads_and_no_writes(crafted):
    first = monthly(group_by="clinician")
    roll_up_2025()
    with rollup_reads_only():
        again = monthly(group_by="clinician")

    assert again == first


def test_the_range_defaults_to_the_twelve_periods_up_to_today():
    periods = resolve_periods("month", today=dt.date(2025, 3, 30))

    assert (periods[0].start, periods[-1].end) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert len(resolve_periods("week", today=dt.date(2025, 3, 30))) == 12


@pytest.mark.parametrize(
    ("first", "last", "field", "code"),
    [
        (dt.date(2025, 2, 1), dt.date(2025, 1, 1), "to", "date_order"),
        (dt.date(1899, 12, 31), dt.date(1900, 1, 31), "from", "date_range"),
        (dt.date(2020, 1, 1), dt.date(2025, 1, 1), "to", "too_many_periods"),
    ],
)
def test_impossible_ranges_are_refused_by_field(first, last, field, code):
    with pytest.raises(ValidationError) as refused:
        resolve_periods("day", first, last)

    assert [error.code for error in refused.value.error_dict[field]] == [code]
