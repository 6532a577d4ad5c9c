"""Timestamps: every one that comes in must carry a real-world UTC offset."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

# The offsets in use in the real world run from -12:00 (Baker Island) to +14:00 (Kiribati).
MIN_OFFSET = dt.timedelta(hours=-12)
MAX_OFFSET = dt.timedelta(hours=14)


# A "+" sent unencoded in a query string arrives as a space: "…T16:00:00 01:00". After a time,
# a space and an offset's digits can mean nothing else, so the "+" is put back.
_SPACE_FOR_PLUS = re.compile(r"(.*\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?) (\d{2}(?::?\d{2})?)")


def restore_plus(value: str) -> str:
    """``value`` with a space before a UTC offset read as the "+" it was sent as."""
    match = _SPACE_FOR_PLUS.fullmatch(value) if len(value) <= 64 else None
    return f"{match.group(1)}+{match.group(2)}" if match else value


def parse_aware_datetime(value: str) -> dt.datetime:
    """Parse ISO 8601 text with an offset into an aware UTC datetime, or raise ValidationError."""
    try:
        parsed = parse_datetime(value.strip()) if isinstance(value, str) else None
    except ValueError:  # well formed, but no such date or time, e.g. 2023-02-30
        raise ValidationError(
            _("This date or time does not exist."), code="datetime_invalid"
        ) from None
    if parsed is None:
        raise ValidationError(
            _("Enter a date and time in ISO 8601 with a UTC offset: 2025-06-04T16:30:00+01:00."),
            code="datetime_format",
        )
    return ensure_aware(parsed)


def ensure_aware(value: dt.datetime) -> dt.datetime:
    """Refuse naive datetimes and impossible offsets; return the instant in UTC."""
    offset = value.utcoffset()
    if offset is None:
        raise ValidationError(
            _("This timestamp has no time zone: add a UTC offset such as +00:00 or Z."),
            code="timezone_required",
        )
    if not MIN_OFFSET <= offset <= MAX_OFFSET:
        raise ValidationError(
            _("A UTC offset must be between -12:00 and +14:00."), code="offset_out_of_range"
        )
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValidationError(
            _("This date and time is outside the supported range."), code="datetime_out_of_range"
        ) from None
