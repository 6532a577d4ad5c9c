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

from django.db import migrations

SQL = {
    "postgresql": (
        [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            "CREATE INDEX patient_name_trgm_idx ON patients_patient "
            "USING gin (name_search gin_trgm_ops)",
        ],
        ["DROP INDEX IF EXISTS patient_name_trgm_idx"],
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


def forwards(apps, schema_editor):
    for statement in SQL.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in SQL.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("patients", "0003_labels")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
