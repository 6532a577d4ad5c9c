"""The client's example data, imported, gives the missed counts that the files themselves give."""

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from analytics.selectors import missed_appointments
from appointments.importer import import_appointments, import_patients, read_rows

DATA = Path(settings.BASE_DIR) / "data"


def _minutes(text: str) -> int:
    """ "1h30m" -> 90, read here without PANDA's own parser."""
    hours, minutes = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?", text).groups()
    return int(hours or 0) * 60 + int(minutes or 0)


def _expected_missed(now: dt.datetime) -> Counter:
    """Missed by department, from the file: marked missed, or still active after its end."""
    rows = json.loads((DATA / "example_appointments.json").read_text())
    missed = Counter()
    for row in rows:
        ends = dt.datetime.fromisoformat(row["time"]) + dt.timedelta(
            minutes=_minutes(row["duration"])
        )
        if row["status"] == "missed" or (row["status"] == "active" and ends <= now):
            missed[row["department"]] += 1
    return missed


def test_imported_example_data_gives_the_missed_counts_of_the_files(db):
    now = timezone.now()
    import_patients(read_rows(DATA / "example_patients.json"))
    report = import_appointments(read_rows(DATA / "example_appointments.json"), now=now)
    assert report.counts["rejected"] == 0

    figures = missed_appointments(
        group_by="department",
        period="month",
        first_day=dt.date(2000, 1, 1),
        last_day=dt.date(2049, 12, 31),
        now=now,
    )

    counted = Counter()
    for row in figures.rows:
        counted[row.group_name] += row.missed
    expected = _expected_missed(now)
    assert +counted == expected
    assert sum(expected.values()) > 10  # the files do hold missed appointments to compare
