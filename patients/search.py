"""The name-search index of SQLite (patients migration 0004): an FTS5 trigram table that triggers
keep in step with ``patients_patient``.

During a first bulk load, adding each new patient's trigrams one row at a time costs more than
the insert itself; ``name_search_deferred`` rebuilds the table once at the end instead, in the
same transaction. PostgreSQL's trigram index is an ordinary index, deferred with the others
(``panda_project.bulk.bulk_load``); MariaDB has none.
"""

import contextlib

from django.db import connection

TRIGGERS = (
    "patient_name_search_insert",
    "patient_name_search_update",
    "patient_name_search_delete",
)


@contextlib.contextmanager
def name_search_deferred(defer: bool = True):
    """Inside a transaction: the triggers dropped while the block runs, then the search table
    rebuilt from every patient's key and the triggers created again. Does nothing unless
    ``defer`` and on SQLite."""
    if not defer or connection.vendor != "sqlite":
        yield
        return
    placeholders = ", ".join(["%s"] * len(TRIGGERS))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master "
            f"WHERE type = 'trigger' AND name IN ({placeholders})",
            TRIGGERS,
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f"DROP TRIGGER {name}")
    yield
    if not triggers:
        return
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO patient_name_search(patient_name_search) VALUES ('rebuild')")
        for _name, sql in triggers:
            cursor.execute(sql)
