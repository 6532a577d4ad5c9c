"""The benchmarks' seeding (bench/seed.py) writes rows with raw SQL: every column the models
require must be in its lists, or `make bench` and bench/scale.py fail on their first row."""

import datetime as dt

import pytest

from appointments.models import Appointment
from bench.seed import seed
from patients.models import Patient

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_benchmark_seed_fills_every_required_column():
    now = dt.datetime(2026, 6, 4, 12, 0, tzinfo=dt.UTC)

    assert seed(30, 60, now=now) == {"patients": 30, "appointments": 60}

    assert Patient.objects.count() == 30
    assert set(Patient.objects.values_list("language", "reminder_channel")) == {("en", "auto")}
    assert Appointment.objects.count() == 60
    assert set(Appointment.objects.values_list("overlap", flat=True)) == {"imported"}
