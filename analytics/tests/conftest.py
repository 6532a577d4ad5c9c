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
from reminders.models import Reminder, ReminderAllocation, ReminderState, ReminderVariant
from reminders.services import reminder_variant_create

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
# Once the rollup is up to date: whether it changed, whether its days are all built, whether its
# weeks and months are, its generation, its days, which of the periods asked for it holds whole,
# their rows, the other periods' day rows, the appointments of the other days, its generation
# again and the groups' names.
ROLLUP_READS = 11


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


@contextlib.contextmanager
def one_aggregate_query():
    """Asserts that the block runs exactly one query, besides transaction control."""
    with CaptureQueriesContext(connection) as captured:
        yield
    statements = [query["sql"] for query in captured.captured_queries]
    assert len([sql for sql in statements if not sql.startswith(NOT_QUERIES)]) == 1, statements


# A trial of reminder wordings in October 2025 (London), all over by NOW. The first variant,
# "Standard" (made by the reminders migrations), is the reference.
REMINDED_STATES = (ReminderState.SENT, ReminderState.DELIVERED)


def remind(appointment, variant, state, days_before=1) -> Reminder:
    """A reminder of ``appointment`` in ``state``, due ``days_before`` days before it."""
    due_at = appointment.starts_at - dt.timedelta(days=days_before)
    return Reminder.objects.create(
        appointment=appointment,
        variant=variant,
        channel="sms",
        offset=dt.timedelta(days=days_before),
        appointment_starts_at=appointment.starts_at,
        due_at=due_at,
        state=state,
        sent_at=due_at if state in REMINDED_STATES else None,
    )


def allocated(variant, when, state, *reminders) -> Appointment:
    """An appointment allocated to ``variant``, with reminders in the given states (one a day
    apart). ``when`` is a day of October 2025 (at 09:00 UTC) or a time."""
    starts_at = utc(2025, 10, when, 9, 0) if isinstance(when, int) else when
    department, clinician = DepartmentFactory(), ClinicianFactory()
    appointment = book(starts_at, 30, state, department, clinician, PatientFactory())
    ReminderAllocation.objects.create(appointment=appointment, variant=variant)
    for days_before, reminder_state in enumerate(reminders, start=1):
        remind(appointment, variant, reminder_state, days_before)
    return appointment


@pytest.fixture
def trial(db):
    """Standard: 10 appointments, 7 reminded, 6 attended, 1 cancelled, 3 missed.
    Cost: 10 appointments, 9 reminded, 8 attended, 1 cancelled, 1 missed.
    Plain: 2 appointments, both reminded and attended (a zero cell: nobody missed).
    Unused: none. Besides them, appointments outside October or not allocated at all."""
    standard = ReminderVariant.objects.get(name="Standard")
    cost = reminder_variant_create(**wording("Cost"))
    plain = reminder_variant_create(**wording("Plain"))
    unused = reminder_variant_create(**wording("Unused"))
    active, attended, cancelled = State.ACTIVE, State.ATTENDED, State.CANCELLED
    sent, delivered = ReminderState.SENT, ReminderState.DELIVERED
    failed, skipped = ReminderState.FAILED, ReminderState.SKIPPED
    # 1 October 00:30 BST, though still 30 September in UTC: October.
    allocated(standard, utc(2025, 9, 30, 23, 30), attended, sent)
    for day in (2, 3, 4, 5):
        allocated(standard, day, attended, sent)
    allocated(standard, 6, attended, failed)  # a failed reminder reached no one
    allocated(standard, 7, cancelled, ReminderState.CANCELLED)
    allocated(standard, 8, active, delivered)
    allocated(standard, 9, active, failed, sent)
    allocated(standard, 10, active, skipped)
    # Two reminders delivered count the appointment once.
    allocated(cost, 2, attended, delivered, delivered)
    for day in range(3, 10):
        allocated(cost, day, attended, delivered)
    allocated(cost, 10, cancelled, ReminderState.CANCELLED)
    allocated(cost, 11, active, sent)
    allocated(plain, 12, attended, sent)
    allocated(plain, 13, attended, delivered)
    # Outside the trial's figures for October: 30 September 23:30 BST, and 1 November 00:00.
    allocated(cost, utc(2025, 9, 30, 22, 30), active, sent)
    allocated(standard, utc(2025, 11, 1, 0, 0), active, sent)
    # Not allocated: not in any variant (but in the missed-appointment figures).
    book(
        utc(2025, 10, 20, 9), 30, active, DepartmentFactory(), ClinicianFactory(), PatientFactory()
    )
    return {"standard": standard, "cost": cost, "plain": plain, "unused": unused}


def wording(name: str, weight: int = 1) -> dict:
    return {
        "name": name,
        "sms_text_en": f"{name}: your appointment is on ((date)) at ((time)).",
        "email_subject_en": f"{name}: your appointment",
        "email_body_en": f"{name}: your appointment with ((clinician)) is on ((date)).",
        "weight": weight,
    }
