"""How PANDA's reads scale: the same calls on a small and a large database, in process.

    python bench/scale.py --patients 1000000 --appointments 2000000

Seeds (or reuses) both databases (SQLite under bench/data/, or PostgreSQL databases named after
DATABASE_URL's with the size appended), then times each call through Django's test client with
the production settings: the median of --repeat calls after a warm-up, the calls taking turns, and
the median of --rounds such runs, small and large taking turns. Writes
bench/results/scale-<database>.json and .md and prints the table.

The calls: one patient, page 1, a filtered page, pages at 90 % depth, name search, the
missed-appointment statistics (monthly per department and per clinician, daily over a year) and
a booking. The statistics are measured in their steady state: each child builds the rollup (as
``stats_rollup`` does, a day at a time) before timing, so no call rolls up days lazily. Each
booking takes a free slot: a new patient and hour after the latest appointment the database
holds (from 2031 on, past every seeded one), so it never meets the no-double-bookings rule;
bookings stay, and the next run starts after them.
"""

import argparse
import datetime as dt
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import RESULTS, SECRET, sized_database_url  # noqa: E402

WINDOW_DAYS = 7


def measure(args) -> dict:
    """Runs in a child process configured for one database."""
    from bench.run import ensure_database, setup_django

    setup_django(args.url)
    ensure_database(args.url, argparse.Namespace(reuse=True, **vars(args)))
    from django.db import connection
    from django.db.models import Max
    from django.test import Client
    from django.utils import timezone

    from appointments.models import Appointment
    from clinicians.models import Clinician, Department
    from panda_project.api.pagination import CursorPagination
    from patients.models import Patient

    started, cpu = time.perf_counter(), time.process_time()
    _build_rollup()
    rollup = {"wall_s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu}

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    rng = random.Random(1)
    total = Patient.objects.count()
    first_id = Patient.objects.order_by("id").values_list("id", flat=True).first()
    numbers = [
        number
        for number in (
            Patient.objects.filter(id=first_id + rng.randrange(total))
            .values_list("nhs_number", flat=True)
            .first()
            for _ in range(args.repeat + 5)
        )
        if number
    ]
    deep = int(total * 0.9)
    deep_id = Patient.objects.order_by("id").values_list("id", flat=True)[deep]
    from rest_framework.pagination import Cursor

    paginator = CursorPagination()
    paginator.base_url = "/api/v1/patients/"
    deep_cursor = paginator.encode_cursor(Cursor(offset=0, reverse=False, position=str(deep_id)))
    now = timezone.now()
    after = (now - dt.timedelta(days=60)).isoformat().replace("+", "%2B")
    before = (now - dt.timedelta(days=60 - WINDOW_DAYS)).isoformat().replace("+", "%2B")
    window = f"status=missed&starts_after={after}&starts_before={before}"
    stats = "/api/v1/stats/missed-appointments/"
    year_ago = (timezone.localdate() - dt.timedelta(days=364)).isoformat()
    booking = _bookings(
        numbers,
        list(Clinician.objects.order_by("id").values_list("id", flat=True)),
        Department.objects.order_by("id").values_list("id", flat=True).first(),
        Appointment.objects.aggregate(latest=Max("starts_at"))["latest"],
    )
    calls = {
        "get_patient": lambda i: f"/api/v1/patients/{numbers[i % len(numbers)]}/",
        "list_page_1 (limit/offset, with count)": lambda i: "/api/v1/patients/",
        "list_page_1 (cursor)": lambda i: "/api/v1/patients/?cursor=",
        f"appointments missed in {WINDOW_DAYS} days (limit/offset)": lambda i: (
            f"/api/v1/appointments/?{window}"
        ),
        f"appointments missed in {WINDOW_DAYS} days (cursor)": lambda i: (
            f"/api/v1/appointments/?{window}&cursor="
        ),
        "name search 'olivia smi' (limit/offset)": lambda i: "/api/v1/patients/?name=olivia+smi",
        "name search 'olivia smi' (cursor)": lambda i: "/api/v1/patients/?name=olivia+smi&cursor=",
        "page at 90% depth (offset)": lambda i: f"/api/v1/patients/?offset={deep}",
        "page at 90% depth (cursor)": lambda i: deep_cursor,
        "statistics: monthly per department, 12 months": lambda i: (
            f"{stats}?group_by=department&period=month"
        ),
        "statistics: monthly per clinician, 12 months": lambda i: (
            f"{stats}?group_by=clinician&period=month"
        ),
        "statistics: daily per department, a year": lambda i: (
            f"{stats}?group_by=department&period=day&from={year_ago}"
        ),
        "book an appointment (POST)": booking,
    }
    if args.only:
        calls = {name: path for name, path in calls.items() if args.only in name}

    def call(name: str, i: int):
        request = calls[name](i)
        if isinstance(request, str):
            return client.get(request), 200
        return client.post("/api/v1/appointments/", request, content_type="application/json"), 201

    for name in calls:
        for i in range(3):
            response, expected = call(name, i)
            assert response.status_code == expected, (name, response.status_code, response.content)
    # The calls take turns, so that a burst of load on a shared machine falls on all of them.
    samples = {name: [] for name in calls}
    cpu = {name: [] for name in calls}
    for i in range(args.repeat):
        for name in calls:
            connection.ensure_connection()
            server = _server_cpu_ns(connection)
            started, cpu_started = time.perf_counter(), time.process_time()
            response, expected = call(name, i)
            samples[name].append((time.perf_counter() - started) * 1000)
            used = time.process_time() - cpu_started
            if server:
                # The same backend still (CONN_MAX_AGE), or the server's part is unknown.
                after = _server_cpu_ns(connection)
                used += (after[1] - server[1]) / 1e9 if after and after[0] == server[0] else 0
            cpu[name].append(used * 1000)
            assert response.status_code == expected, (name, response.status_code, response.content)
    connection.close()
    return {
        "patients": total,
        "appointments": Appointment.objects.count(),
        "vendor": connection.vendor,
        "rollup": rollup,
        "ms": {name: statistics.median(values) for name, values in samples.items()},
        "cpu_ms": {name: statistics.median(values) for name, values in cpu.items()},
    }


def _build_rollup() -> None:
    """What ``manage.py stats_rollup`` does, a day at a time: over ten million appointments,
    PostgreSQL plans the command's one query for every day as a nested loop that compares
    each appointment with each day (over 6 minutes without finishing), where a day's query
    reads that day's range of the index."""
    from django.utils import timezone

    from analytics import rollup
    from appointments.models import Appointment

    rollup.install_triggers()
    now = timezone.now()
    first = Appointment.objects.order_by("starts_at").values_list("starts_at", flat=True).first()
    if first is None:
        return
    day, last = timezone.localdate(first, rollup.LONDON), rollup.last_closed_day(now)
    while day <= last:
        rollup.rollup_refresh(day, day, now, limit=1)
        day += rollup.ONE_DAY


def _server_cpu_ns(connection) -> tuple[int, int] | None:
    """On PostgreSQL on this machine, (the backend's pid, the CPU time it has used in ns), from
    /proc/<pid>/schedstat; None elsewhere."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return None
    pid = connection.connection.info.backend_pid
    try:
        return pid, int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError):
        return None


def _bookings(numbers: list[str], clinicians: list[int], department: int, latest):
    """Each call's booking: its own patient, clinician and hour, after every appointment the
    database holds, so that none clashes with another (the no-double-bookings rule)."""
    start = max(latest, dt.datetime(2031, 1, 1, tzinfo=dt.UTC)) + dt.timedelta(days=1)
    start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    count = itertools.count()

    def booking(i: int) -> dict:
        slot = next(count)
        return {
            "patient": numbers[slot % len(numbers)],
            "starts_at": (start + dt.timedelta(hours=slot)).isoformat(),
            "duration": "45m",
            "clinician": clinicians[slot % len(clinicians)],
            "department": department,
            "postcode": "SW1A 1AA",
        }

    return booking


def run_child(url: str, patients: int, appointments: int, repeat: int, only: str) -> dict:
    command = [
        sys.executable,
        __file__,
        "--measure",
        url,
        f"--patients={patients}",
        f"--appointments={appointments}",
        f"--repeat={repeat}",
        f"--only={only}",
    ]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if output.returncode:
        sys.stderr.write(output.stderr)
        raise SystemExit(f"measuring {url} failed")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--appointments", type=int, default=2_000_000)
    parser.add_argument("--small-patients", type=int, default=10_000)
    parser.add_argument("--small-appointments", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="Only the calls whose name holds this.")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        args.url = args.measure
        del args.measure
        print(json.dumps(measure(args)))
        return 0
    # Small and large take turns too, --rounds times; each figure is the median of the rounds'.
    rounds = {"small": [], "large": []}
    for _ in range(args.rounds):
        for size, patients, appointments in (
            ("small", args.small_patients, args.small_appointments),
            ("large", args.patients, args.appointments),
        ):
            url = sized_database_url("scale", patients, appointments)
            rounds[size].append(run_child(url, patients, appointments, args.repeat, args.only))
    small, large = (
        {
            **runs[0],
            **{
                key: {name: statistics.median(r[key][name] for r in runs) for name in runs[0][key]}
                for key in ("ms", "cpu_ms")
            },
        }
        for runs in (rounds["small"], rounds["large"])
    )
    lines = [
        f"{large['vendor']}: {small['patients']:,} patients / {small['appointments']:,} "
        f"appointments vs {large['patients']:,} / {large['appointments']:,} (median of "
        f"{args.rounds} rounds of {args.repeat} calls each, taking turns, through the test "
        "client, production settings; CPU is the process's own plus, on PostgreSQL, its "
        "server backend's, from /proc/<pid>/schedstat). Rollup built before timing: "
        + ", ".join(
            f"{size} {r['rollup']['wall_s']:.1f} s"
            for size, runs in rounds.items()
            for r in runs[:1]
        )
        + " (first round; later rounds find it built).",
        "",
        "| Call | small ms | large ms | large/small | small CPU ms | large CPU ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, ms in large["ms"].items():
        lines.append(
            f"| {name} | {small['ms'][name]:.2f} | {ms:.2f} | {ms / small['ms'][name]:.1f} "
            f"| {small['cpu_ms'][name]:.2f} | {large['cpu_ms'][name]:.2f} |"
        )
    offset, cursor = "page at 90% depth (offset)", "page at 90% depth (cursor)"
    page_1 = large["ms"].get("list_page_1 (limit/offset, with count)")
    if page_1 and offset in large["ms"]:
        lines += [
            "",
            f"Deep page / page 1 on the large database: offset "
            f"{large['ms'][offset] / page_1:.1f}×, cursor "
            f"{large['ms'][cursor] / large['ms']['list_page_1 (cursor)']:.1f}× "
            "(against page 1 of the same kind).",
        ]
    table = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"scale-{large['vendor']}" + ("-only" if args.only else "")
    (RESULTS / f"{name}.json").write_text(
        json.dumps({"small": small, "large": large, "rounds": rounds}, indent=2)
    )
    (RESULTS / f"{name}.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("SECRET_KEY", SECRET)
    os.environ.setdefault("PANDA_ERASURE_KEY", SECRET)
    sys.exit(main())
