"""Lookups whose SQL is compiled once.

For a lookup by a unique column, Django spends several times longer building the SQL
(``filter()``, then the compiler) than SQLite spends running it. ``PreparedLookup`` lets the ORM
compile the query once per database connection and keeps what it worked out: the SQL, the
columns and their type converters. Each lookup then only runs the SQL with the new value and
builds the instance with ``Model.from_db()``, as the queryset would.
"""

from django.db import connections, router
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
