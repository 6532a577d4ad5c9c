"""When reminders are due: the reminder settings (offsets, quiet hours, rate), parsed and applied.

Pure functions of their arguments, so that the settings can parse with them before Django
is set up, and refuse to start on a bad value.
"""

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

_OFFSET = re.compile(r"^([0-9]+)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def parse_offsets(value: str) -> tuple[dt.timedelta, ...]:
    """``"5d,1d"`` → (5 days, 1 day), longest first; ValueError on anything else.

    Units are m (minutes), h (hours) and d (days); each offset is positive, and none repeats.
    """
    offsets = []
    for item in value.split(","):
        match = _OFFSET.match(item.strip().lower())
        if not match or int(match.group(1)) == 0:
            raise ValueError(
                f"{item.strip()!r} is not an offset: write a positive whole number of minutes, "
                f'hours or days, such as "90m", "2h" or "7d".'
            )
        offsets.append(dt.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))}))
    if len(set(offsets)) != len(offsets):
        raise ValueError("The same offset is given twice.")
    return tuple(sorted(offsets, reverse=True))


@dataclass(frozen=True)
class QuietHours:
    """A daily span of local time, ``start`` to ``end`` (crossing midnight when end < start)."""

    start: dt.time
    end: dt.time
    zone: dt.tzinfo

    def contains(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.zone).time()
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def end_after(self, moment: dt.datetime) -> dt.datetime:
        """The end of the quiet hours ``moment`` falls in (``moment`` itself if it falls in
        none), as an aware time: local wall-clock, so right across daylight-saving changes."""
        if not self.contains(moment):
            return moment
        local = moment.astimezone(self.zone)
        day = local.date()
        if local.time() >= self.end and self.start > self.end:
            day += dt.timedelta(days=1)  # in the evening part: they end tomorrow morning
        return dt.datetime.combine(day, self.end, tzinfo=self.zone).astimezone(dt.UTC)


def parse_quiet_hours(value: str, zone: str = "Europe/London") -> QuietHours | None:
    """``"21:00-08:00"`` → QuietHours in ``zone``; an empty value → None (no quiet hours)."""
    if not value.strip():
        return None
    parts = value.strip().split("-")
    clocks = [_CLOCK.match(part.strip()) for part in parts]
    if len(parts) != 2 or not all(clocks) or parts[0].strip() == parts[1].strip():
        raise ValueError(
            f'{value!r} is not a span of quiet hours: write it as "21:00-08:00" (24-hour clock, '
            f"start and end different), or leave it empty for none."
        )
    start, end = (dt.time(int(c.group(1)), int(c.group(2))) for c in clocks)
    return QuietHours(start=start, end=end, zone=zoneinfo.ZoneInfo(zone))


def parse_rate(value: str) -> int:
    """Messages a minute: a positive whole number."""
    if not value.strip().isdigit() or int(value) <= 0:
        raise ValueError(f"{value!r} is not a rate: write a positive number of messages a minute.")
    return int(value)


def parse_seconds(value: str) -> dt.timedelta:
    """A positive whole number of seconds."""
    if not value.strip().isdigit() or int(value) <= 0:
        raise ValueError(f"{value!r} is not a time: write a positive number of seconds.")
    return dt.timedelta(seconds=int(value))
