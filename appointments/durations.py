"""Durations as the exchange format writes them: "1h30m", "45m", or ISO 8601 "PT1H30M"."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_DURATION = dt.timedelta(hours=24)
_SHORT = re.compile(r"^(?:(?P<hours>\d{1,4})h)?(?:(?P<minutes>\d{1,5})m)?$")
_ISO = re.compile(
    r"^P(?:(?P<days>\d{1,3})D)?(?:T(?:(?P<hours>\d{1,4})H)?(?:(?P<minutes>\d{1,5})M)?)?$"
)


def parse_duration_text(value: str) -> dt.timedelta:
    """Parse a duration in whole minutes, greater than zero and at most 24 hours."""
    text = value.strip() if isinstance(value, str) else ""
    match = (
        (_SHORT.match(text.lower()) or _ISO.match(text.upper()))
        if text not in ("", "P", "PT")
        else None
    )
    if not match:
        raise ValidationError(
            _('Enter a duration such as "1h30m", "45m" or "PT1H30M".'), code="duration_format"
        )
    parts = {name: int(part) for name, part in match.groupdict().items() if part}
    return validate_duration(dt.timedelta(**parts))


def validate_duration(value: dt.timedelta) -> dt.timedelta:
    if value <= dt.timedelta(0):
        raise ValidationError(
            _("A duration must be longer than zero."), code="duration_not_positive"
        )
    if value > MAX_DURATION:
        raise ValidationError(_("A duration can be 24 hours at most."), code="duration_too_long")
    if value % dt.timedelta(minutes=1):
        raise ValidationError(_("A duration is a whole number of minutes."), code="duration_format")
    return value


def format_duration(value: dt.timedelta) -> str:
    """90 minutes -> "1h30m"; 60 -> "1h"; 45 -> "45m"."""
    hours, minutes = divmod(int(value.total_seconds()) // 60, 60)
    return (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes or not hours else "")
