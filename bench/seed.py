"""Fill a database quickly with realistic-looking patients and appointments, for the benchmarks.

Rows are built as plain tuples, never model instances, and go in as a DBA would load a table:
with ``COPY`` on PostgreSQL and ``executemany`` elsewhere, in one transaction, the tables'
secondary indexes dropped for the load and then rebuilt from their own definitions
(``panda_project.bulk.bulk_load``; the primary keys, unique and check constraints stay and are
enforced during the load; PostgreSQL's foreign keys are set aside and checked once at the end),
SQLite's name-search table rebuilt once at the end
and the rollup's triggers set aside (the rollup is then empty: ``manage.py stats_rollup`` builds
it). The data is deterministic for a given size, so two runs measure the same database; see
docs/performance.md for the times at a million patients and ten million appointments.
"""

import contextlib
import datetime as dt
import functools
import itertools
import random
import sys
import uuid

from django.db import connection, transaction
from django.utils import timezone

from analytics import rollup
from appointments.models import Appointment, Overlap, State
from clinicians.models import Clinician, Department
from panda_project.bulk import bulk_load, converter
from patients.models import Language, Patient, ReminderChannel
from patients.names import name_search_key
from patients.search import name_search_deferred

from .fakedata import (
    CLINICIANS,
    DEPARTMENTS,
    DURATIONS,
    FIRST_NAMES,
    LAST_NAMES,
    POSTCODES,
    SEED_NHS_START,
    nhs_numbers,
)

BATCH = 20_000

PATIENT_FIELDS = (
    "nhs_number",
    "name",
    "name_search",
    "date_of_birth",
    "postcode",
    "phone",
    "email",
    "reminder_channel",
    "language",
    "created_at",
    "updated_at",
)
APPOINTMENT_FIELDS = (
    "id",
    "patient",
    "starts_at",
    "duration",
    "ends_at",
    "clinician",
    "department",
    "postcode",
    "site",
    "state",
    "attended_at",
    "cancelled_at",
    # seeded rows may overlap, as imported history may: they are not held to the booking rule
    "overlap",
    "created_at",
    "updated_at",
)


