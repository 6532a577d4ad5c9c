"""Name search is a substring of the search key, served by a trigram index where the database has
one (patients migration 0004): it must find exactly the rows a plain scan would, however the
patients were written, renamed or deleted."""

import pytest
from django.db import connection

from patients.filters import name_search_contains
from patients.models import Patient
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/patients/"
NAMES = ["Siân O'Brien-McKenzie", "Sean Smith", "Olivia Smithson", "Zoë Ng", "李小龍", "Jo Ang"]
KEYS = ["sian", "ian", "smith", "olivia smi", "n smith", "ng", "jo", "zoe ng", "小龍", "nobody"]


# On SQLite, found() reads the trigram table and scanned() the column, so comparing them tests
# the table; on PostgreSQL and MariaDB both are the same LIKE (PostgreSQL's index serves it
# unseen), so there the comparisons only check the search itself.
def found(key: str) -> list[int]:
    condition = name_search_contains(key, connection.vendor)
    return sorted(Patient.objects.filter(condition).values_list("id", flat=True))


def scanned(key: str) -> list[int]:
    return sorted(Patient.objects.filter(name_search__contains=key).values_list("id", flat=True))


def assert_same_as_a_scan():
    for key in KEYS:
        assert found(key) == scanned(key), key


def test_search_finds_what_a_scan_finds():
    for name in NAMES:
        PatientFactory(name=name)
    assert_same_as_a_scan()
    assert len(found("smith")) == 2


def test_search_follows_renames_and_deletions():
    patients = [PatientFactory(name=name) for name in NAMES]
    patients[1].name = "Sean Jones"
    patients[1].save()
    patients[2].delete()
    Patient.objects.filter(pk=patients[3].pk).update(name_search="olivia smith")
    assert_same_as_a_scan()
    assert found("smith") == [patients[3].pk]


def test_bulk_created_patients_are_found():
    Patient.objects.bulk_create(
        Patient(nhs_number=f"{i:010d}", name=n, name_search=n.lower(), date_of_birth="2000-01-01")
        for i, n in enumerate(["Ann Smith", "Bea Smith"])
    )
    assert_same_as_a_scan()
    assert len(found("smith")) == 2


def test_the_api_search_uses_it(api):
    from django.test.utils import CaptureQueriesContext

    for name in NAMES:
        PatientFactory(name=name)
    with CaptureQueriesContext(connection) as queries:
        body = api.get(URL, {"name": "OLIVIA Smi"}).json()
    assert [row["name"] for row in body["results"]] == ["Olivia Smithson"]
    assert body["count"] == 1
    if connection.vendor == "sqlite":
        assert all("patient_name_search MATCH" in query["sql"] for query in queries)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's trigram table")
def test_sqlite_keeps_the_trigram_table_in_step_with_triggers():
    # A later migration that rebuilds patients_patient on SQLite drops these: it must recreate
    # them (see patients migration 0004).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["patients_patient"],
        )
        triggers = {row[0] for row in cursor.fetchall()}
    assert triggers == {
        "patient_name_search_insert",
        "patient_name_search_update",
        "patient_name_search_delete",
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram index")
def test_postgresql_has_the_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'patient_name_trgm_idx'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition
