"""The suffix index on PostgreSQL, where two sessions write at once: a patient registered while
the last other patient of the same name is deleted keeps the name's suffixes. (SQLite's writers
queue; MariaDB has no suffix index.)"""

import threading
import time

import factory
import pytest
from django.db import connection, connections, transaction

from panda_project.testing import run_in_threads
from patients.models import Patient
from patients.search import name_search_contains
from patients.tests.factories import PatientFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's sessions and its key lock"
    ),
]


def test_a_registration_and_the_deletion_of_the_last_namesake_do_not_cross():
    leaving = PatientFactory(name="Quill Ada")
    inserted, deleting = threading.Event(), threading.Event()
    arriving: list[Patient] = []

    def register():
        try:
            with transaction.atomic():
                arriving.append(PatientFactory(name="Quill Ada"))
                inserted.set()
                deleting.wait(10)
                # The deletion's trigger now waits for this transaction (without the key lock,
                # it would not see this patient and would delete the name's suffixes).
                time.sleep(0.5)
        finally:
            connections.close_all()

    def delete():
        try:
            inserted.wait(10)
            deleting.set()
            Patient.objects.filter(pk=leaving.pk).delete()
        finally:
            connections.close_all()

    run_in_threads(register, delete)

    found = Patient.objects.filter(name_search_contains("quill ada", connection.vendor))
    assert list(found) == arriving
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM patient_name_suffix WHERE name_key = 'quill ada'")
        assert cursor.fetchone()[0] == len("quill ada") - 2


def test_two_registrations_of_one_name_do_not_wait_for_each_other():
    first_open, second_done = threading.Event(), threading.Event()
    done_while_open: list[bool] = []

    def first():
        try:
            with transaction.atomic():
                PatientFactory(name="Quill Ada")
                first_open.set()
                done_while_open.append(second_done.wait(5))
        finally:
            connections.close_all()

    def second():
        try:
            first_open.wait(10)
            PatientFactory(name="Quill Ada")
            second_done.set()
        finally:
            connections.close_all()

    run_in_threads(first, second)

    assert done_while_open == [True]
    assert Patient.objects.filter(name_search_contains("quill ada", connection.vendor)).count() == 2


def test_a_transaction_that_registers_many_names_holds_few_locks():
    # Each distinct name used to hold a lock of its own until the end of the transaction, and
    # 20,000 of them ran PostgreSQL's lock table (6,400 by default) out of space.
    with transaction.atomic():
        PatientFactory.create_batch(400, name=factory.Sequence(lambda n: f"Quill Ada {n}"))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks "
                "WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
            )
            held = cursor.fetchone()[0]
    assert 0 < held <= 256
