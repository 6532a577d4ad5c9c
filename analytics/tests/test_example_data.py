"""The client's example data, imported, gives the missed counts that the files themselves give."""

import datetime as dt
from collections import Counter
from pathlib import Path

from django.conf import settings

from analytics.selectors import missed_appointments
from appointments.importer import import_appointments, import_patients, read_rows

DATA = Path(settings.BASE_DIR) / "data"


# Missed by department in the example file, worked out by hand: the rows marked missed, and the
# rows still active after their end (every row of the file is in the past).
EXPECTED_MISSED = Counter(
    {"orthopaedics": 28, "oncology": 16, "paediatrics": 8, "gastroentology": 7}
)
AFTER_THE_FILE = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def test_imported_example_data_gives_the_missed_counts_of_the_files(db):
    now = AFTER_THE_FILE
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
    assert +counted == EXPECTED_MISSED
