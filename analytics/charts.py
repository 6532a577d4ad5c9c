"""A line chart drawn on the server as SVG: no JavaScript, no CDN, nothing to download."""

import math
from collections import defaultdict
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy

from .selectors import MissedReport

# Colour-blind-safe (Okabe and Ito), in the order the lines take them.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
MAX_LINES = len(COLOURS)
METRICS = {
    "missed": gettext_lazy("Missed appointments"),
    "missed_rate": gettext_lazy("Missed rate (%)"),
    "minutes_lost": gettext_lazy("Clinician minutes lost"),
}
WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 48


@dataclass(frozen=True)
class Line:
    label: str
    colour: str
    values: list[float | None]


def metric_value(figures, metric: str) -> float | None:
    if metric == "missed_rate":
        return None if figures.missed_rate is None else round(figures.missed_rate * 100, 1)
    return getattr(figures, metric)


def report_lines(report: MissedReport, metric: str, no_group: str = "(no site)") -> list[Line]:
    """One line per group, most missed first, at most MAX_LINES. A period without appointments
    is 0 for counts and a gap for the rate."""
    index = {period.start: i for i, period in enumerate(report.periods)}
    empty = None if metric == "missed_rate" else 0
    values, missed, labels = defaultdict(lambda: [empty] * len(index)), defaultdict(int), {}
    for figures in report.rows:
        key = figures.group_id
        labels[key] = figures.group_name if key is not None else no_group
        values[key][index[figures.period.start]] = metric_value(figures, metric)
        missed[key] += figures.missed
    keys = sorted(values, key=lambda key: (-missed[key], labels[key].casefold()))[:MAX_LINES]
    return [
        Line(labels[key], colour, values[key]) for key, colour in zip(keys, COLOURS, strict=False)
    ]


def trend_chart(report: MissedReport, metric: str) -> SafeString:
    """The chart of ``metric`` for each group over the report's periods, as inline SVG."""
    lines = report_lines(report, metric)
    labels = [period.start for period in report.periods]
    highest = max((v for line in lines for v in line.values if v is not None), default=0)
    top = _nice_top(highest)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return round(LEFT + i * step, 1)

    def y(value: float) -> float:
        return round(TOP + plot_height - value / top * plot_height, 1)

    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>'
        '<text x="{}" y="{}" text-anchor="end" class="tick">{}</text>',
        (
            (LEFT, y(value), WIDTH - RIGHT, y(value), LEFT - 6, y(value) + 4, _number(value))
            for value in _gridlines(top)
        ),
    )
    every = max(1, len(labels) // 12)
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle" class="tick">{}</text>',
        (
            (x(i), HEIGHT - BOTTOM + 16, _period_label(report.period, day))
            for i, day in enumerate(labels)
            if i % every == 0
        ),
    )
    paths = format_html_join("", "{}", ((_path(line, x, y),) for line in lines))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}" class="missed-chart"><title>{}</title>{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        METRICS[metric],
        METRICS[metric],
        grid,
        ticks,
        paths,
    )


def _nice_top(value: float) -> float:
    """A round top for the y axis: 1, 2, 5, 10, 20, 50..."""
    top = 1.0
    while top < value:
        top = top * 2.5 if str(top).startswith("2") else top * 2
    return top


def _gridlines(top: float) -> list[float]:
    """Round steps up to ``top``: fifths of 1, 5, 10, 50..., quarters of 2, 20, 200..."""
    parts = 4 if f"{top:g}".startswith("2") else 5
    return [top * k / parts for k in range(parts + 1)]


def _number(value: float) -> str:
    return f"{value:g}"


def _period_label(period: str, day) -> str:
    return f"{day:%b %Y}" if period == "month" else f"{day.day} {day:%b}"


def _path(line: Line, x, y) -> SafeString:
    """A polyline per run of known values (the rate has gaps), with a dot on each value."""
    runs, current = [], []
    for i, value in enumerate(line.values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(f"{x(i)},{y(value)}")
    if current:
        runs.append(current)
    polylines = format_html_join(
        "",
        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>',
        ((" ".join(run), line.colour) for run in runs),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}: {}</title></circle>',
        (
            (x(i), y(value), line.colour, line.label, _number(value))
            for i, value in enumerate(line.values)
            if value is not None
        ),
    )
    return format_html('<g class="series">{}{}</g>', polylines, dots)


# The reminder trial (analytics.trials): the missed rate per variant as bars, and each odds
# ratio with its interval on a log scale against the reference (a forest plot).
ROW_HEIGHT, LABEL_WIDTH = 32, 200
LOG_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)


