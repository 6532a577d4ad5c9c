"""Seed many appointments quickly and time the missed-appointment figures over them.

For a database of its own, never one with real data::

    DATABASE_URL=sqlite:////tmp/panda_stats_bench.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/panda_stats_bench.sqlite3 \\
        python manage.py stats_benchmark --seed 1000000

    createdb -h 127.0.0.1 -U postgres panda_stats_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/panda_stats_bench python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/panda_stats_bench \\
        python manage.py stats_benchmark --seed 1000000

``--all`` times every grouping by every period, unfiltered and filtered by one department and
by one clinician (27 cases); ``--direct-repeat 0`` leaves out the direct query, which takes
seconds a case at a large size. A benchmark harness can call ``seed_appointments`` and
``time_missed_report`` directly. The
appointments are inserted in batches of many rows, without the services (and so without the
audit trail): this is load for the analytics, not a record of anything.
"""

import datetime as dt
import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import orjson
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from appointments.models import Appointment, Overlap, State
from clinicians.models import Clinician, Department
from organisations.models import Organisation, Site
from panda_project.bulk import bulk_load, insert_rows
from patients.fake import random_nhs_number
from patients.models import Patient

from .rollup import bypassed
from .views import MissedAppointmentsView

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
DURATIONS = [dt.timedelta(minutes=m) for m in (15, 20, 30, 45, 60, 90)]
PREFIX = "Benchmark"


def _named(model, count: int, make: Callable[[int], dict]) -> list:
    """``count`` rows of ``model`` named "Benchmark …", reusing those already there."""
    existing = list(model.objects.filter(name__startswith=PREFIX).order_by("pk")[:count])
    missing = [model(**make(i)) for i in range(len(existing), count)]
    return existing + model.objects.bulk_create(missing)


def _reference_data(rng: random.Random, patients: int) -> dict:
    organisation = _named(Organisation, 1, lambda i: {"name": f"{PREFIX} Trust"})[0]
    taken = set(Patient.objects.values_list("nhs_number", flat=True))
    new_patients = []
    while len(new_patients) + Patient.objects.count() < patients:
        number = random_nhs_number(rng)
        if number not in taken:
            taken.add(number)
            new_patients.append(
                Patient(
                    nhs_number=number,
                    name=f"{PREFIX} patient {number}",
                    name_search=f"benchmark patient {number}",
                    date_of_birth=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(25000)),
                    postcode="LS1 4AP",
                )
            )
    Patient.objects.bulk_create(new_patients, batch_size=5000)
    return {
        "patients": list(Patient.objects.values_list("pk", flat=True)[:patients]),
        "departments": _named(Department, 12, lambda i: {"name": f"{PREFIX} department {i}"}),
        "clinicians": _named(Clinician, 200, lambda i: {"name": f"{PREFIX} clinician {i}"}),
        "sites": _named(
            Site, 20, lambda i: {"name": f"{PREFIX} site {i}", "organisation": organisation}
        ),
    }


COLUMNS = (
    "id",
    "patient",
    "starts_at",
    "duration",
    "ends_at",
    "clinician",
    "department",
    "site",
    "postcode",
    "state",
    "attended_at",
    "cancelled_at",
    "overlap",
    "created_at",
    "updated_at",
)


