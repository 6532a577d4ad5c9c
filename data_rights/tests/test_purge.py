"""``purge_expired``: every patient whose retention has ended goes, with erasure, in batches;
``--dry-run`` only lists them; running twice, or again after stopping, is safe."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from appointments.tests.factories import AppointmentFactory
from data_rights.models import ErasureRecord
from data_rights.retention import add_years
from data_rights.services import patients_purge_expired
from patients.models import Patient
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
# A fixed day, at noon in the clinic's zone: a run near midnight or on 29 February cannot move
# a patient across a boundary between the fixture's making and the purge.
TODAY = dt.date(2030, 6, 4)


@pytest.fixture(autouse=True)
def noon_on_a_fixed_day():
    noon = dt.datetime.combine(TODAY, dt.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))
    with time_machine.travel(noon, tick=False):
        assert timezone.localdate() == TODAY
        yield


def years_ago(years: int, days: int = 0) -> dt.datetime:
    day = add_years(TODAY, -years) - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def ended(patient, ends_at):
    """An appointment of ``patient`` that ends at ``ends_at``."""
    return AppointmentFactory(patient=patient, starts_at=ends_at - dt.timedelta(minutes=30))


def patient(nhs_number, *, born_years_ago=50, last_appointment=None, changed=None):
    born = add_years(TODAY, -born_years_ago)
    p = PatientFactory(nhs_number=nhs_number, date_of_birth=born)
    if last_appointment is not None:
        ended(p, last_appointment)
    if changed is not None:
        Patient.objects.filter(pk=p.pk).update(updated_at=changed)
    return p


@pytest.fixture
def patients():
    """Two whose retention has ended, four kept."""
    return {
        # an adult seen 8 years and a day ago: gone
        "expired": patient("9434765919", last_appointment=years_ago(8, days=1)),
        # no appointments, the record last changed 8 years and 2 days ago: gone
        "idle": patient("4010232137", changed=years_ago(8, days=2)),
        # an adult seen 8 years ago less a day: kept until tomorrow
        "recent": patient("9999999468", last_appointment=years_ago(8, days=-1)),
        # an adult with an old appointment and one to come: kept
        "booked": patient("9434765870", last_appointment=timezone.now() + dt.timedelta(days=2)),
        # a child of 5 seen 9 years ago: kept until 25
        "child": patient("9876543210", born_years_ago=14, last_appointment=years_ago(9)),
        # no appointments, changed this year: kept
        "new": patient("4505577104"),
    }


def nhs_numbers_left():
    return set(Patient.objects.values_list("nhs_number", flat=True))


def test_a_dry_run_lists_the_expired_masked_and_deletes_nothing(patients):
    out = io.StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        "******5919",
        "******2137",
        "Patients whose retention has ended: 2. Nothing deleted (dry run).",
    ]
    assert len(nhs_numbers_left()) == 6
    assert not ErasureRecord.objects.exists()


def test_the_purge_deletes_exactly_the_expired_with_erasure(patients):
    ended(patients["booked"], years_ago(20))
    out = io.StringIO()
    call_command("purge_expired", stdout=out)
    assert out.getvalue() == "Patients deleted, their personal data erased: 2.\n"
    assert nhs_numbers_left() == {"9999999468", "9434765870", "9876543210", "4505577104"}
    assert list(ErasureRecord.objects.values_list("channel", flat=True)) == ["retention"] * 2
    assert not Patient.history.filter(nhs_number__in=["9434765919", "4010232137"]).exists()


@pytest.mark.parametrize("batch_size", ["1", "2", "5", "1000"])
def test_any_batch_size_purges_the_same_and_a_second_run_finds_nothing(patients, batch_size):
    call_command("purge_expired", "--batch-size", batch_size, stdout=io.StringIO())
    assert nhs_numbers_left() == {"9999999468", "9434765870", "9876543210", "4505577104"}
    out = io.StringIO()
    call_command("purge_expired", "--batch-size", batch_size, stdout=out)
    assert out.getvalue() == "Patients deleted, their personal data erased: 0.\n"


def test_a_purge_stopped_half_way_keeps_its_finished_batches_and_a_rerun_finishes(patients):
    class Stop(Exception):
        pass

    def stop(nhs_numbers):
        raise Stop

    with pytest.raises(Stop):
        patients_purge_expired(today=TODAY, years=8, batch_size=1, found=stop)
    assert len(nhs_numbers_left()) == 5  # the first batch (one patient) is done
    assert patients_purge_expired(today=TODAY, years=8, batch_size=1) == 1
    assert len(nhs_numbers_left()) == 4


def test_the_batch_size_must_be_positive():
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        call_command("purge_expired", "--batch-size", "0")


def test_the_retention_years_come_from_the_settings(patients, settings):
    settings.PANDA_RETENTION_YEARS = 10
    out = io.StringIO()
    call_command("purge_expired", "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "Patients whose retention has ended: 0. Nothing deleted (dry run)."
    )
