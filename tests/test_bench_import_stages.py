"""bench/import_stages.py takes rows through the import's own steps and rolls them back."""

import random

import pytest

import panda_project.bulk as bulk
from appointments.importer import import_patients
from appointments.models import Appointment
from bench.import_files import appointments, patients
from bench.import_stages import NATIVE, _stages
from patients.models import Patient

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_stages_time_every_row_and_leave_nothing_behind():
    insert_into = bulk.insert_into
    import_patients(patients(40))
    rows = appointments(25, 40, random.Random(3))

    seconds, done = _stages(rows, 20)

    assert done == 20
    assert seconds[NATIVE] > 0 and seconds["insert"] >= seconds[NATIVE]
    assert Appointment.objects.count() == 0
    assert Patient.objects.count() == 40
    assert bulk.insert_into is insert_into
    assert len(list(rows)) == 5  # only the rows asked for were read