def _appointment(rng: random.Random, refs: dict, start: dt.datetime, minutes: int, now) -> tuple:
    """One appointment's column values, in COLUMNS' order."""
    starts_at = start + dt.timedelta(minutes=rng.randrange(minutes // 15) * 15)
    duration = rng.choice(DURATIONS)
    state, attended_at, cancelled_at = State.ACTIVE, None, None
    chance = rng.random()
    if chance < 0.1:
        state, cancelled_at = State.CANCELLED, min(now, starts_at)
    elif chance < 0.8 and starts_at < now:
        state, attended_at = State.ATTENDED, starts_at
    site = rng.choice(refs["sites"]) if rng.random() < 0.8 else None
    return (
        uuid.UUID(int=rng.getrandbits(128), version=4),
        rng.choice(refs["patients"]),
        starts_at,
        duration,
        starts_at + duration,
        rng.choice(refs["clinicians"]),
        rng.choice(refs["departments"]),
        site,
        "LS1 4AP",
        state,
        attended_at,
        cancelled_at,
        Overlap.IMPORTED.value,  # history as imported: not held to the booking rule
        now,
        now,
    )


def seed_appointments(
    total: int,
    *,
    first_day: dt.date = YEAR[0],
    last_day: dt.date = YEAR[1],
    batch_size: int = 100_000,
    seed: int = 4,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add appointments until the database holds ``total``, spread over ``first_day`` to
    ``last_day``: 12 departments, 200 clinicians, 20 sites, a patient per 50 appointments;
    10% cancelled, about 70% of the past ones attended, the rest missed. Returns how many
    were added."""
    existing = Appointment.objects.count()
    missing = total - existing
    if missing <= 0:
        return 0
    # Seeded by what is there too, so that a resumed run makes new ids.
    rng = random.Random(f"{seed}:{existing}")
    found = _reference_data(rng, patients=max(total // 50, 1))
    refs = {name: [getattr(row, "pk", row) for row in rows] for name, rows in found.items()}
    start = dt.datetime.combine(first_day, dt.time(7), tzinfo=dt.UTC)
    minutes = (last_day - first_day + dt.timedelta(days=1)).days * 24 * 60
    now, added = timezone.now(), 0
    # One transaction, the appointments' secondary indexes built once at the end
    # (``panda_project.bulk``): random start times and ids inserted into live indexes cost
    # most of a large load.
    with bulk_load(Appointment, defer_indexes=True):
        while added < missing:
            size = min(batch_size, missing - added)
            rows = [_appointment(rng, refs, start, minutes, now) for _ in range(size)]
            insert_rows(Appointment, list(COLUMNS), rows)
            added += size
            if progress:
                progress(added)
    _refresh_statistics()
    return added


def _refresh_statistics() -> None:
    """After a bulk load, PostgreSQL's planner statistics and visibility map are stale until
    autovacuum comes round; without the map, an index-only scan still visits the table."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Appointment._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: list[float]
    groups: int
    cpu: list[float] = ()
    rows: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def median_cpu(self) -> float:
        """This process's CPU time (the database's too, for SQLite, which runs in it)."""
        return statistics.median(self.cpu) if self.cpu else 0.0


def time_missed_report(
    query: dict, *, repeat: int = 5, label: str = "", host: str = "testserver"
) -> Timing:
    """Time GET /api/v1/stats/missed-appointments/ with ``query``, in process, ``repeat``
    times after one warm-up: the whole request, from the query string to the JSON body."""
    factory, view = APIRequestFactory(), MissedAppointmentsView.as_view()
    seconds, cpu, body = [], [], None
    with override_settings(ALLOWED_HOSTS=[host]):
        for attempt in range(repeat + 1):
            request = factory.get("/api/v1/stats/missed-appointments/", query, HTTP_HOST=host)
            began, began_cpu = time.perf_counter(), time.process_time()
            response = view(request)
            response.render()
            elapsed = time.perf_counter() - began
            used = time.process_time() - began_cpu
            if response.status_code != 200:
                raise RuntimeError(f"{query}: status {response.status_code}: {response.content}")
            body = response.content
            if attempt or not repeat:  # the first one warms the caches
                seconds.append(elapsed)
                cpu.append(used)
    results = orjson.loads(body)["results"]
    groups = len({row["group"]["id"] for row in results})
    return Timing(label or str(query), seconds, groups, cpu, len(results))


STANDARD_CASES = [
    ("year, monthly, per department", {"group_by": "department", "period": "month"}),
    ("year, monthly, per clinician", {"group_by": "clinician", "period": "month"}),
    ("year, weekly, per site", {"group_by": "site", "period": "week"}),
    ("year, daily, per department", {"group_by": "department", "period": "day"}),
    (
        "year, monthly, one department",
        {"group_by": "clinician", "period": "month", "department": "first"},
    ),
]


def all_cases() -> list[tuple[str, dict]]:
    """Every grouping (clinician, department, site) by every period (month, week, day), without
    a filter and filtered by one department and by one clinician."""
    filters = [("", {}), (", one department", {"department": "first"})]
    filters.append((", one clinician", {"clinician": "first"}))
    adverbs = {"month": "monthly", "week": "weekly", "day": "daily"}
    return [
        (
            f"year, {adverbs[period]}, per {group_by}{label}",
            {"group_by": group_by, "period": period} | where,
        )
        for period in ("month", "week", "day")
        for group_by in ("clinician", "department", "site")
        for label, where in filters
    ]


def standard_timings(
    repeat: int = 5, cases: list[tuple[str, dict]] | None = None, direct_repeat: int | None = None
) -> list[tuple[Timing, Timing | None]]:
    """A year of monthly figures per department (the figure to watch), and heavier ones (or
    ``cases``): each from the rollup and straight from the appointments (``direct_repeat``
    times, 0 for not at all), one after the other."""
    year = {"from": YEAR[0].isoformat(), "to": YEAR[1].isoformat()}
    firsts = {"department": _first(Department), "clinician": _first(Clinician)}
    direct_repeat = repeat if direct_repeat is None else direct_repeat
    timings = []
    for label, query in cases or STANDARD_CASES:
        query = year | {
            name: firsts[name] if value == "first" else value for name, value in query.items()
        }
        rolled = time_missed_report(query, repeat=repeat, label=label)
        direct = None
        if direct_repeat:
            with bypassed():
                direct = time_missed_report(query, repeat=direct_repeat, label=label)
        timings.append((rolled, direct))
    return timings


def analyse_rollup() -> None:
    """Fresh planner statistics for the rollup's tables after building them, as autovacuum
    would give them on PostgreSQL (and ANALYZE on SQLite)."""
    from .models import DayFigures, PeriodFigures, RolledUpDay, RolledUpPeriod

    tables = [
        connection.ops.quote_name(model._meta.db_table)
        for model in (DayFigures, PeriodFigures, RolledUpDay, RolledUpPeriod)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        else:
            cursor.execute(f"ANALYZE TABLE {', '.join(tables)}")
            cursor.fetchall()


def _first(model) -> int:
    found = model.objects.filter(name__startswith=PREFIX).order_by("pk").first()
    return found.pk if found else 1
