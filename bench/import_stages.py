"""Where an import's time goes per row, stage by stage, against the time a target allows:

    python bench/import_files.py --patients 100000 --appointments 1000000
    python bench/import_stages.py --rows 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/panda python bench/import_stages.py

On a new database (SQLite under bench/data/, or DATABASE_URL's database with ``_import_stages``
added), with the production settings: migrates, imports the patients file, then takes the first
``--rows`` rows of the appointments file through the import's own steps, batch by batch, as a
first load does (one transaction, the secondary indexes set aside), and rolls them back. It times
each step in this process's CPU time:

- read: the rows parsed from the file;
- look-ups: each batch's patients by NHS number, and the clinicians and departments by name;
- checks: the row's fields, id, status, patient and its values parsed;
- validation: ``appointment_record_prepare``, the service every imported row goes through;
- insert: ``appointment_record_many`` (the values converted, the audit-trail rows made, and
  the rows sent), with the database's own part of it (``panda_project.bulk.insert_into``: on
  SQLite the inserting itself, which runs in this process; on PostgreSQL sending the ``COPY``).

What it leaves out: the overlap search, building the indexes again, and the patients. It
prints microseconds per row, and what the target (100,000 patients and 1,000,000 appointments
in 2 minutes) allows each row for everything.
"""

import argparse
import contextlib
import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import prepare_database, setup_django, sized_database_url  # noqa: E402

TARGET_SECONDS = 120
TARGET_ROWS = 1_100_000  # the patients and the appointments
NATIVE = "of which the database's part (insert_into)"


class _RolledBack(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--patients", type=Path, default=ROOT / "bench/data/import-patients-100000.json"
    )
    parser.add_argument(
        "--appointments", type=Path, default=ROOT / "bench/data/import-appointments-1000000.json"
    )
    parser.add_argument("--rows", type=int, default=100_000, help="Appointment rows to time.")
    args = parser.parse_args()
    for path in (args.patients, args.appointments):
        if not path.exists():
            parser.error(f"{path} does not exist: write it with bench/import_files.py")
    url = sized_database_url("import_stages", args.rows)
    setup_django(url)
    prepare_database(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from appointments.importer import import_patients, read_rows
    from panda_project.history import history_channel

    with history_channel("import"):
        print(import_patients(read_rows(args.patients)).summary())
    seconds, rows = _stages(read_rows(args.appointments), args.rows)
    print(f"\n{rows:,} appointment rows, µs per row (CPU of this process):")
    for stage, spent in seconds.items():
        print(f"  {stage:<44} {spent / rows * 1e6:7.1f}")
    total = sum(spent for stage, spent in seconds.items() if stage != NATIVE)
    print(f"  {'in all':<44} {total / rows * 1e6:7.1f}")
    print(
        f"The target allows {TARGET_SECONDS / TARGET_ROWS * 1e6:.0f} µs a row for everything "
        "(2 minutes for 1,100,000 rows)."
    )


def _stages(rows_read, wanted: int) -> tuple[dict[str, float], int]:
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils import timezone

    import panda_project.bulk as bulk
    from appointments.importer import BATCH_SIZE, ImportReport, _AppointmentBatch, _patients_named
    from appointments.models import Appointment
    from appointments.services import appointment_record_many, appointment_record_prepare
    from clinicians.services import clinician_get_or_create, department_get_or_create
    from panda_project.exceptions import Conflict
    from panda_project.history import history_channel

    seconds = dict.fromkeys(
        ["read", "look-ups", "checks", "validation (appointment_record_prepare)", "insert", NATIVE],
        0.0,
    )

    @contextlib.contextmanager
    def timed(stage: str):
        started = time.process_time()
        try:
            yield
        finally:
            seconds[stage] += time.process_time() - started

    insert_into = bulk.insert_into

    def timed_insert_into(*args, **kwargs):
        with timed(NATIVE):
            insert_into(*args, **kwargs)

    # The import's own batch, for its clinicians and departments by name and its checks.
    batch = _AppointmentBatch(ImportReport("appointments"), timezone.now(), created=None)
    done = 0
    bulk.insert_into = timed_insert_into
    try:
        with transaction.atomic(), history_channel("import"):
            with bulk.bulk_load(Appointment, defer_indexes=True):
                while done < wanted:
                    with timed("read"):
                        rows = list(itertools.islice(rows_read, min(BATCH_SIZE, wanted - done)))
                    if not rows:
                        break
                    with timed("look-ups"):
                        patients = _patients_named(rows)
                        for row in rows:
                            name, department = row["clinician"].strip(), row["department"].strip()
                            if name not in batch.clinicians:
                                batch.clinicians[name] = clinician_get_or_create(name=name)
                            if department not in batch.departments:
                                batch.departments[department] = department_get_or_create(
                                    name=department
                                )
                    with timed("checks"):
                        values = [batch._values(row, patients) for row in rows]
                    appointments = []
                    with timed("validation (appointment_record_prepare)"):
                        for value in values:
                            # A refused row is left out, as the import leaves it out.
                            with contextlib.suppress(ValidationError, Conflict):
                                appointments.append(appointment_record_prepare(**value))
                    with timed("insert"):
                        appointment_record_many(appointments)
                    done += len(rows)
            raise _RolledBack
    except _RolledBack:
        pass
    finally:
        bulk.insert_into = insert_into
    return seconds, done


if __name__ == "__main__":
    main()
