"""Name search is a substring of the search key, served by an index of suffixes on SQLite and
PostgreSQL (patients migration 0006): it must find exactly the rows a plain scan would, however
the patients were written, renamed or deleted, and hold the suffixes of the keys that patients
have, and no others."""

import pytest
from django.db import connection, transaction

from patients.filters import name_search_contains
from patients.models import Patient
from patients.search import has_suffix_index, name_search_deferred
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/patients/"
NAMES = [
    "Siân O'Brien-McKenzie",
    "Sean Smith",
    "Olivia Smithson",
    "Zoë Ng",
    "李小龍",
    "Jo Ang",
    "Ōkubo Ōkubo",
    "Ann",
]
KEYS = [
    "sian",
    "ian",
    "smith",
    "olivia smi",
    "n smith",
    "ng",
    "jo",
    "zoe ng",
    "小龍",
    "李小龍",
    "okubo okubo",
    "ubo",
    "ann",
    "an",
    "nobody",
    "smithsonian",
]
INDEXED = has_suffix_index(connection.vendor)


def found(key: str) -> list[int]:
    condition = name_search_contains(key, connection.vendor)
    return sorted(Patient.objects.filter(condition).values_list("id", flat=True))


def scanned(key: str) -> list[int]:
    return sorted(Patient.objects.filter(name_search__contains=key).values_list("id", flat=True))


def stored_suffixes() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT suffix, name_key FROM patient_name_suffix")
        return set(cursor.fetchall())


def expected_suffixes() -> set[tuple[str, str]]:
    keys = set(Patient.objects.values_list("name_search", flat=True))
    return {(key[start:], key) for key in keys for start in range(len(key) - 2)}


def assert_same_as_a_scan():
    for key in KEYS:
        assert found(key) == scanned(key), key
    if INDEXED:
        assert stored_suffixes() == expected_suffixes()


def test_search_finds_what_a_scan_finds():
    for name in NAMES:
        PatientFactory(name=name)
    assert_same_as_a_scan()
    assert len(found("smith")) == 2
    assert len(found("okubo okubo")) == 1


def test_search_follows_renames_and_deletions():
    patients = [PatientFactory(name=name) for name in NAMES]
    patients[1].name = "Sean Jones"
    patients[1].save()
    patients[2].delete()
    Patient.objects.filter(pk=patients[3].pk).update(name_search="olivia smith")
    assert_same_as_a_scan()
    assert found("smith") == [patients[3].pk]


def test_a_keys_suffixes_stay_while_a_patient_has_it_and_go_with_the_last():
    first, second = PatientFactory(name="Ada Quill"), PatientFactory(name="Ada Quill")
    first.delete()
    assert found("quill") == [second.pk]
    assert_same_as_a_scan()

    Patient.objects.filter(pk=second.pk).delete()

    assert found("quill") == []
    if INDEXED:
        assert stored_suffixes() == set()


def test_bulk_created_patients_are_found():
    Patient.objects.bulk_create(
        Patient(nhs_number=f"{i:010d}", name=n, name_search=n.lower(), date_of_birth="2000-01-01")
        for i, n in enumerate(["Ann Smith", "Bea Smith"])
    )
    assert_same_as_a_scan()
    assert len(found("smith")) == 2


def test_a_first_load_fills_the_index_once_at_the_end():
    PatientFactory(name="Sean Smith")
    with transaction.atomic(), name_search_deferred():
        Patient.objects.bulk_create(
            Patient(
                nhs_number=f"{i:010d}", name=n, name_search=n.lower(), date_of_birth="2000-01-01"
            )
            for i, n in enumerate(["Ann Smith", "Bea Smithers"])
        )
        if INDEXED:  # set aside meanwhile
            assert ("smithers", "bea smithers") not in stored_suffixes()
    assert_same_as_a_scan()
    assert len(found("smith")) == 3
    # The triggers are back.
    PatientFactory(name="Cy Smithe")
    assert_same_as_a_scan()


def test_a_failed_first_load_leaves_the_triggers_in_place():
    with pytest.raises(RuntimeError), name_search_deferred():
        raise RuntimeError("the load failed")
    patient = PatientFactory(name="Dee Quill")
    assert found("quill") == [patient.pk]
    assert_same_as_a_scan()


def test_the_api_search_uses_it(api):
    from django.test.utils import CaptureQueriesContext

    for name in NAMES:
        PatientFactory(name=name)
    with CaptureQueriesContext(connection) as queries:
        body = api.get(URL, {"name": "OLIVIA Smi"}).json()
    assert [row["name"] for row in body["results"]] == ["Olivia Smithson"]
    assert body["count"] == 1
    searches = [query["sql"] for query in queries if "olivia" in query["sql"]]
    if INDEXED:
        assert searches and all("patient_name_suffix" in sql for sql in searches)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_sqlite_keeps_the_suffix_table_in_step_with_triggers():
    # A later migration that rebuilds patients_patient on SQLite drops these: it must recreate
    # them (see patients migrations 0004 and 0006).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["patients_patient"],
        )
        triggers = {row[0] for row in cursor.fetchall()}
    assert triggers == {
        "patient_name_suffix_insert",
        "patient_name_suffix_update",
        "patient_name_suffix_delete",
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigger")
def test_postgresql_keeps_the_suffix_table_in_step_with_a_trigger_and_no_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'patients_patient'::regclass "
            "AND NOT tgisinternal"
        )
        assert {row[0] for row in cursor.fetchall()} == {"patient_name_suffix_sync"}
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'patient_name_trgm_idx'")
        assert cursor.fetchone() is None
        # Suffixes in code point order, for their ranges; keys in name_search's own collation,
        # or its index cannot find their patients (a join across collations scanned them all).
        cursor.execute(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns "
            "WHERE (table_name, column_name) IN (('patient_name_suffix', 'suffix'), "
            "('patient_name_suffix', 'name_key'), ('patients_patient', 'name_search'))"
        )
        collations = {(table, column): name for table, column, name in cursor.fetchall()}
    assert collations[("patient_name_suffix", "suffix")] == "C"
    assert (
        collations[("patient_name_suffix", "name_key")]
        == collations[("patients_patient", "name_search")]
    )
