"""How long ``purge_expired`` takes, and how much memory it holds, for N expired patients.

    python bench/purge.py --patients 100000          # seed bench/data/purge-100000.sqlite3
    /usr/bin/time -v python bench/purge.py --patients 100000 --purge

The seed step fills a fresh database (SQLite under bench/data/, or DATABASE_URL's server with
the size appended to the database's name) with N patients and 2N appointments, all ten years in
the past, each with the audit trail's "created" row, as a real database would hold them; then
``--purge`` runs ``manage.py purge_expired`` on it in this process, so that ``time -v`` reports
its peak memory. Prints the counts before and after and the wall-clock time of the purge.
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import SECRET, sized_database_url  # noqa: E402


def setup(url: str) -> None:
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="panda_project.settings.production",
        SECRET_KEY=SECRET,
        PANDA_ERASURE_KEY=SECRET,
        ALLOWED_HOSTS="localhost",
    )
    import django

    django.setup()


def history_rows(model) -> None:
    """One "created" row in the audit trail per row of ``model``, in one statement."""
    from django.db import connection

    history = model.history.model
    tracked = {field.column for field in history._meta.concrete_fields}
    columns = [f.column for f in model._meta.concrete_fields if f.column in tracked]
    quote = connection.ops.quote_name
    listed = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({listed}, history_date, "
            f"history_change_reason, history_type) SELECT {listed}, created_at, 'import', '+' "
            f"FROM {quote(model._meta.db_table)}"
        )


def seed(patients: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from appointments.models import Appointment
    from bench import seed as seeding
    from patients.models import Patient

    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    seeding.seed(patients, 2 * patients, now=timezone.now() - dt.timedelta(days=3653))
    with transaction.atomic():
        history_rows(Patient)
        history_rows(Appointment)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--purge", action="store_true", help="Purge the seeded database.")
    parser.add_argument("--batch-size", default="1000")
    args = parser.parse_args()
    setup(sized_database_url("purge", args.patients))
    from django.core.management import call_command

    from appointments.models import Appointment
    from patients.models import Patient

    if not args.purge:
        seed(args.patients)
    counts = (Patient.objects.count(), Appointment.objects.count(), Patient.history.count())
    print("before: patients, appointments, patient history rows:", *counts)
    if args.purge:
        started = time.perf_counter()
        call_command("purge_expired", "--batch-size", args.batch_size)
        print(f"purge_expired: {time.perf_counter() - started:.1f} s")
        counts = (Patient.objects.count(), Appointment.objects.count(), Patient.history.count())
        print("after: patients, appointments, patient history rows:", *counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
