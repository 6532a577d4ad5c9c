"""Backups of PANDA's database, taken while PANDA serves, and their restore.

Each database has its own tool for a consistent copy of a live database:

- SQLite: SQLite's online backup API (Python's ``Connection.backup``), which copies every page
  in one step under one read transaction: a snapshot of the committed data, WAL included, while
  writers go on. A plain copy of ``db.sqlite3`` could miss what is still in ``db.sqlite3-wal``.
  A restore copies the backup's pages back over the database the same way.
- PostgreSQL: ``pg_dump`` in its custom format (one snapshot), restored by ``pg_restore`` in a
  single transaction, so that a failed restore changes nothing.
- MariaDB: ``mariadb-dump --single-transaction`` (one snapshot of the InnoDB tables), restored by
  ``mariadb``.

The command-line tools are found on PATH and given the connection settings of Django's own
``dbshell``. ``BackupError`` says what went wrong in words an operator can act on.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import DatabaseError, connections
from django.utils.translation import gettext as _


class BackupError(Exception):
    pass


def backup(path: Path, using: str = "default") -> None:
    """Write a backup of the database ``using`` to ``path``, replacing any file there only once
    the backup is whole."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    vendor = connections[using].vendor
    try:
        if vendor == "sqlite":
            _sqlite_backup(partial, using)
        elif vendor == "postgresql":
            _run(_postgres_command("pg_dump", using, ["--format=custom", f"--file={partial}"]))
        elif vendor == "mysql":
            command = _mysql_command(
                ("mariadb-dump", "mysqldump"),
                using,
                ["--single-transaction", "--routines", "--triggers", "--no-tablespaces"],
            )
            with partial.open("wb") as output:
                _run(command, stdout=output)
        else:
            raise BackupError(_("PANDA cannot back up a %(vendor)s database.") % {"vendor": vendor})
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(path)


def restore(path: Path, using: str = "default") -> int:
    """Replace the data of the database ``using`` with the backup at ``path``, then erase again
    the patients erased since the backup was made: their erasure records are read before the
    restore and put back after it (``data_rights.services.erasures_reapply``). How many
    patients were erased again."""
    from data_rights.services import erasure_records_read, erasures_reapply

    path = Path(path)
    if not path.is_file():
        raise BackupError(_("There is no backup at %(path)s.") % {"path": path})
    try:
        erasures = erasure_records_read()
    except DatabaseError:  # a new, empty database: nothing was erased in it
        erasures = []
    _restore(path, using)
    return erasures_reapply(records=erasures)


def _restore(path: Path, using: str) -> None:
    vendor = connections[using].vendor
    connections[using].close()  # the restore must not wait for a transaction of this process
    if vendor == "sqlite":
        _sqlite_restore(path, using)
    elif vendor == "postgresql":
        options = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run(_postgres_command("pg_restore", using, ["--exit-on-error", *options], path=path))
    elif vendor == "mysql":
        with path.open("rb") as dump:
            _run(_mysql_command(("mariadb", "mysql"), using, []), stdin=dump)
    else:
        raise BackupError(_("PANDA cannot restore a %(vendor)s database.") % {"vendor": vendor})


def _sqlite_backup(target: Path, using: str) -> None:
    connection = connections[using]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # every page in one step: one consistent snapshot
    finally:
        copy.close()


def _sqlite_restore(path: Path, using: str) -> None:
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            checked = source.execute("PRAGMA quick_check").fetchone()[0]
            source.execute("SELECT 1 FROM django_migrations LIMIT 1")
        except sqlite3.DatabaseError:
            checked = None
        if checked != "ok":
            raise BackupError(_("%(path)s is not a backup of PANDA's database.") % {"path": path})
        connection = connections[using]
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def _tool(names: tuple[str, ...]) -> str:
    for name in names:
        if found := shutil.which(name):
            return found
    raise BackupError(_("%(tool)s is not installed on this machine.") % {"tool": names[0]})


def _postgres_command(tool: str, using: str, options: list[str], path: Path | None = None):
    client = connections[using].client
    args, env = client.settings_to_cmd_args_env(connections[using].settings_dict, options)
    database = args.pop()  # psql's last argument; pg_dump takes it so, pg_restore by option
    args[0] = _tool((tool,))
    if path is None:
        args.append(database)
    else:
        args += [f"--dbname={database}", str(path)]
    return args, env


def _mysql_command(tools: tuple[str, ...], using: str, options: list[str]):
    client = connections[using].client
    args, env = client.settings_to_cmd_args_env(connections[using].settings_dict, [])
    database = args.pop()
    return [_tool(tools), *args[1:], *options, database], env


def _run(command, stdout=subprocess.DEVNULL, stdin=None) -> None:
    args, env = command
    done = subprocess.run(
        args,
        env=os.environ | (env or {}),
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        check=False,
    )
    if done.returncode != 0:
        error = done.stderr.decode(errors="replace").strip()
        raise BackupError(
            _("%(tool)s failed: %(error)s") % {"tool": Path(args[0]).name, "error": error}
        )
