"""Lookups whose SQL is compiled once, and a cursor for reading many numbers.

For a lookup by a unique column, Django spends several times longer building the SQL
(``filter()``, then the compiler) than SQLite spends running it. ``PreparedLookup`` lets the ORM
compile the query once per database connection and keeps what it worked out: the SQL, the
columns and their type converters. Each lookup then only runs the SQL with the new value and
builds the instance with ``Model.from_db()``, as the queryset would.
"""

import contextlib

from django.db import connection, connections, router
from django.db.models import Model

# Stands in for the looked-up value while the ORM compiles; found again among the parameters.
_MARKER = "\x00panda-prepared-lookup\x00"


class _Compiled:
    def __init__(self, model: type[Model], field: str, alias: str):
        queryset = model._default_manager.using(alias).filter(**{field: _MARKER}).order_by("pk")
        self.compiler = queryset[:1].query.get_compiler(using=alias)
        self.sql, params = self.compiler.as_sql()
        self.params = tuple(params)
        self.index = self.params.index(_MARKER)
        columns = [expression for expression, _sql, _alias in self.compiler.select]
        self.field_names = [column.target.attname for column in columns]
        self.converters = self.compiler.get_converters(columns)


class PreparedLookup:
    """``model.objects.filter(<field>=value).order_by("pk").first()``, compiled once per
    database connection. ``field`` must be a text column (the marker is a string)."""

    def __init__(self, model: type[Model], field: str):
        self.model, self.field = model, field

    def first(self, value: str) -> Model | None:
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        # Kept on the connection object (each thread has its own; the compiler holds it), so
        # that it goes when the connection does.
        compiled_lookups = connection.__dict__.setdefault("panda_prepared_lookups", {})
        compiled = compiled_lookups.get(self)
        if compiled is None:
            compiled = compiled_lookups[self] = _Compiled(self.model, self.field, alias)
        params = list(compiled.params)
        params[compiled.index] = value
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        if compiled.converters:
            row = next(iter(compiled.compiler.apply_converters([row], compiled.converters)))
        return self.model.from_db(alias, compiled.field_names, row)


@contextlib.contextmanager
def numbers_cursor():
    """A cursor for a query whose many rows are numbers. On PostgreSQL its results come in the
    binary format, so that each number arrives as its bytes rather than as text that psycopg
    parses: for the 73,000 rows of a year of days per clinician, parsing their half a million
    numbers was a fifth of the request's instructions. Such a cursor binds its parameters on
    the server (Django's usual one binds them itself), so its SQL must type what PostgreSQL
    cannot infer. It is Django's cursor wrapper all the same: query logging and execute
    wrappers see its statements. Elsewhere, Django's usual cursor."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg.pq import Format

    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = ServerBindingCursor(connection.connection)
    raw.format = Format.BINARY
    logged = connection.queries_logged
    with (connection.make_debug_cursor if logged else connection.make_cursor)(raw) as cursor:
        yield cursor
