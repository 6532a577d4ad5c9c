"""Inserting many rows at once without the ORM's per-row machinery: the import and the seeders.

The rows are plain tuples of Python values, in the order of the fields named, converted to what
each field stores exactly as the ORM would convert them. PostgreSQL loads them with ``COPY``;
the other databases with one ``executemany``. Building a model instance and compiling an INSERT
per row cost the import most of its time (profiled: about two thirds of it), where validating a
row costs a fraction of that.

``insert_with_history`` also writes each new row's audit-trail row ("+", as
``simple_history.utils.bulk_create_with_history`` would) from the same tuples.
"""

import contextlib
import datetime as dt
import json

from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

# The page cache of a bulk load on SQLite: room for the pages a batch changes and for sorting
# the keys of an index being built, within the import's memory budget.
SQLITE_CACHE_KIB = 64 * 1024


def insert_rows(model: type[models.Model], fields: list[str], rows) -> int:
    """Insert ``rows`` (tuples of Python values in ``fields``' order) into ``model``'s table;
    the number of rows. Constraints and triggers apply as for any INSERT; one that fails raises
    IntegrityError and, inside a transaction, inserts none of them."""
    return insert_prepared(model, fields, prepare_rows(model, fields, rows))


def prepare_rows(model: type[models.Model], fields: list[str], rows) -> list[tuple]:
    """The rows as the database adapter takes them: as they are for PostgreSQL's COPY (psycopg
    adapts datetimes, intervals and UUIDs itself), converted by each field elsewhere."""
    if connection.vendor == "postgresql":
        return list(rows)
    converters = [converter(model._meta.get_field(name)) for name in fields]
    if not any(converters):
        return list(rows)
    return [
        tuple(
            value if convert is None or value is None else convert(value)
            for value, convert in zip(row, converters, strict=True)
        )
        for row in rows
    ]


def insert_prepared(model: type[models.Model], fields: list[str], rows: list[tuple]) -> int:
    """Insert rows that ``prepare_rows`` gave."""
    quote = connection.ops.quote_name
    columns = [quote(model._meta.get_field(name).column) for name in fields]
    with transaction.atomic():
        insert_into(quote(model._meta.db_table), columns, rows)
    return len(rows)


def insert_into(table: str, columns: list[str], rows: list[tuple]) -> None:
    """Insert ``rows``, already as the adapter takes them, into ``table`` (named as SQL, as are
    the ``columns``): ``COPY`` on PostgreSQL, one ``executemany`` elsewhere (on PostgreSQL, a
    statement per row, parsed and bound by the server each time)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
            )


def among(field: models.Field, values) -> RawSQL | list:
    """``values`` of ``field`` for a lookup ``field__in=among(field, values)``, sent as one
    parameter where the database unpacks one: an array on PostgreSQL, a JSON array on SQLite.
    Given a list, ``__in`` writes a placeholder per value and prepares each value in Python, and
    the adapter reads them all again: for the import's 5,000 keys a batch, a tenth of its time.
    Elsewhere (MariaDB), the list as it is."""
    values = list(values)
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{field.db_type(connection)}[])", [values])
    if connection.vendor == "sqlite":
        convert = converter(field)
        if convert is not None:
            values = [convert(value) for value in values]
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])
    return values


def _utc_text(value: dt.datetime) -> str:
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return value.isoformat(" ")[:-6]  # less its "+00:00"; as str() of the naive time


def converter(field: models.Field):
    """What turns one Python value into what ``field`` stores, or None when it is stored as it
    is. The fast paths give exactly the field's own conversion on SQLite (tested)."""
    kind = field.get_internal_type()
    if connection.vendor == "sqlite":
        if kind == "DateTimeField":
            return _utc_text
        if kind == "DateField":
            return str
        if kind == "DurationField":
            return lambda value: value // dt.timedelta(microseconds=1)
        if kind == "UUIDField":
            return lambda value: value.hex
        if kind in {"CharField", "TextField", "ForeignKey", "BigAutoField", "AutoField"}:
            return None
    return lambda value: field.get_db_prep_save(value, connection)


def create_with_history(
    model: type[models.Model],
    instances: list[models.Model],
    key: str | None = None,
    change_reason: str = "",
) -> None:
    """Insert new, validated model instances and their audit-trail rows ("+", with
    ``change_reason`` and the user of the current request, as ``bulk_create_with_history``
    writes them). An auto-increment primary key is read back through the unique field ``key``.
    Raises IntegrityError, inserting none, if any row breaks a constraint."""
    if not instances:
        return
    now = timezone.now()
    for field in model._meta.concrete_fields:  # auto_now and auto_now_add, one instant
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for instance in instances:
                setattr(instance, field.attname, now)
    auto_pk = model._meta.pk if isinstance(model._meta.pk, models.AutoField) else None
    fields = [f for f in model._meta.concrete_fields if f is not auto_pk]
    names = [f.name for f in fields]
    rows = prepare_rows(model, names, _values(instances, [f.attname for f in fields]))
    with transaction.atomic():
        insert_prepared(model, names, rows)
        if auto_pk is not None:
            ids = dict(
                model.objects.filter(**{f"{key}__in": [getattr(i, key) for i in instances]})
                .values_list(key, "pk")
                .iterator(chunk_size=5000)
            )
            for instance in instances:
                instance.pk = ids[getattr(instance, key)]
                instance._state.adding = False
        # The audit trail's rows repeat the values just prepared, in its own order.
        history = model.history.model
        user = history.get_default_history_user(instances[0])
        tracked = [f.name for f in history.tracked_fields]
        position = {name: index for index, name in enumerate(names)}
        extra = prepare_rows(
            history, HISTORY_FIELDS, [(now, change_reason, "+", getattr(user, "pk", None))]
        )[0]
        pk_name = model._meta.pk.name
        picks = [position.get(name) for name in tracked]
        history_rows = [
            tuple(
                instance.pk if index is None and name == pk_name else row[index]
                for name, index in zip(tracked, picks, strict=True)
            )
            + extra
            for instance, row in zip(instances, rows, strict=True)
        ]
        insert_prepared(history, [*tracked, *HISTORY_FIELDS], history_rows)


