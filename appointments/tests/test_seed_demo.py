"""seed_demo fills empty tables in bulk, and leaves them searchable and fully indexed."""

import pytest
from django.core.management import call_command
from django.db import connection

from appointments.models import Appointment
from panda_project.bulk import secondary_indexes
from patients.models import Patient

pytestmark = pytest.mark.django_db


def test_seeding_empty_tables_leaves_every_index_and_the_name_search(api):
    tables = [Patient._meta.db_table, Appointment._meta.db_table]
    indexes = sorted(secondary_indexes(tables)) if _deferrable() else None

    call_command("seed_demo", "--patients", "30", "--appointments-per-patient", "2", "--seed", "3")

    assert (Patient.objects.count(), Appointment.objects.count()) == (30, 60)
    if indexes is not None:
        assert sorted(secondary_indexes(tables)) == indexes
    patient = Patient.objects.order_by("pk").first()
    found = api.get("/api/v1/patients/", {"name": patient.name_search}).json()["results"]
    assert patient.nhs_number in [row["nhs_number"] for row in found]


def _deferrable() -> bool:
    return connection.vendor in ("sqlite", "postgresql")
