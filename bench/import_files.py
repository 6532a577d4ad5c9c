"""Write import files in the exchange format, of any size, for timing ``import_panda``:

    python bench/import_files.py --patients 100000 --appointments 1000000 --out bench/data

Rows are written as they are made, so the files can be far larger than memory.
"""

import argparse
import datetime as dt
import json
import random
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fakedata import DURATIONS, FIRST_NAMES, LAST_NAMES, POSTCODES, nhs_numbers  # noqa: E402

STATUSES = ["attended"] * 6 + ["cancelled", "missed", "active", "active"]
# A clinician for every 2,000 appointments (500 for a million, over two and a half years: a
# couple of appointments a day each), so that overlaps are as rare as in a real diary. With one
# clinician list for any size, a million appointments overlapped more often than not.
APPOINTMENTS_PER_CLINICIAN = 2000
DEPARTMENTS = ["cardiology", "dermatology", "oncology", "orthopaedics", "paediatrics", "renal"]


def write_array(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("[")
        for index, row in enumerate(rows):
            handle.write(("," if index else "") + json.dumps(row, ensure_ascii=False))
        handle.write("]")


def patients(count: int):
    numbers = nhs_numbers(300_000_000)
    for i in range(count):
        yield {
            "nhs_number": next(numbers),
            "name": f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[i * 7 % len(LAST_NAMES)]}",
            "date_of_birth": (
                dt.date(1930, 1, 1) + dt.timedelta(days=i * 7919 % 33000)
            ).isoformat(),
            "postcode": POSTCODES[i % len(POSTCODES)],
        }


def clinicians(count: int) -> list[str]:
    names = (f"{first} {last}" for last in LAST_NAMES for first in FIRST_NAMES)
    return list(_take(names, max(1, min(count, len(FIRST_NAMES) * len(LAST_NAMES)))))


def appointments(count: int, patient_count: int, rng: random.Random):
    numbers = list(_take(nhs_numbers(300_000_000), patient_count))
    names = clinicians(count // APPOINTMENTS_PER_CLINICIAN)
    today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    for _ in range(count):
        status = rng.choice(STATUSES)
        days = rng.uniform(-700, -1) if status in ("attended", "missed") else rng.uniform(-700, 180)
        if status == "active":
            days = rng.uniform(1, 180)
        # Clinic hours: a quarter-hour slot from 08:00 to 17:45.
        slot = dt.timedelta(hours=8, minutes=15 * rng.randrange(40))
        starts_at = today + dt.timedelta(days=round(days)) + slot
        yield {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "patient": rng.choice(numbers),
            "status": status,
            "time": starts_at.isoformat(),
            "duration": f"{int(rng.choice(DURATIONS).total_seconds() // 60)}m",
            "clinician": rng.choice(names),
            "department": rng.choice(DEPARTMENTS),
            "postcode": rng.choice(POSTCODES),
        }


def _take(iterator, count: int):
    for _ in range(count):
        yield next(iterator)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--appointments", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("bench/data"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    write_array(args.out / f"import-patients-{args.patients}.json", patients(args.patients))
    write_array(
        args.out / f"import-appointments-{args.appointments}.json",
        appointments(args.appointments, args.patients, rng),
    )


if __name__ == "__main__":
    main()