HISTORY_FIELDS = ("history_date", "history_change_reason", "history_type", "history_user")


def _values(instances, names: list[str]):
    return (tuple(getattr(instance, name) for name in names) for instance in instances)


@contextlib.contextmanager
def bulk_load(*models_: type[models.Model], defer_indexes: bool = False):
    """Settings for loading many rows into ``models_``' tables, restored afterwards: a large
    page cache on SQLite, more memory for building indexes on PostgreSQL.

    With ``defer_indexes`` (on SQLite and PostgreSQL), the load runs in one transaction that
    first drops the tables' secondary indexes (and their audit trails') and builds each again
    from its own definition at the end: one sort per index instead of a random insertion per
    row. With random keys (UUIDs, start times, patients) in small transactions, each commit
    wrote nearly every page of every index again: 5.7 GB written for a 200 MB database. The
    indexes behind a primary key or unique constraint stay, so duplicates are still refused
    row by row. On PostgreSQL the tables' foreign keys are set aside too, and checked once at
    the end (``foreign_keys_set_aside``). Holding the table for the whole load suits a first
    load into an empty table, not a live one; a failure rolls the indexes back with the rows."""
    tables = [model._meta.db_table for model in models_]
    tables += [model.history.model._meta.db_table for model in models_ if hasattr(model, "history")]
    defer = defer_indexes and connection.vendor in ("sqlite", "postgresql")
    with contextlib.ExitStack() as stack:
        if defer:
            stack.enter_context(transaction.atomic())
        stack.enter_context(_load_settings(local=defer))
        if defer:
            stack.enter_context(_indexes_deferred(tables))
            stack.enter_context(foreign_keys_set_aside(tables))
        yield


@contextlib.contextmanager
def _load_settings(local: bool):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size")
            (previous,) = cursor.fetchone()
            cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
        elif connection.vendor == "postgresql" and local:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    try:
        yield
    finally:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(previous)}")


@contextlib.contextmanager
def sqlite_triggers_set_aside(names):
    """On SQLite, inside the caller's transaction: the named triggers (those that exist)
    dropped while the block runs, and created again after it from their own definitions. For a
    first load, whose block then does at once, at its end, what the triggers did row by row."""
    placeholders = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master "
            f"WHERE type = 'trigger' AND name IN ({placeholders})",
            list(names),
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in triggers:
            cursor.execute(sql)


def secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of each index of ``tables`` that backs no constraint."""
    found = []
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT index_class.relname, pg_get_indexdef(index_class.oid) "
                    "FROM pg_index JOIN pg_class index_class "
                    "ON index_class.oid = pg_index.indexrelid "
                    "WHERE pg_index.indrelid = %s::regclass AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint WHERE conindid = pg_index.indexrelid)",
                    [connection.ops.quote_name(table)],
                )
            found.extend(cursor.fetchall())
    return found


@contextlib.contextmanager
def _indexes_deferred(tables: list[str]):
    definitions = secondary_indexes(tables)
    with connection.cursor() as cursor:
        for name, _definition in definitions:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Foreign keys are checked at commit; PostgreSQL builds no index on a table with
            # checks still pending, so they run now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in definitions:
            cursor.execute(definition)
        if connection.vendor == "postgresql":
            # Statistics for the rows just loaded, before anything plans a query on them (the
            # import's search for overlaps, at once): with none, PostgreSQL took a million
            # appointments for a few thousand and read 450,000 index entries per row.
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


@contextlib.contextmanager
def foreign_keys_set_aside(tables: list[str]):
    """On PostgreSQL, the tables' foreign keys dropped for the block and added again after it,
    as pg_restore does: adding one checks every row in one join, where a deferred key checks
    each row with a query of its own at the end (for a million imported appointments, the
    server's time was as much as the import's own). A row that breaks one fails the whole
    block, as at a commit. Elsewhere, nothing changes."""
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
            [[quote(table) for table in tables]],
        )
        keys = cursor.fetchall()
        # Checks still pending in this transaction (rows it wrote before, such as the
        # departments seed_demo makes) forbid altering the tables: they run now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's keys, as they were
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
