"""The overlaps an import reports: each created row that overlaps an appointment stored before
it, whether by another file or by an earlier row of this one.

The rows an import creates are noted as it goes (row number, key, id and the earliest start an
appointment overlapping it can have) in a temporary table, and looked for together at the end,
once the appointments' indexes are built again after a first load (``bulk_load``): one query per
chunk of rows, each row's earliest overlap found through the ``(clinician, starts_at)`` and
``(patient, starts_at)`` indexes, bounded by the longest duration stored (``CreatedRows.longest``).
Asking per batch while the import ran read the whole table once per batch when those indexes were
deferred (quadratic: 100,000 rows took six minutes), and holding every created id in memory
instead would not keep memory flat.
"""

import datetime as dt
from collections.abc import Iterator

from django.db import connection
from django.db.models import Max

from panda_project.bulk import insert_into, prepare_rows

from .models import OCCUPYING_STATES, Appointment

TABLE = "panda_import_created"
# The rows looked for together: the reported rows' other appointments are loaded per chunk.
CHUNK = 5000


def _drop() -> str:
    # MariaDB commits the transaction on a DROP TABLE, but not on a DROP TEMPORARY TABLE.
    temporary = "TEMPORARY " if connection.vendor == "mysql" else ""
    return f"DROP {temporary}TABLE IF EXISTS {TABLE}"


class CreatedRows:
    """The rows one import created, noted in a temporary table for ``overlaps``; use as a
    context manager, which drops the table."""

    def __init__(self):
        self.last = 0
        # The longest duration of the appointments stored before the import and of the rows
        # noted so far: an appointment that overlaps a row and is not a later row of the import
        # starts less than this before it. Far tighter than the 24-hour maximum, it keeps the
        # look-up to the few appointments around each row.
        self.longest = dt.timedelta(0)

    def __enter__(self) -> "CreatedRows":
        stored = Appointment.objects.aggregate(longest=Max("duration"))["longest"]
        self.longest = stored or dt.timedelta(0)
        pk = Appointment._meta.pk.db_type(connection)
        instant = Appointment._meta.get_field("starts_at").db_type(connection)
        with connection.cursor() as cursor:
            cursor.execute(_drop())
            cursor.execute(
                f"CREATE TEMPORARY TABLE {TABLE} (line_no integer PRIMARY KEY, "
                f"row_key varchar(64) NOT NULL, appointment_id {pk} NOT NULL UNIQUE, "
                f"earliest_start {instant} NOT NULL)"
            )
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        if exc_type is not None and connection.in_atomic_block:
            # The rollback takes the table with it (MariaDB's, which it cannot, is dropped when
            # the connection closes or the next import starts).
            return
        with connection.cursor() as cursor:
            cursor.execute(_drop())

    def add(self, rows: list[tuple[int, str, Appointment]]) -> None:
        """Note created rows: (row number, key, the appointment as stored)."""
        if not rows:
            return
        # Converted as the id and start fields convert their values (the bulk insert's fast
        # paths): the field's own get_db_prep_value per value took a tenth of the import.
        bounds = []
        for _, _, appointment in rows:  # in row order: each row's bound counts the rows before
            self.longest = max(self.longest, appointment.duration)
            bounds.append((appointment.pk, appointment.starts_at - self.longest))
        converted = prepare_rows(Appointment, ["id", "starts_at"], bounds)
        values = [
            (number, key, *pair) for (number, key, _), pair in zip(rows, converted, strict=True)
        ]
        insert_into(TABLE, ["line_no", "row_key", "appointment_id", "earliest_start"], values)
        self.last = max(self.last, max(number for number, _, _ in rows))

    def overlaps(self) -> Iterator[tuple[int, str, str, Appointment]]:
        """(row number, key, "clinician" or "patient", the other appointment) for each noted
        row that occupies its time and overlaps an appointment that also does (active or
        attended) and that is not a later row of this import, in row order: the clinician's
        earliest such appointment, else the patient's."""
        quote = connection.ops.quote_name
        appointments = quote(Appointment._meta.db_table)
        states = ", ".join(["%s"] * len(OCCUPYING_STATES))

        def earliest(party: str) -> str:
            column = quote(Appointment._meta.get_field(party).column)
            return (
                f"(SELECT o.id FROM {appointments} o "
                f"LEFT JOIN {TABLE} later ON later.appointment_id = o.id "
                f"WHERE o.{column} = a.{column} AND o.starts_at > t.earliest_start "
                f"AND o.starts_at < a.ends_at AND o.ends_at > a.starts_at "
                f"AND o.state IN ({states}) AND a.state IN ({states}) AND o.id <> a.id "
                "AND (later.line_no IS NULL OR later.line_no < t.line_no) "
                "ORDER BY o.starts_at, o.id LIMIT 1)"
            )

        sql = (
            f"SELECT t.line_no, t.row_key, {earliest('clinician')}, {earliest('patient')} "
            f"FROM {TABLE} t JOIN {appointments} a ON a.id = t.appointment_id "
            # Only the range of row numbers here, so that the rows noted lead the join.
            "WHERE t.line_no >= %s AND t.line_no < %s "
            "ORDER BY t.line_no"
        )
        if connection.vendor == "postgresql":  # autovacuum never looks at a temporary table
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {TABLE}")
        pk = Appointment._meta.pk
        for start in range(1, self.last + 1, CHUNK):
            with connection.cursor() as cursor:
                cursor.execute(
                    sql,
                    [*OCCUPYING_STATES * 4, start, start + CHUNK],
                )
                found = [
                    (
                        number,
                        key,
                        "clinician" if by_clinician else "patient",
                        by_clinician or by_patient,
                    )
                    for number, key, by_clinician, by_patient in cursor.fetchall()
                    if by_clinician or by_patient
                ]
            others = Appointment.objects.only("id", "starts_at", "ends_at").in_bulk(
                {pk.to_python(other) for _, _, _, other in found}
            )
            for number, key, party, other in found:
                yield number, key, party, others[pk.to_python(other)]
