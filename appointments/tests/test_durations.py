import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from appointments.durations import format_duration, parse_duration_text


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1h30m", 90),
        ("45m", 45),
        ("2h", 120),
        ("15m", 15),
        ("PT1H30M", 90),
        ("pt45m", 45),
        ("PT2H", 120),
        ("90m", 90),
        ("24h", 1440),
    ],
)
def test_durations_are_read_in_the_exchange_format_and_iso_8601(text, minutes):
    assert parse_duration_text(text) == dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0m", "duration_not_positive"),
        ("PT0M", "duration_not_positive"),
        ("0h0m", "duration_not_positive"),
        ("24h1m", "duration_too_long"),
        ("P2D", "duration_too_long"),
        ("", "duration_format"),
        ("PT", "duration_format"),
        ("90", "duration_format"),
        ("1.5h", "duration_format"),
        ("-30m", "duration_format"),
        ("1h 30m", "duration_format"),
        ("m", "duration_format"),
        ("PT30S", "duration_format"),
    ],
)
def test_bad_durations_are_refused(text, code):
    with pytest.raises(ValidationError) as error:
        parse_duration_text(text)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("minutes", "text"), [(90, "1h30m"), (60, "1h"), (45, "45m"), (120, "2h"), (1440, "24h")]
)
def test_durations_are_written_as_hours_and_minutes(minutes, text):
    assert format_duration(dt.timedelta(minutes=minutes)) == text
