"""Indexes that only some databases have, so not in the model's Meta:

- name search (a substring of ``name_search``): a trigram GIN index on PostgreSQL (the pg_trgm
  extension, trusted since PostgreSQL 13, so the database's owner can create it), a trigram FTS5
  table kept in step by triggers on SQLite. MariaDB has neither: there the search scans.
- deep limit/offset pages: on SQLite the table itself is the only thing in id order, so skipping
  rows reads them whole; a narrow index on id lets a page skip keys instead. PostgreSQL's primary
  key index already does that.

Django rebuilds a SQLite table to alter it, which drops its triggers: a later migration that
alters patients_patient on SQLite must create them again (patients.tests.test_search checks).
"""

from django.db import migrations, transaction

SQL = {
    "postgresql": (
        [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            "CREATE INDEX CONCURRENTLY patient_name_trgm_idx ON patients_patient "
            "USING gin (name_search gin_trgm_ops)",
        ],
        ["DROP INDEX CONCURRENTLY IF EXISTS patient_name_trgm_idx"],
    ),
    "sqlite": (
        [
            "CREATE VIRTUAL TABLE patient_name_search USING fts5(name_search, "
            "content='patients_patient', content_rowid='id', tokenize='trigram')",
            "CREATE TRIGGER patient_name_search_insert AFTER INSERT ON patients_patient BEGIN "
            "INSERT INTO patient_name_search(rowid, name_search) "
            "VALUES (new.id, new.name_search); END",
            "CREATE TRIGGER patient_name_search_delete AFTER DELETE ON patients_patient BEGIN "
            "INSERT INTO patient_name_search(patient_name_search, rowid, name_search) "
            "VALUES ('delete', old.id, old.name_search); END",
            "CREATE TRIGGER patient_name_search_update AFTER UPDATE OF id, name_search "
            "ON patients_patient BEGIN "
            "INSERT INTO patient_name_search(patient_name_search, rowid, name_search) "
            "VALUES ('delete', old.id, old.name_search); "
            "INSERT INTO patient_name_search(rowid, name_search) "
            "VALUES (new.id, new.name_search); END",
            "INSERT INTO patient_name_search(patient_name_search) VALUES ('rebuild')",
            'CREATE INDEX patient_id_narrow_idx ON patients_patient ("id")',
        ],
        [
            "DROP INDEX IF EXISTS patient_id_narrow_idx",
            "DROP TRIGGER IF EXISTS patient_name_search_update",
            "DROP TRIGGER IF EXISTS patient_name_search_delete",
            "DROP TRIGGER IF EXISTS patient_name_search_insert",
            "DROP TABLE IF EXISTS patient_name_search",
        ],
    ),
}


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:  # CONCURRENTLY: each outside any transaction
            schema_editor.execute(statement)
        return
    with transaction.atomic(using=schema_editor.connection.alias):  # all or nothing
        for statement in statements:
            schema_editor.execute(statement)


def forwards(apps, schema_editor):
    _run(schema_editor, SQL.get(schema_editor.connection.vendor, ([], []))[0])


def backwards(apps, schema_editor):
    _run(schema_editor, SQL.get(schema_editor.connection.vendor, ([], []))[1])


class Migration(migrations.Migration):
    # PostgreSQL builds the trigram index CONCURRENTLY, so that an upgrade does not hold up
    # registrations for as long as the build over every patient takes; that cannot run inside
    # a transaction.
    atomic = False

    dependencies = [("patients", "0003_labels")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
