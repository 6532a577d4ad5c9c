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


def test_the_seed_leaves_the_name_search_and_the_rollups_triggers_in_step():
    """The seed drops the name-search and rollup triggers for its load: both must be whole
    after it, and must keep following later writes."""
    from django.db import connection

    from analytics.rollup import triggers_installed
    from patients.filters import name_search_contains

    seed(30, 60, now=dt.datetime(2026, 6, 4, 12, 0, tzinfo=dt.UTC))

    assert triggers_installed()
    key = Patient.objects.order_by("id").values_list("name_search", flat=True).first()[2:9]
    found = Patient.objects.filter(name_search_contains(key, connection.vendor))
    assert found.count() == Patient.objects.filter(name_search__contains=key).count() > 0
    patient = Patient.objects.order_by("id").first()
    Patient.objects.filter(pk=patient.pk).update(name_search="zzqxy")
    assert list(Patient.objects.filter(name_search_contains("zzqxy", connection.vendor))) == [
        patient
    ]


def test_the_seed_leaves_the_appointments_foreign_keys_in_place():
    """On PostgreSQL the seed sets the appointments' foreign keys aside for its load."""
    from django.db import connection

    def foreign_keys():
        with connection.cursor() as cursor:
            return {
                (constraint.get("columns")[0], constraint.get("foreign_key"))
                for constraint in connection.introspection.get_constraints(
                    cursor, Appointment._meta.db_table
                ).values()
                if constraint.get("foreign_key")
            }

    before = foreign_keys()
    seed(3, 6, now=dt.datetime(2026, 6, 4, 12, 0, tzinfo=dt.UTC))

    assert foreign_keys() == before
    assert {column for column, _ in before} >= {"patient_id", "clinician_id", "department_id"}
