"""How long erasing patients takes on a database of N patients: one patient, 50 patients one
call each (as "Delete selected" did), and 50 patients in one call of the erasure service.

    python bench/erase.py --patients 100000          # seed bench/data/erase-100000.sqlite3
    python bench/erase.py --patients 100000 --erase  # measure (erases 101 patients)

The database is seeded as ``bench/purge.py`` seeds its own (SQLite under bench/data/, or
DATABASE_URL's server with ``_erase_N`` appended to the database's name). Before patients
migration 0006, most of an erasure's time on SQLite was the merge ('optimize') of the FTS5
name-search index, once per call.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import purge  # noqa: E402
from bench.run import sized_database_url  # noqa: E402


def timed(label: str, erase) -> None:
    started = time.perf_counter()
    erase()
    print(f"{label}: {time.perf_counter() - started:.2f} s")


def measure() -> None:
    from data_rights.services import patients_erase
    from patients.models import Patient

    ids = list(Patient.objects.order_by("pk").values_list("pk", flat=True)[:101])
    timed("one patient, one call", lambda: patients_erase(patient_ids=ids[:1], channel="command"))
    timed(
        "50 patients, one call each",
        lambda: [patients_erase(patient_ids=[pk], channel="command") for pk in ids[1:51]],
    )
    timed("50 patients, one call", lambda: patients_erase(patient_ids=ids[51:], channel="command"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--erase", action="store_true", help="Erase in the seeded database.")
    args = parser.parse_args()
    purge.setup(sized_database_url("erase", args.patients))
    from patients.models import Patient

    if not args.erase:
        purge.seed(args.patients)
    print("patients:", Patient.objects.count())
    if args.erase:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        measure()
    return 0


if __name__ == "__main__":
    sys.exit(main())
