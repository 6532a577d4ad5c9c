import datetime as dt
import os
import subprocess
import sys
import zoneinfo

import pytest
from django.conf import settings

from panda_project.reminder_timing import (
    parse_offsets,
    parse_quiet_hours,
    parse_rate,
    parse_seconds,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")


def test_offsets_are_read_in_minutes_hours_and_days_longest_first():
    assert parse_offsets("1d, 7d,90m,2H") == (
        dt.timedelta(days=7),
        dt.timedelta(days=1),
        dt.timedelta(hours=2),
        dt.timedelta(minutes=90),
    )


@pytest.mark.parametrize("value", ["", "5", "5w", "0d", "-1d", "1.5d", "1d,,2d", "1d,24h"])
def test_a_bad_offset_is_refused(value):
    with pytest.raises(ValueError):
        parse_offsets(value)


def test_quiet_hours_across_midnight_end_in_the_morning():
    quiet = parse_quiet_hours("21:00-08:00")
    evening = dt.datetime(2030, 1, 10, 22, 30, tzinfo=LONDON)
    small_hours = dt.datetime(2030, 1, 11, 3, 0, tzinfo=LONDON)
    morning = dt.datetime(2030, 1, 11, 8, 0, tzinfo=LONDON)
    assert quiet.end_after(evening) == morning
    assert quiet.end_after(small_hours) == morning
    assert quiet.end_after(morning) == morning  # the end itself is not quiet
    assert not quiet.contains(dt.datetime(2030, 1, 11, 20, 59, tzinfo=LONDON))


def test_quiet_hours_end_at_local_time_across_the_clocks_change():
    quiet = parse_quiet_hours("21:00-08:00")
    # The clocks go forward at 01:00 GMT on 31 March 2030: 08:00 that morning is 07:00 UTC.
    night = dt.datetime(2030, 3, 30, 23, 0, tzinfo=dt.UTC)
    assert quiet.end_after(night) == dt.datetime(2030, 3, 31, 7, 0, tzinfo=dt.UTC)


def test_quiet_hours_within_one_day():
    quiet = parse_quiet_hours("12:00-14:00")
    assert quiet.end_after(dt.datetime(2030, 1, 10, 13, 0, tzinfo=LONDON)) == dt.datetime(
        2030, 1, 10, 14, 0, tzinfo=LONDON
    )
    assert not quiet.contains(dt.datetime(2030, 1, 10, 23, 0, tzinfo=LONDON))


def test_empty_quiet_hours_are_none():
    assert parse_quiet_hours("") is None
    assert parse_quiet_hours("  ") is None


@pytest.mark.parametrize("value", ["21:00", "21-08", "25:00-08:00", "08:00-08:00", "9pm-8am"])
def test_bad_quiet_hours_are_refused(value):
    with pytest.raises(ValueError):
        parse_quiet_hours(value)


@pytest.mark.parametrize("value", ["0", "-5", "fast", "1.5"])
def test_a_bad_rate_is_refused(value):
    with pytest.raises(ValueError):
        parse_rate(value)


@pytest.mark.parametrize("value", ["0", "-5", "2m", "1.5", ""])
def test_a_bad_number_of_seconds_is_refused(value):
    with pytest.raises(ValueError):
        parse_seconds(value)


def test_seconds_are_read_as_a_time():
    assert parse_seconds(" 120 ") == dt.timedelta(minutes=2)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PANDA_REMINDER_OFFSETS", "5w", "PANDA_REMINDER_OFFSETS: '5w' is not an offset"),
        ("PANDA_REMINDER_QUIET_HOURS", "late", "PANDA_REMINDER_QUIET_HOURS: 'late' is not a span"),
        ("PANDA_REMINDER_SENDER", "pigeon", "PANDA_REMINDER_SENDER must be console, email or"),
        ("PANDA_REMINDER_RECOVER_AFTER", "2m", "PANDA_REMINDER_RECOVER_AFTER: '2m' is not a time"),
        ("PANDA_TASKS_BACKEND", "celery", "PANDA_TASKS_BACKEND must be db or rq"),
        ("PANDA_REMINDER_SENDER", "notify", "PANDA_REMINDER_SENDER=notify needs"),
    ],
)
def test_a_bad_reminder_setting_refuses_to_start_with_a_clear_message(variable, value, message):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PANDA_")}
    environment |= {"DJANGO_SETTINGS_MODULE": "panda_project.settings.test", variable: value}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert f"ImproperlyConfigured: {message}" in result.stderr
