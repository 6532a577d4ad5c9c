"""Fill a database quickly with realistic-looking patients and appointments, for the benchmarks.

Rows go in with ``bulk_create`` in batches inside transactions, never one save per row; the data
is deterministic for a given size, so two runs measure the same database.
"""

import datetime as dt
import itertools
import random
import sys
import uuid

from django.db import connection, transaction
from django.utils import timezone

from appointments.models import Appointment, State
from clinicians.models import Clinician, Department
from patients.models import Patient
from patients.names import name_search_key

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

BATCH = 5000


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
    keys = {}
    numbers = nhs_numbers(SEED_NHS_START)
    created = now - dt.timedelta(days=400)
    for done, batch in enumerate(_batches(range(patients)), start=1):
        rows = []
        for i in batch:
            name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i * 7) % len(LAST_NAMES)]}"
            key = keys.get(name) or keys.setdefault(name, name_search_key(name))
            stamp = created + dt.timedelta(seconds=i)
            rows.append(
                Patient(
                    nhs_number=next(numbers),
                    name=name,
                    name_search=key,
                    date_of_birth=dt.date(1930, 1, 1) + dt.timedelta(days=(i * 7919) % 33000),
                    postcode=POSTCODES[i % len(POSTCODES)],
                    created_at=stamp,
                    updated_at=stamp,
                )
            )
        with transaction.atomic():
            Patient.objects.bulk_create(rows)
        _progress("patients", min(done * BATCH, patients), patients)
    patient_ids = list(Patient.objects.order_by("id").values_list("id", flat=True))
    context = {
        "patient_ids": patient_ids,
        "clinician_ids": [c.pk for c in clinicians],
        "department_ids": [d.pk for d in departments],
    }
    for done, batch in enumerate(_batches(range(appointments)), start=1):
        rows = [_appointment(rng, context, now) for _ in batch]
        with transaction.atomic():
            Appointment.objects.bulk_create(rows)
        _progress("appointments", min(done * BATCH, appointments), appointments)
    analyse()
    return {"patients": patients, "appointments": appointments}


def _appointment(rng: random.Random, context: dict, now: dt.datetime, future: bool = False):
    days = rng.uniform(1, 180) if future else rng.uniform(-730, 180)
    starts_at = now + dt.timedelta(days=days)
    starts_at = starts_at.replace(minute=starts_at.minute // 15 * 15, second=0)
    duration = rng.choice(DURATIONS)
    appointment = Appointment(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),
        patient_id=rng.choice(context["patient_ids"]),
        starts_at=starts_at,
        duration=duration,
        ends_at=starts_at + duration,
        clinician_id=rng.choice(context["clinician_ids"]),
        department_id=rng.choice(context["department_ids"]),
        postcode=rng.choice(POSTCODES),
        created_at=min(now, starts_at) - dt.timedelta(days=7),
        updated_at=now,
    )
    roll = rng.random()
    if not future and appointment.ends_at <= now and roll < 0.7:
        appointment.state, appointment.attended_at = State.ATTENDED, starts_at
    elif roll > 0.9 and not future:
        appointment.state, appointment.cancelled_at = State.CANCELLED, min(now, starts_at)
    return appointment


def future_appointments(count: int, seed: int) -> list[str]:
    """Add ``count`` active appointments in the future (for cancelling); return their ids."""
    rng = random.Random(seed)
    context = {
        "patient_ids": list(Patient.objects.values_list("id", flat=True)[:1000]),
        "clinician_ids": list(Clinician.objects.values_list("id", flat=True)),
        "department_ids": list(Department.objects.values_list("id", flat=True)),
    }
    now = timezone.now().replace(microsecond=0)
    ids = []
    for batch in _batches(range(count)):
        rows = [_appointment(rng, context, now, future=True) for _ in batch]
        with transaction.atomic():
            Appointment.objects.bulk_create(rows)
        ids.extend(str(row.id) for row in rows)
    return ids


def analyse() -> None:
    """Refresh the planner's statistics, as a DBA would after a bulk load."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
