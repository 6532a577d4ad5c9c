"""Name search by an index of suffixes (``patients.search``), in place of the trigram indexes of
0004 on SQLite (an FTS5 table) and PostgreSQL (a pg_trgm GIN index).

A trigram index reads the postings of every trigram of the term, whatever the matches: at a
million patients, 240,719 postings for "olivia smi", which 332 patients match. The suffix table
holds every suffix of three characters or more of each distinct search key, under a B-tree in
code point order (PostgreSQL: collation "C"): the keys that contain a term are one range of it,
and the patients follow through the index on ``name_search``. Triggers keep it in step with
``patients_patient``; MariaDB, which had no search index, still scans.
"""

import importlib

from django.db import migrations, transaction

from patients.search import fill_sql

TRIGRAM = importlib.import_module("patients.migrations.0004_search_and_paging_indexes")

# The longest search key (patients.names.NAME_MAX_LENGTH): SQLite's triggers cannot recurse, so
# they take the suffixes' starting positions from a table of them.
MAX_LENGTH = 300

SQLITE_TRIGGERS = [
    "CREATE TRIGGER patient_name_suffix_insert AFTER INSERT ON patients_patient BEGIN "
    "INSERT OR IGNORE INTO patient_name_suffix (suffix, name_key) "
    "SELECT substr(new.name_search, n), new.name_search FROM patient_name_position "
    "WHERE n <= length(new.name_search) - 2; END",
    "CREATE TRIGGER patient_name_suffix_delete AFTER DELETE ON patients_patient BEGIN "
    "DELETE FROM patient_name_suffix WHERE name_key = old.name_search AND NOT EXISTS "
    "(SELECT 1 FROM patients_patient WHERE name_search = old.name_search); END",
    "CREATE TRIGGER patient_name_suffix_update AFTER UPDATE OF name_search ON patients_patient "
    "WHEN old.name_search IS NOT new.name_search BEGIN "
    "DELETE FROM patient_name_suffix WHERE name_key = old.name_search AND NOT EXISTS "
    "(SELECT 1 FROM patients_patient WHERE name_search = old.name_search); "
    "INSERT OR IGNORE INTO patient_name_suffix (suffix, name_key) "
    "SELECT substr(new.name_search, n), new.name_search FROM patient_name_position "
    "WHERE n <= length(new.name_search) - 2; END",
]
SQLITE = (
    [
        "CREATE TABLE patient_name_position (n integer PRIMARY KEY)",
        f"WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < {MAX_LENGTH}) "
        "INSERT INTO patient_name_position (n) SELECT n FROM p",
        "CREATE TABLE patient_name_suffix (suffix text NOT NULL, name_key text NOT NULL, "
        "PRIMARY KEY (suffix, name_key)) WITHOUT ROWID",
        "CREATE INDEX patient_name_suffix_key_idx ON patient_name_suffix (name_key)",
        *SQLITE_TRIGGERS,
        fill_sql("sqlite"),
        "DROP TRIGGER IF EXISTS patient_name_search_update",
        "DROP TRIGGER IF EXISTS patient_name_search_delete",
        "DROP TRIGGER IF EXISTS patient_name_search_insert",
        "DROP TABLE IF EXISTS patient_name_search",
    ],
    [
        "DROP TRIGGER IF EXISTS patient_name_suffix_update",
        "DROP TRIGGER IF EXISTS patient_name_suffix_delete",
        "DROP TRIGGER IF EXISTS patient_name_suffix_insert",
        "DROP TABLE IF EXISTS patient_name_suffix",
        "DROP TABLE IF EXISTS patient_name_position",
        *[s for s in TRIGRAM.SQL["sqlite"][0] if "patient_id_narrow_idx" not in s],
    ],
)

# Row triggers: a key's suffixes are added with its first patient and removed with its last. A
# lock on the key (for the transaction) orders a removal and an addition of the same key, so
# that a patient registered while the last other one with that name is deleted keeps its
# suffixes.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION patient_name_suffix_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.name_search IS NOT DISTINCT FROM NEW.name_search THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM pg_advisory_xact_lock(hashtext('patient_name_suffix:' || OLD.name_search));
        DELETE FROM patient_name_suffix WHERE name_key = OLD.name_search AND NOT EXISTS
            (SELECT 1 FROM patients_patient WHERE name_search = OLD.name_search);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_advisory_xact_lock(hashtext('patient_name_suffix:' || NEW.name_search));
        INSERT INTO patient_name_suffix (suffix, name_key)
        SELECT substr(NEW.name_search, n), NEW.name_search
        FROM generate_series(1, char_length(NEW.name_search) - 2) AS n
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$
"""
POSTGRESQL = (
    [
        # The suffixes in code point order, for their ranges; the keys in the collation of
        # patients_patient.name_search, so that its index finds their patients.
        'CREATE TABLE patient_name_suffix (suffix text COLLATE "C" NOT NULL, '
        "name_key text NOT NULL, PRIMARY KEY (suffix, name_key))",
        "CREATE INDEX patient_name_suffix_key_idx ON patient_name_suffix (name_key)",
        PG_FUNCTION,
        "CREATE TRIGGER patient_name_suffix_sync AFTER INSERT OR DELETE OR UPDATE OF name_search "
        "ON patients_patient FOR EACH ROW EXECUTE FUNCTION patient_name_suffix_sync()",
        fill_sql("postgresql"),
        "ANALYZE patient_name_suffix",
    ],
    [
        "DROP TRIGGER IF EXISTS patient_name_suffix_sync ON patients_patient",
        "DROP FUNCTION IF EXISTS patient_name_suffix_sync()",
        "DROP TABLE IF EXISTS patient_name_suffix",
    ],
)
# Outside the transaction: CONCURRENTLY does not hold up registrations meanwhile.
PG_TRIGRAM = (
    ["DROP INDEX CONCURRENTLY IF EXISTS patient_name_trgm_idx"],
    [s for s in TRIGRAM.SQL["postgresql"][0] if "INDEX" in s],
)


def _atomic(schema_editor, statements):
    with transaction.atomic(using=schema_editor.connection.alias):  # all or nothing
        for statement in statements:
            schema_editor.execute(statement)


def _run(schema_editor, direction: int):
    """Forwards (0) or backwards (1); on PostgreSQL the trigram index goes after the suffix
    table is built, and comes back before it is dropped."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _atomic(schema_editor, SQLITE[direction])
    elif vendor == "postgresql":
        steps = [
            lambda: _atomic(schema_editor, POSTGRESQL[direction]),
            lambda: [schema_editor.execute(sql) for sql in PG_TRIGRAM[direction]],
        ]
        for step in steps if direction == 0 else reversed(steps):
            step()


def forwards(apps, schema_editor):
    _run(schema_editor, 0)


def backwards(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("patients", "0005_reminder_channel_and_language")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
