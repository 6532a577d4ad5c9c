"""The reminder trial's figures (analytics.trials) from the crafted trial (see conftest.py)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.trials import reminder_trial
from reminders.models import ReminderVariant

from .conftest import NOT_QUERIES, NOW

OCTOBER = {"first_day": dt.date(2025, 10, 1), "last_day": dt.date(2025, 10, 31), "now": NOW}


def counts(report) -> list[tuple]:
    return [
        (
            row.variant_name,
            row.reference,
            row.appointments,
            row.reminded,
            row.attended,
            row.cancelled,
            row.missed,
            row.missed_rate,
        )
        for row in report.rows
    ]


def ratios(report) -> list:
    return [
        None
        if row.odds_ratio is None
        else (
            round(row.odds_ratio.estimate, 4),
            round(row.odds_ratio.ci_low, 4),
            round(row.odds_ratio.ci_high, 4),
            row.odds_ratio.corrected,
        )
        for row in report.rows
    ]


def test_each_variant_counts_its_appointments_in_london_days(trial):
    report = reminder_trial(**OCTOBER)

    assert counts(report) == [
        ("Standard", True, 10, 7, 6, 1, 3, 0.3333),
        ("Cost", False, 10, 9, 8, 1, 1, 0.1111),
        ("Plain", False, 2, 2, 2, 0, 0, 0.0),
        ("Unused", False, 0, 0, 0, 0, 0, None),
    ]


def test_each_variant_is_compared_with_the_first_by_its_odds_ratio(trial):
    report = reminder_trial(**OCTOBER)

    # Cost against Standard: (1 x 6) / (8 x 3) = 0.25, SE = sqrt(1 + 1/8 + 1/3 + 1/6) =
    # sqrt(1.625) = 1.274755, so exp(ln 0.25 -/+ 1.959964 x 1.274755) = 0.0206 to 3.0410.
    # Plain has a zero cell: (0.5 x 6.5) / (2.5 x 3.5) = 0.3714, SE = 1.685100: 0.0137 to
    # 10.0980. Unused has no appointments, so no ratio.
    assert ratios(report) == [
        None,
        (0.25, 0.0206, 3.041, False),
        (0.3714, 0.0137, 10.098, True),
        None,
    ]
    assert report.reference.variant_name == "Standard"
    assert report.corrected


def test_the_first_variant_is_the_reference_even_without_appointments(trial):
    report = reminder_trial(first_day=dt.date(2025, 10, 12), last_day=dt.date(2025, 10, 13))

    assert counts(report)[0] == ("Standard", True, 0, 0, 0, 0, 0, None)
    assert counts(report)[2] == ("Plain", False, 2, 2, 2, 0, 0, 0.0)
    assert ratios(report) == [None, None, None, None]


def test_without_a_start_every_allocated_appointment_up_to_the_end_counts(trial):
    report = reminder_trial(last_day=dt.date(2025, 11, 1), now=NOW)

    # Standard gains 1 November 00:00 GMT and Cost 30 September 23:30 BST: both still active
    # after their end, so missed (and both reminded).
    assert [row[:7] for row in counts(report)] == [
        ("Standard", True, 11, 8, 6, 1, 4),
        ("Cost", False, 11, 10, 8, 1, 2),
        ("Plain", False, 2, 2, 2, 0, 0),
        ("Unused", False, 0, 0, 0, 0, 0),
    ]
    assert report.first_day is None


def test_the_last_day_defaults_to_today_in_london(trial):
    assert reminder_trial(now=NOW).last_day == dt.date(2025, 11, 15)


def test_the_figures_take_three_queries_the_variants_and_two_aggregates(trial):
    with CaptureQueriesContext(connection) as captured:
        report = reminder_trial(**OCTOBER)

    statements = [query["sql"] for query in captured.captured_queries]
    assert len([sql for sql in statements if not sql.startswith(NOT_QUERIES)]) == 3, statements
    assert len(report.rows) == ReminderVariant.objects.count() == 4


@pytest.mark.parametrize(
    ("days", "field", "code"),
    [
        ((dt.date(2025, 10, 2), dt.date(2025, 10, 1)), "to", "date_order"),
        ((dt.date(1899, 12, 31), dt.date(2025, 10, 1)), "from", "date_range"),
        ((None, dt.date(3000, 1, 1)), "to", "date_range"),
    ],
)
def test_bad_ranges_are_refused(db, days, field, code):
    first_day, last_day = days
    with pytest.raises(ValidationError) as raised:
        reminder_trial(first_day=first_day, last_day=last_day)

    assert raised.value.error_dict[field][0].code == code
