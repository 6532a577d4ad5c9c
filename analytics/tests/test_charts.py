import datetime as dt

from analytics.charts import _gridlines, _nice_top, trend_chart
from analytics.selectors import MissedFigures, MissedReport, Period

JANUARY = Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
FEBRUARY = Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28))


def report(name: str) -> MissedReport:
    row = MissedFigures(
        7, name, FEBRUARY, booked=4, attended=1, cancelled=1, missed=2, minutes_lost=60
    )
    return MissedReport("department", "month", [JANUARY, FEBRUARY], [row])


def test_group_names_are_escaped_in_the_svg():
    svg = trend_chart(report('<script>alert("x")</script>'), "missed")

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_a_month_without_appointments_is_zero_for_counts_and_a_gap_for_the_rate():
    counts = trend_chart(report("renal"), "missed")
    rate = trend_chart(report("renal"), "missed_rate")

    assert counts.count("<circle") == 2
    assert rate.count("<circle") == 1
    assert "renal: 66.7" in rate


def test_the_axis_tops_are_round_numbers():
    assert [_nice_top(v) for v in (0, 1, 1.5, 3, 7, 12, 66.7, 101)] == [
        1,
        1,
        2,
        5,
        10,
        20,
        100,
        200,
    ]
    assert _gridlines(20) == [0, 5, 10, 15, 20]
    assert _gridlines(50) == [0, 10, 20, 30, 40, 50]