def _batches(rows, size: int = BATCH):
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _progress(label: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r  seeding {label}: {done:,}/{total:,}")
        if done >= total:
            sys.stderr.write("\n")


def seed(patients: int, appointments: int, now: dt.datetime | None = None) -> dict:
    """Empty PANDA's tables and fill them with ``patients`` and ``appointments`` rows."""
    now = (now or timezone.now()).replace(microsecond=0)
    rng = random.Random(20260)
    with transaction.atomic():
        Appointment.objects.all().delete()
        Patient.objects.all().delete()
        Clinician.objects.all().delete()
        Department.objects.all().delete()
        departments = Department.objects.bulk_create(Department(name=n) for n in DEPARTMENTS)
        clinicians = Clinician.objects.bulk_create(
            Clinician(name=f"Dr {FIRST_NAMES[i]} {LAST_NAMES[-i]}") for i in range(CLINICIANS)
        )
    # One transaction: the rows' pages are written once, at the commit (committing batch by
    # batch wrote again the random-keyed pages of the appointments' primary key at every commit:
    # 27 GB for the first 1.2 GB of ten million appointments). The name-search table and the
    # rollup's marks are made once at the end rather than by a trigger per row.
    with (
        _bulk_load(),
        bulk_load(Patient, Appointment, defer_indexes=True),
        name_search_deferred(),
        _rollup_triggers_dropped(),
    ):
        _raise_limits()  # bulk_load's own are smaller; these stay for its index builds
        insert_rows(Patient, PATIENT_FIELDS, _patients(patients, now), "patients", patients)
        context = {
            "patient_ids": list(Patient.objects.order_by("id").values_list("id", flat=True)),
            "clinician_ids": [c.pk for c in clinicians],
            "department_ids": [d.pk for d in departments],
        }
        rows = (_appointment(rng, context, now) for _ in range(appointments))
        insert_rows(Appointment, APPOINTMENT_FIELDS, rows, "appointments", appointments)
    analyse()
    return {"patients": patients, "appointments": appointments}


def _patients(count: int, now: dt.datetime):
    keys = {}
    numbers = nhs_numbers(SEED_NHS_START)
    created = now - dt.timedelta(days=400)
    birth = dt.date(1930, 1, 1)
    first, last = FIRST_NAMES, LAST_NAMES
    for i in range(count):
        name = f"{first[i % len(first)]} {last[(i * 7) % len(last)]}"
        key = keys.get(name) or keys.setdefault(name, name_search_key(name))
        stamp = created + dt.timedelta(seconds=i)
        yield (
            next(numbers),
            name,
            key,
            birth + dt.timedelta(days=(i * 7919) % 33000),
            POSTCODES[i % len(POSTCODES)],
            "",
            "",
            ReminderChannel.AUTO.value,
            Language.EN.value,
            stamp,
            stamp,
        )


def _appointment(rng: random.Random, context: dict, now: dt.datetime, future: bool = False):
    """One appointment's values, in APPOINTMENT_FIELDS' order: two years back, half a year
    ahead; 70 % of past ones attended, 10 % cancelled, the rest missed."""
    days = rng.uniform(1, 180) if future else rng.uniform(-730, 180)
    starts_at = _quarter_hour(int((now.timestamp() + days * 86400) // 900))
    duration = rng.choice(DURATIONS)
    ends_at = starts_at + duration
    appointment_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    patient_id = rng.choice(context["patient_ids"])
    clinician_id = rng.choice(context["clinician_ids"])
    department_id = rng.choice(context["department_ids"])
    postcode = rng.choice(POSTCODES)
    state, attended_at, cancelled_at = State.ACTIVE.value, None, None
    roll = rng.random()
    if not future and ends_at <= now and roll < 0.7:
        state, attended_at = State.ATTENDED.value, starts_at
    elif roll > 0.9 and not future:
        state, cancelled_at = State.CANCELLED.value, min(now, starts_at)
    return (
        appointment_id,
        patient_id,
        starts_at,
        duration,
        ends_at,
        clinician_id,
        department_id,
        postcode,
        None,
        state,
        attended_at,
        cancelled_at,
        Overlap.IMPORTED.value,
        min(now, starts_at) - dt.timedelta(days=7),
        now,
    )


@functools.cache
def _quarter_hour(quarters: int) -> dt.datetime:
    """The start of a quarter of an hour, counted from the epoch (the same few thousand, made
    once each)."""
    return dt.datetime.fromtimestamp(quarters * 900, dt.UTC)


def _memoised(convert):
    """``convert`` remembering its results (for the dates and durations, which repeat)."""
    if convert is None:
        return None
    return functools.cache(convert)


def future_appointments(count: int, seed: int) -> list[str]:
    """Add ``count`` active appointments in the future (for cancelling); return their ids.

    Runs beside a serving PANDA, so its indexes stay in place."""
    rng = random.Random(seed)
    context = {
        "patient_ids": list(Patient.objects.values_list("id", flat=True)[:1000]),
        "clinician_ids": list(Clinician.objects.values_list("id", flat=True)),
        "department_ids": list(Department.objects.values_list("id", flat=True)),
    }
    now = timezone.now().replace(microsecond=0)
    rows = [_appointment(rng, context, now, future=True) for _ in range(count)]
    insert_rows(Appointment, APPOINTMENT_FIELDS, rows)
    return [str(row[0]) for row in rows]


def insert_rows(model, fields, rows, label: str = "", total: int = 0) -> None:
    """Insert tuples of Python values (in ``fields``' order) into ``model``'s table, as the ORM
    would store them, without building model instances: COPY on PostgreSQL, executemany in
    batches of BATCH rows elsewhere, each its own transaction unless the caller holds one."""
    fields = [model._meta.get_field(name) for name in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    done = 0
    if connection.vendor == "postgresql":
        # psycopg adapts datetimes, intervals and UUIDs itself.
        copy_sql = f"COPY {table} ({columns}) FROM STDIN"
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(copy_sql) as copy,
        ):
            for done, row in enumerate(rows, start=1):
                copy.write_row(row)
                if label and not done % BATCH:
                    _progress(label, done, total)
        if label:
            _progress(label, total, total)
        return
    converters = [
        _memoised(converter(field))
        if field.get_internal_type() in ("DateTimeField", "DurationField")
        else converter(field)
        for field in fields
    ]
    plain = [index for index, convert in enumerate(converters) if convert is None]
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
    for batch in _batches(rows):
        if len(plain) < len(fields):
            batch = [
                tuple(
                    value if convert is None or value is None else convert(value)
                    for value, convert in zip(row, converters, strict=True)
                )
                for row in batch
            ]
        # Inside the caller's transaction, no savepoint per batch: SQLite would journal the
        # original of every page each batch changes, to be able to roll the batch back alone.
        own = contextlib.nullcontext() if connection.in_atomic_block else transaction.atomic()
        with own, connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        done += len(batch)
        if label:
            _progress(label, done, total)


def _raise_limits() -> None:
    """A large page cache on SQLite, more memory for building indexes on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB
        elif connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '512MB'")


@contextlib.contextmanager
def _bulk_load():
    """The connection's settings for a bulk load (``_raise_limits``), restored afterwards."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            (previous,) = cursor.fetchone()
        _raise_limits()
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(previous)}")
    elif connection.vendor == "postgresql":
        _raise_limits()
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET maintenance_work_mem")
    else:
        yield


@contextlib.contextmanager
def _rollup_triggers_dropped():
    """The rollup's triggers dropped for the load (on SQLite, one upsert per row) and created
    again after it, which empties the rollup: ``manage.py stats_rollup`` builds it."""
    rollup.drop_triggers()
    yield
    rollup.install_triggers()


def analyse() -> None:
    """Refresh the planner's statistics, as a DBA would after a bulk load (on PostgreSQL a
    VACUUM too, which lets index-only scans skip the table)."""
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":  # MariaDB analyses named tables only
            tables = ", ".join(
                connection.ops.quote_name(model._meta.db_table) for model in (Patient, Appointment)
            )
            cursor.execute(f"ANALYZE TABLE {tables}")
            cursor.fetchall()
        else:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
