import datetime as dt
import re

from analytics.charts import TICK_SPACING, _gridlines, _nice_top, axis_labels, trend_chart
from analytics.selectors import MICROSECONDS_A_MINUTE, MissedReport, Period

JANUARY = Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
FEBRUARY = Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28))


def report(name: str) -> MissedReport:
    # February: 4 booked, 1 attended, 1 cancelled, 2 missed, 60 minutes lost.
    figures = {7: [(7, 1, 4, 1, 1, 2, 60 * MICROSECONDS_A_MINUTE)]}
    return MissedReport("department", "month", [JANUARY, FEBRUARY], [(7, name)], figures)


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


def periods(first: dt.date, count: int, days: int) -> list[Period]:
    starts = [first + dt.timedelta(days=days * i) for i in range(count)]
    return [Period(start, start + dt.timedelta(days=days - 1)) for start in starts]


def months(first_year: int, count: int) -> list[Period]:
    starts = [dt.date(first_year + i // 12, i % 12 + 1, 1) for i in range(count)]
    return [Period(start, start) for start in starts]


def test_month_labels_are_spaced_out_with_the_year_where_it_changes():
    days = [period.start for period in months(2018, 36)]  # Jan 2018 to Dec 2020
    labels = axis_labels("month", days, plot_width=680)
    assert labels == [
        (0, "Jan", "2018"),
        (4, "May", ""),
        (8, "Sep", ""),
        (12, "Jan", "2019"),
        (16, "May", ""),
        (20, "Sep", ""),
        (24, "Jan", "2020"),
        (28, "May", ""),
        (32, "Sep", ""),
    ]


def test_weekly_labels_carry_the_year_and_never_come_closer_than_the_tick_spacing():
    days = [period.start for period in periods(dt.date(2024, 12, 2), 260, 7)]
    labels = axis_labels("week", days, plot_width=680)
    assert labels[:3] == [(0, "2 Dec", "2024"), (26, "2 Jun", "2025"), (52, "1 Dec", "")]
    assert len(labels) == 10
    spacing = 680 / 259 * 26
    assert spacing >= TICK_SPACING


def test_every_label_in_the_svg_is_at_least_the_tick_spacing_from_the_next():
    report = MissedReport("department", "day", periods(dt.date(2025, 1, 1), 365, 1), [], {})
    svg = str(trend_chart(report, "missed"))
    xs = [float(x) for x in re.findall(r'<text x="([0-9.]+)" y="288"', svg)]
    assert len(xs) == 10
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) >= TICK_SPACING
    assert '<tspan x="56.0" dy="14">2025</tspan>' in svg


def test_a_sparse_rate_is_one_connected_line_through_its_values():
    weeks = periods(dt.date(2025, 1, 6), 52, 7)
    lost = 30 * MICROSECONDS_A_MINUTE
    figures = {7: [(7, index, 2, 1, 0, 1, lost) for index in range(0, 52, 10)]}
    report = MissedReport("department", "week", weeks, [(7, "renal")], figures)
    svg = str(trend_chart(report, "missed_rate"))
    assert svg.count("<polyline") == 1
    points = re.search(r'<polyline points="([^"]+)"', svg).group(1).split()
    assert len(points) == 6  # weeks 0, 10, 20, 30, 40 and 50, joined up
    assert svg.count("<circle") == 6
