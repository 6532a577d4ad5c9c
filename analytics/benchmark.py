"""Seed many appointments quickly and time the missed-appointment figures over them.

For a database of its own, never one with real data::

    DATABASE_URL=sqlite:////tmp/panda_stats_bench.sqlite3 python manage.py migrate
    DATABASE_URL=sqlite:////tmp/panda_stats_bench.sqlite3 \\
        python manage.py stats_benchmark --seed 1000000

    createdb -h 127.0.0.1 -U postgres panda_stats_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/panda_stats_bench python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/panda_stats_bench \\
        python manage.py stats_benchmark --seed 1000000

A benchmark harness can call ``seed_appointments`` and ``time_missed_report`` directly. The
appointments are bulk-inserted in batches, without the services (and so without the audit
trail): this is load for the analytics, not a record of anything.
"""

import datetime as dt
import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from appointments.models import Appointment, State
from clinicians.models import Clinician, Department
from organisations.models import Organisation, Site
from patients.fake import random_nhs_number
from patients.models import Patient

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


def _appointment(rng: random.Random, refs: dict, start: dt.datetime, seconds: int, now):
    starts_at = start + dt.timedelta(minutes=rng.randrange(seconds // 60 // 15) * 15)
    duration = rng.choice(DURATIONS)
    appointment = Appointment(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),
        patient_id=rng.choice(refs["patients"]),
        starts_at=starts_at,
        duration=duration,
        ends_at=starts_at + duration,
        clinician=rng.choice(refs["clinicians"]),
        department=rng.choice(refs["departments"]),
        site=rng.choice(refs["sites"]) if rng.random() < 0.8 else None,
        postcode="LS1 4AP",
    )
    chance = rng.random()
    if chance < 0.1:
        appointment.state, appointment.cancelled_at = State.CANCELLED, min(now, starts_at)
    elif chance < 0.8 and starts_at < now:
        appointment.state, appointment.attended_at = State.ATTENDED, starts_at
    return appointment


def seed_appointments(
    total: int,
    *,
    first_day: dt.date = YEAR[0],
    last_day: dt.date = YEAR[1],
    batch_size: int = 10_000,
    seed: int = 4,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Add appointments until the database holds ``total``, spread over ``first_day`` to
    ``last_day``: 12 departments, 200 clinicians, 20 sites, a patient per 50 appointments;
    10% cancelled, about 70% of the past ones attended, the rest missed. Returns how many
    were added."""
    rng = random.Random(seed)
    missing = total - Appointment.objects.count()
    if missing <= 0:
        return 0
    refs = _reference_data(rng, patients=max(total // 50, 1))
    start = dt.datetime.combine(first_day, dt.time(7), tzinfo=dt.UTC)
    seconds = int((last_day - first_day + dt.timedelta(days=1)).total_seconds())
    now, added = timezone.now(), 0
    while added < missing:
        size = min(batch_size, missing - added)
        batch = [_appointment(rng, refs, start, seconds, now) for _ in range(size)]
        with transaction.atomic():
            Appointment.objects.bulk_create(batch)
        added += size
        if progress:
            progress(added)
    return added


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: list[float]
    groups: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def time_missed_report(
    query: dict, *, repeat: int = 5, label: str = "", host: str = "testserver"
) -> Timing:
    """Time GET /api/v1/stats/missed-appointments/ with ``query``, in process, ``repeat``
    times after one warm-up: the whole request, from the query string to the JSON body."""
    factory, view = APIRequestFactory(), MissedAppointmentsView.as_view()
    seconds, body = [], None
    with override_settings(ALLOWED_HOSTS=[host]):
        for attempt in range(repeat + 1):
            request = factory.get("/api/v1/stats/missed-appointments/", query, HTTP_HOST=host)
            began = time.perf_counter()
            response = view(request)
            response.render()
            elapsed = time.perf_counter() - began
            if response.status_code != 200:
                raise RuntimeError(f"{query}: status {response.status_code}: {response.content}")
            body = response.data
            if attempt:  # the first one warms the caches
                seconds.append(elapsed)
    groups = len({row["group"]["id"] for row in body["results"]})
    return Timing(label or str(query), seconds, groups)


def standard_timings(repeat: int = 5) -> list[Timing]:
    """A year of monthly figures per department (the figure to watch), and heavier ones."""
    year = {"from": YEAR[0].isoformat(), "to": YEAR[1].isoformat()}
    cases = [
        ("year, monthly, per department", {"group_by": "department", "period": "month"}),
        ("year, monthly, per clinician", {"group_by": "clinician", "period": "month"}),
        ("year, weekly, per site", {"group_by": "site", "period": "week"}),
        ("year, daily, per department", {"group_by": "department", "period": "day"}),
        (
            "year, monthly, one department",
            {"group_by": "clinician", "period": "month", "department": _first_department()},
        ),
    ]
    return [time_missed_report(year | query, repeat=repeat, label=label) for label, query in cases]


def _first_department() -> int:
    department = Department.objects.filter(name__startswith=PREFIX).order_by("pk").first()
    return department.pk if department else 1
