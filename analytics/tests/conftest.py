"""A crafted set of appointments around month boundaries and the 2025 clock changes.

In 2025 the clocks in London went forward at 01:00 UTC on 30 March and back at 01:00 UTC on
26 October. ``NOW`` is fixed, so what is missed does not depend on when the tests run.
"""

import contextlib
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.models import Appointment, State
from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from organisations.tests.factories import SiteFactory
from patients.tests.factories import PatientFactory

NOW = dt.datetime(2025, 11, 15, 12, 0, tzinfo=dt.UTC)


def utc(*parts) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)


def book(starts_at, minutes, state, department, clinician, patient, site=None) -> Appointment:
    stamps = {
        State.ATTENDED: {"attended_at": starts_at},
        State.CANCELLED: {"cancelled_at": starts_at - dt.timedelta(days=1)},
    }.get(state, {})
    return AppointmentFactory(
        patient=patient,
        starts_at=starts_at,
        duration=dt.timedelta(minutes=minutes),
        state=state,
        department=department,
        clinician=clinician,
        site=site,
        **stamps,
    )


@pytest.fixture
def crafted(db):
    """Two departments, two clinicians, one site; the comments give each one's London time."""
    cardiology = DepartmentFactory(name="cardiology")
    oncology = DepartmentFactory(name="oncology")
    adams = ClinicianFactory(name="Dr Adams")
    baker = ClinicianFactory(name="Dr Baker")
    site = SiteFactory(name="Riverside Clinic")
    patient = PatientFactory()
    active, attended, cancelled = State.ACTIVE, State.ATTENDED, State.CANCELLED
    rows = [
        # Out of range, before: 28 February 23:59 GMT.
        (utc(2025, 2, 28, 23, 59), 30, active, cardiology, adams),
        # 30 March 00:30 GMT, before the clocks go forward: attended.
        (utc(2025, 3, 30, 0, 30), 30, attended, cardiology, baker),
        # 30 March 02:30 BST, after they go forward: missed.
        (utc(2025, 3, 30, 1, 30), 60, active, cardiology, adams),
        # 31 March 23:30 BST: still March in London, missed.
        (utc(2025, 3, 31, 22, 30), 30, active, cardiology, adams),
        # 1 April 00:30 BST, though still 31 March in UTC: April, missed.
        (utc(2025, 3, 31, 23, 30), 45, active, cardiology, adams),
        (utc(2025, 4, 10, 9, 0), 60, attended, cardiology, baker, site),
        (utc(2025, 4, 11, 9, 0), 20, cancelled, cardiology, adams),
        # 26 October 00:30 BST, though still 25 October in UTC: missed.
        (utc(2025, 10, 25, 23, 30), 30, active, oncology, baker),
        # 26 October 01:30 GMT, after the clocks go back (01:30 comes twice that night).
        (utc(2025, 10, 26, 1, 30), 30, attended, oncology, baker),
        # 31 October 23:30 GMT: October, missed.
        (utc(2025, 10, 31, 23, 30), 15, active, oncology, adams),
        # 1 November 00:00 GMT exactly: November.
        (utc(2025, 11, 1, 0, 0), 30, attended, oncology, adams, site),
        (utc(2025, 11, 14, 10, 0), 90, cancelled, oncology, adams),
        # Ended exactly at NOW: missed.
        (utc(2025, 11, 15, 11, 30), 30, active, oncology, baker),
        # Still in progress at NOW: not missed.
        (utc(2025, 11, 15, 11, 45), 30, active, oncology, baker),
        # Out of range, after: 1 December 00:00 GMT.
        (utc(2025, 12, 1, 0, 0), 30, active, oncology, baker),
    ]
    for starts_at, minutes, state, department, clinician, *place in rows:
        book(starts_at, minutes, state, department, clinician, patient, *place)
    return {
        "cardiology": cardiology,
        "oncology": oncology,
        "adams": adams,
        "baker": baker,
        "site": site,
    }


# What may surround the queries: on PostgreSQL, JIT is turned off for their transaction.
NOT_QUERIES = ("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL jit = off")
WRITES = ("INSERT", "UPDATE", "DELETE")
# Once the rollup is up to date: whether it changed, whether its days are all built, its
# generation, its days, its rows, the appointments of the other days, its generation again and
# the groups' names.
ROLLUP_READS = 8


def roll_up_2025() -> None:
    """The rollup of every closed day of 2025 at NOW, built at once."""
    from analytics.rollup import rollup_refresh

    rollup_refresh(dt.date(2025, 1, 1), dt.date(2025, 12, 31), NOW, limit=None)


@contextlib.contextmanager
def rollup_reads_only():
    """Asserts that the block reads the rollup (ROLLUP_READS queries at most) and writes
    nothing."""
    with CaptureQueriesContext(connection) as captured:
        yield
    statements = [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].startswith(NOT_QUERIES)
    ]
    assert len(statements) <= ROLLUP_READS, "\n".join(s[:150] for s in statements)
    assert not [sql for sql in statements if sql.lstrip().upper().startswith(WRITES)], statements
