"""On PostgreSQL, the name-suffix trigger (0006) locks one of 256 locks for a name key, where it
locked the key itself: shared to add a key's suffixes, exclusive to remove them.

A transaction holds each lock it takes until it ends, and PostgreSQL keeps them in a table of
max_locks_per_transaction × max_connections entries (6,400 by default). A transaction that
registered many patients held one per distinct name, and ran it out of space ("out of shared
memory"): ``stats_benchmark`` seeding 20,000 patients in one did. Now one holds at most 256,
however many patients it writes. Additions never wait for one another (they used to, for the
same name); a removal, when the last patient with a name goes, waits for the additions under
its lock to commit and they for it, which is the order that keeps a new patient's suffixes
(``patients/tests/test_search_concurrency.py``).
"""

import importlib

from django.db import migrations

SUFFIX_INDEX = importlib.import_module("patients.migrations.0006_name_suffix_index")

# The lock for a key: the suffix table's own namespace, and one of 256 by the key's hash.
LOCK = "hashtext('patient_name_suffix'), hashtext({key}) & 255"
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION patient_name_suffix_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.name_search IS NOT DISTINCT FROM NEW.name_search THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM pg_advisory_xact_lock({LOCK.format(key="OLD.name_search")});
        DELETE FROM patient_name_suffix WHERE name_key = OLD.name_search AND NOT EXISTS
            (SELECT 1 FROM patients_patient WHERE name_search = OLD.name_search);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_advisory_xact_lock_shared({LOCK.format(key="NEW.name_search")});
        INSERT INTO patient_name_suffix (suffix, name_key)
        SELECT substr(NEW.name_search, n), NEW.name_search
        FROM generate_series(1, char_length(NEW.name_search) - 2) AS n
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$
"""


def _replace(function: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(function)

    return run


class Migration(migrations.Migration):
    dependencies = [("patients", "0006_name_suffix_index")]

    operations = [
        migrations.RunPython(
            _replace(PG_FUNCTION), _replace(SUFFIX_INDEX.PG_FUNCTION), elidable=False
        )
    ]