def trial_chart(report) -> SafeString:
    """The trial's figures as inline SVG: per variant, a bar of its missed rate and, beside it,
    its odds ratio of missing against the reference with the 95% interval (log scale)."""
    rows = report.rows
    height = TOP + ROW_HEIGHT * max(len(rows), 1) + BOTTOM
    half = (WIDTH - LABEL_WIDTH - RIGHT) // 2
    bars_left, forest_left = LABEL_WIDTH, LABEL_WIDTH + half + 24
    forest_width = WIDTH - RIGHT - forest_left
    top_rate = _nice_top(max((row.missed_rate or 0) * 100 for row in rows) if rows else 0)
    low, high = _log_range(rows)

    def bar_x(rate: float) -> float:
        return round(bars_left + rate * 100 / top_rate * (half - 8), 1)

    def log_x(value: float) -> float:
        value = min(max(value, low), high)
        fraction = (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
        return round(forest_left + fraction * forest_width, 1)

    def row_y(i: int) -> float:
        return TOP + ROW_HEIGHT * i + ROW_HEIGHT / 2

    bottom = height - BOTTOM
    axes = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="grid"/>'
        '<text x="{}" y="{}" text-anchor="middle" class="tick">{}</text>',
        [
            (bar_x(v / 100), TOP, bar_x(v / 100), bottom, bar_x(v / 100), bottom + 16, f"{v:g}%")
            for v in _gridlines(top_rate)
        ]
        + [
            (log_x(v), TOP, log_x(v), bottom, log_x(v), bottom + 16, _number(v))
            for v in LOG_TICKS
            if low <= v <= high
        ],
    )
    titles = format_html(
        '<text x="{}" y="{}" class="tick">{}</text><text x="{}" y="{}" class="tick">{}</text>',
        bars_left,
        bottom + 34,
        gettext("Missed rate"),
        forest_left,
        bottom + 34,
        gettext("Odds ratio of missing (95% CI, log scale)"),
    )
    marks = format_html_join(
        "",
        "{}",
        (
            (_trial_row(row, row_y(i), COLOURS[i % len(COLOURS)], bar_x, log_x),)
            for i, row in enumerate(rows)
        ),
    )
    one = log_x(1)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}" class="trial-chart"><title>{}</title>{}{}'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="reference-line"/>{}</svg>',
        WIDTH,
        height,
        gettext("Reminder variants compared"),
        gettext("Reminder variants compared"),
        axes,
        titles,
        one,
        TOP,
        one,
        bottom,
        marks,
    )


def _log_range(rows) -> tuple[float, float]:
    """The smallest span of LOG_TICKS that holds 1 and every interval (within 0.01 to 100)."""
    values = [1.0]
    for row in rows:
        if row.odds_ratio is not None:
            values += [row.odds_ratio.ci_low, row.odds_ratio.ci_high]
    low = max([tick for tick in LOG_TICKS if tick <= max(min(values), LOG_TICKS[0])])
    high = min([tick for tick in LOG_TICKS if tick >= min(max(values), LOG_TICKS[-1])])
    return (low, high) if high > low else (0.5, 2)


def _trial_row(row, y: float, colour: str, bar_x, log_x) -> SafeString:
    label = format_html(
        '<text x="{}" y="{}" text-anchor="end" class="label">{}</text>',
        LABEL_WIDTH - 8,
        y + 4,
        row.variant_name,
    )
    rate = row.missed_rate
    bar = (
        format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}%</title></rect>',
            LABEL_WIDTH,
            y - 8,
            round(bar_x(rate) - LABEL_WIDTH, 1),
            16,
            colour,
            row.variant_name,
            _number(round(rate * 100, 1)),
        )
        if rate is not None
        else ""
    )
    ratio = row.odds_ratio
    if ratio is None:
        text = gettext("reference") if row.reference else "–"
        forest = format_html(
            '<text x="{}" y="{}" text-anchor="middle" class="tick">{}</text>',
            log_x(1),
            y - 10,
            text,
        )
    else:
        forest = format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"/>'
            '<rect x="{}" y="{}" width="8" height="8" fill="{}"><title>{}: {} ({}–{}){}</title>'
            "</rect>",
            log_x(ratio.ci_low),
            y,
            log_x(ratio.ci_high),
            y,
            colour,
            log_x(ratio.estimate) - 4,
            y - 4,
            colour,
            row.variant_name,
            f"{ratio.estimate:.2f}",
            f"{ratio.ci_low:.2f}",
            f"{ratio.ci_high:.2f}",
            "*" if ratio.corrected else "",
        )
    return format_html('<g class="variant">{}{}{}</g>', label, bar, forest)
