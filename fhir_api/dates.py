"""FHIR date search: a prefix and a date of any precision, turned into an SQL condition.

A search value stands for a range: ``2025`` is the whole year, ``2025-06-04`` the whole day (in
PANDA's time zone, Europe/London), ``2025-06-04T16:30:00+01:00`` the whole second. The target, a
birth date or an appointment's start, is compared with that range [low, high) as FHIR's prefix
table says; for a target that is a single point (or a single day, compared with whole days):

    eq  low <= t < high        ne  t < low or t >= high
    lt  t < low                gt  t >= high
    le  t < high               ge  t >= low
    eb  t < low                sa  t >= high

``ap`` (approximately) has no agreed meaning and is refused rather than guessed at.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from panda_project.timestamps import ensure_aware

from .errors import invalid, unsupported

PREFIXES = ("eq", "ne", "lt", "gt", "le", "ge", "sa", "eb")
UNSUPPORTED_PREFIXES = ("ap",)

_VALUE = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,6}))?)?"
    # A "+" sent unencoded in a query string arrives as a space: " 01:00" is read as "+01:00".
    r"(?P<zone>Z|[+ -]\d{2}:\d{2})?)?)?)?"
)


@dataclass(frozen=True)
class DateRange:
    """The range a search value stands for: [low, high), dates or aware datetimes."""

    low: dt.date | dt.datetime
    high: dt.date | dt.datetime
    has_time: bool


def split_prefix(value: str) -> tuple[str, str]:
    if value[:2] in PREFIXES:
        return value[:2], value[2:]
    if value[:2] in UNSUPPORTED_PREFIXES:
        raise unsupported(_("The date prefix “%(prefix)s” is not supported.") % {"prefix": "ap"})
    if value[:2].isalpha():
        raise invalid(
            _("“%(prefix)s” is not a date prefix: use one of %(prefixes)s.")
            % {"prefix": value[:2], "prefixes": ", ".join(PREFIXES)}
        )
    return "eq", value


def parse_range(text: str, name: str) -> DateRange:
    match = _VALUE.fullmatch(text)
    if not match:
        raise invalid(
            _(
                "%(name)s needs a date such as 2025, 2025-06, 2025-06-04 or "
                "2025-06-04T16:30:00+01:00 (send + as %%2B), after an optional prefix: "
                "%(prefixes)s, as in ge2025-06-01 (not >=2025-06-01)."
            )
            % {"name": name, "prefixes": ", ".join(PREFIXES)}
        )
    parts = match.groupdict()
    try:
        if parts["hour"] is None:
            return _day_range(parts)
        return _time_range(parts, name)
    except (ValueError, OverflowError):
        raise invalid(
            _("%(name)s: the date “%(value)s” does not exist or is out of range.")
            % {"name": name, "value": text}
        ) from None


def _day_range(parts: dict) -> DateRange:
    year = int(parts["year"])
    if parts["month"] is None:
        return DateRange(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), has_time=False)
    month = int(parts["month"])
    if parts["day"] is None:
        low = dt.date(year, month, 1)
        days = calendar.monthrange(year, month)[1]
        return DateRange(low, low + dt.timedelta(days=days), has_time=False)
    low = dt.date(year, month, int(parts["day"]))
    return DateRange(low, low + dt.timedelta(days=1), has_time=False)


def _time_range(parts: dict, name: str) -> DateRange:
    if parts["zone"] is None:
        raise invalid(
            _("%(name)s: a time needs a UTC offset, such as Z or +01:00.") % {"name": name}
        )
    zone = dt.UTC if parts["zone"] == "Z" else _offset(parts["zone"])
    fraction = parts["fraction"] or ""
    low = dt.datetime(
        int(parts["year"]),
        int(parts["month"]),
        int(parts["day"]),
        int(parts["hour"]),
        int(parts["minute"]),
        int(parts["second"] or 0),
        int(fraction.ljust(6, "0")) if fraction else 0,
        tzinfo=zone,
    )
    if fraction:
        step = dt.timedelta(microseconds=10 ** (6 - len(fraction)))
    elif parts["second"] is not None:
        step = dt.timedelta(seconds=1)
    else:
        step = dt.timedelta(minutes=1)
    try:
        low = ensure_aware(low)  # refuses offsets outside -12:00..+14:00
    except ValidationError as error:
        raise invalid(f"{name}: {' '.join(error.messages)}") from None
    return DateRange(low, low + step, has_time=True)


def _offset(text: str) -> dt.timezone:
    sign = -1 if text[0] == "-" else 1
    hours, minutes = int(text[1:3]), int(text[4:6])
    if minutes >= 60:
        raise ValueError(text)
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def date_condition(field: str, value: str, name: str, *, with_time: bool) -> Q:
    """The condition for one ``prefix+date`` value on ``field``.

    ``with_time`` says whether the field holds instants (an appointment's start) or dates (a
    birth date, which is searched by date only).
    """
    prefix, text = split_prefix(value)
    span = parse_range(text, name)
    low, high = span.low, span.high
    if with_time and not span.has_time:
        low, high = _start_of_day(low), _start_of_day(high)
    elif not with_time and span.has_time:
        raise invalid(_("%(name)s is searched by date, without a time.") % {"name": name})
    conditions = {
        "eq": Q(**{f"{field}__gte": low, f"{field}__lt": high}),
        "ne": Q(**{f"{field}__lt": low}) | Q(**{f"{field}__gte": high}),
        "lt": Q(**{f"{field}__lt": low}),
        "eb": Q(**{f"{field}__lt": low}),
        "gt": Q(**{f"{field}__gte": high}),
        "sa": Q(**{f"{field}__gte": high}),
        "le": Q(**{f"{field}__lt": high}),
        "ge": Q(**{f"{field}__gte": low}),
    }
    return conditions[prefix]
