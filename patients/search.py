"""Name search: "the patient's search key contains the term", answered through an index of
suffixes on SQLite and PostgreSQL (patients migration 0006).

``patient_name_suffix`` holds every suffix of three characters or more of each distinct
``name_search`` key, under a B-tree in code point order. A key contains a term of three
characters or more exactly when one of its suffixes starts with the term: one range of the
B-tree, ``[term, term + U+10FFFF)``, since no key holds U+10FFFF (``patients.names`` keeps
letters, marks, digits and spaces). The keys found lead to the patients through the index on
``name_search``, so a search reads about as many entries as it finds, where a trigram index read
the postings of every trigram of the term, whatever the matches. Triggers keep the table in step
with ``patients_patient``: a key's suffixes come with its first patient and go with its last
(erasure included). MariaDB has no such table and scans, as shorter terms do everywhere.

During a first bulk load, the triggers would add each new patient's suffixes one row at a time;
``name_search_deferred`` sets them aside and fills the table once at the end instead, in the
same transaction.
"""

import contextlib

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from panda_project.bulk import sqlite_triggers_set_aside

TABLE = "patient_name_suffix"
# The shortest term the suffixes serve: a suffix of a key is kept from three characters on.
SHORTEST_TERM = 3
# Above every character a key can hold: term + TOP bounds the suffixes that start with term.
TOP = "\U0010ffff"
SQLITE_TRIGGERS = (
    "patient_name_suffix_insert",
    "patient_name_suffix_update",
    "patient_name_suffix_delete",
)
PG_TRIGGER = "patient_name_suffix_sync"


def has_suffix_index(vendor: str) -> bool:
    return vendor in ("sqlite", "postgresql")


def name_search_contains(key: str, vendor: str, prefix: str = "") -> Q:
    """The condition "``name_search`` contains ``key``" (a search key, ``patients.names``),
    through the suffix index where there is one; ``prefix`` reaches the patient through a
    relation ("patient__")."""
    if has_suffix_index(vendor) and len(key) >= SHORTEST_TERM:
        keys = RawSQL(
            f"SELECT name_key FROM {TABLE} WHERE suffix >= %s AND suffix < %s", [key, key + TOP]
        )
        return Q(**{f"{prefix}name_search__in": keys})
    return Q(**{f"{prefix}name_search__contains": key})


def fill_sql(vendor: str) -> str:
    """The statement that adds the suffixes of every patient's key (those already there are
    kept)."""
    if vendor == "sqlite":
        return (
            f"INSERT OR IGNORE INTO {TABLE} (suffix, name_key) "
            "SELECT substr(name_key, n), name_key FROM "
            "(SELECT DISTINCT name_search AS name_key FROM patients_patient) "
            "JOIN patient_name_position ON n <= length(name_key) - 2"
        )
    return (
        f"INSERT INTO {TABLE} (suffix, name_key) "
        "SELECT substr(name_key, n), name_key FROM "
        "(SELECT DISTINCT name_search AS name_key FROM patients_patient) AS keys, "
        "generate_series(1, char_length(name_key) - 2) AS n ON CONFLICT DO NOTHING"
    )


@contextlib.contextmanager
def name_search_deferred(defer: bool = True):
    """In a transaction: the suffix triggers set aside while the block runs, then every key's
    suffixes added at once and the triggers back. Does nothing unless ``defer`` and the
    database has the suffix index. For a first load: a patient the block deletes or renames
    would leave its old key's suffixes behind."""
    vendor = connection.vendor
    if not defer or not has_suffix_index(vendor):
        yield
        return
    # In one transaction, so that the triggers cannot be left aside by a failure.
    with transaction.atomic():
        yield from _deferred(vendor)


def _deferred(vendor: str):
    if vendor == "sqlite":
        aside = sqlite_triggers_set_aside(SQLITE_TRIGGERS)
    else:
        aside = _pg_trigger_disabled()
    with aside:
        yield
        with connection.cursor() as cursor:
            cursor.execute(fill_sql(vendor))


@contextlib.contextmanager
def _pg_trigger_disabled():
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE patients_patient DISABLE TRIGGER {PG_TRIGGER}")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE patients_patient ENABLE TRIGGER {PG_TRIGGER}")
        cursor.execute(f"ANALYZE {TABLE}")
