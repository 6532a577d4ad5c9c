"""Django's MariaDB/MySQL backend, with Django's case-insensitive lookups case-insensitive
whatever the column's collation.

PANDA's MariaDB tables compare text as binary (``utf8mb4_bin``), as SQLite and PostgreSQL do,
so that uniqueness and look-ups agree on all three databases (``panda_project.settings``). Django
writes ``icontains``, ``iexact``, ``istartswith`` and ``iendswith`` on MariaDB as a plain
``LIKE`` and leaves ignoring case to the collation: under a binary one, the back office's search
for "hill" did not find "Hill". Here the pattern carries a collation that ignores case (and
accents, as a search should), which MariaDB then compares in.
"""

from django.db.backends.mysql import base

IGNORING_CASE = "COLLATE utf8mb4_unicode_ci"


class DatabaseWrapper(base.DatabaseWrapper):
    operators = {
        **base.DatabaseWrapper.operators,
        **dict.fromkeys(
            ("iexact", "icontains", "istartswith", "iendswith"), f"LIKE %s {IGNORING_CASE}"
        ),
    }
    # Where the pattern is an expression rather than a value (str.format placeholders).
    pattern_ops = {
        **base.DatabaseWrapper.pattern_ops,
        "icontains": f"LIKE CONCAT('%%', {{}}, '%%') {IGNORING_CASE}",
        "istartswith": f"LIKE CONCAT({{}}, '%%') {IGNORING_CASE}",
        "iendswith": f"LIKE CONCAT('%%', {{}}) {IGNORING_CASE}",
    }
