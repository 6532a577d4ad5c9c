"""PreparedLookup returns what the queryset it stands for would, with one query; the numbers
cursor reads what the usual cursor reads."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from panda_project.queries import PreparedLookup, numbers_cursor
from patients.models import Patient
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

FIELDS = [field.attname for field in Patient._meta.concrete_fields]


def test_finds_the_same_patient_as_the_queryset():
    PatientFactory(nhs_number="4010232137")
    expected = PatientFactory(
        nhs_number="9434765919", name="Siân O'Brien-McKenzie", phone="+442079460000"
    )
    lookup = PreparedLookup(Patient, "nhs_number")

    found = lookup.first("9434765919")

    assert found == expected
    queried = Patient.objects.filter(nhs_number="9434765919").first()
    assert {f: getattr(found, f) for f in FIELDS} == {f: getattr(queried, f) for f in FIELDS}
    assert isinstance(found.date_of_birth, dt.date)
    assert found.created_at.tzinfo is not None  # converted as the ORM converts


def test_an_unknown_value_finds_nothing():
    PatientFactory(nhs_number="9434765919")
    lookup = PreparedLookup(Patient, "nhs_number")

    assert lookup.first("4010232137") is None
    # The value is a parameter, never part of the SQL.
    assert lookup.first("9434765919' OR '1'='1") is None


def test_each_lookup_runs_one_query_with_the_new_value():
    first, second = PatientFactory(nhs_number="9434765919"), PatientFactory(nhs_number="4010232137")
    lookup = PreparedLookup(Patient, "nhs_number")
    lookup.first("9434765919")  # compiles

    with CaptureQueriesContext(connection) as queries:
        assert lookup.first("4010232137") == second
        assert lookup.first("9434765919") == first

    assert len(queries) == 2
    assert "4010232137" in queries[0]["sql"]


def test_the_instance_behaves_like_one_the_orm_loaded():
    PatientFactory(nhs_number="9434765919", name="Ada Lovelace")
    patient = PreparedLookup(Patient, "nhs_number").first("9434765919")

    assert patient._state.adding is False
    assert patient._state.db == "default"
    patient.name = "Ada King"
    patient.save()
    assert Patient.objects.get(nhs_number="9434765919").name == "Ada King"


@pytest.mark.django_db(transaction=True)
def test_what_is_compiled_goes_with_the_connection_it_was_compiled_for():
    import gc
    import threading
    import weakref

    from django.db import connections

    lookup = PreparedLookup(Patient, "nhs_number")
    seen = []

    def look_up():
        lookup.first("9434765919")
        seen.append(weakref.ref(connections["default"]))
        connections["default"].close()

    for _ in range(3):
        thread = threading.Thread(target=look_up)
        thread.start()
        thread.join()
    gc.collect()

    assert len(seen) == 3
    assert all(ref() is None for ref in seen)  # nothing PreparedLookup keeps holds them


def test_the_numbers_cursor_reads_what_the_usual_cursor_reads_and_is_logged():
    patients = PatientFactory.create_batch(3)
    table = connection.ops.quote_name(Patient._meta.db_table)
    sql = f"SELECT id, id * 2 FROM {table} WHERE id >= %s ORDER BY id"
    with connection.cursor() as cursor:
        cursor.execute(sql, [patients[1].pk])
        expected = cursor.fetchall()

    with CaptureQueriesContext(connection) as queries, numbers_cursor() as cursor:
        cursor.execute(sql, [patients[1].pk])
        rows = cursor.fetchall()

    assert list(rows) == list(expected) == [(p.pk, p.pk * 2) for p in patients[1:]]
    assert [query["sql"] for query in queries] == [queries[0]["sql"]]
    assert "SELECT id, id * 2" in queries[0]["sql"]
    if connection.vendor == "postgresql":
        from psycopg.pq import Format

        assert cursor.cursor.format == Format.BINARY
