"""Bulk loading (panda_project.bulk): rows stored exactly as the ORM stores them, audit-trail
rows beside them, and the indexes a first load drops built again."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from appointments.models import Appointment, Overlap, State
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from panda_project.bulk import among, bulk_load, create_with_history, secondary_indexes
from patients.models import Patient
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


def _appointment(**values) -> Appointment:
    starts = dt.datetime(2025, 3, 30, 0, 30, 15, 123456, tzinfo=NEW_YORK)
    return Appointment(
        **{
            "patient": PatientFactory(),
            "clinician": ClinicianFactory(),
            "department": DepartmentFactory(),
            "starts_at": starts,
            "duration": dt.timedelta(minutes=90),
            "ends_at": starts + dt.timedelta(minutes=90),
            "postcode": "SW1A 1AA",
            "state": State.ATTENDED,
            "attended_at": starts,
            # as the import stores its rows: two identical ones may then stand side by side
            "overlap": Overlap.IMPORTED,
        }
        | values
    )


def _stored(pk) -> tuple:
    """The row as the database holds it, not as the ORM reads it back."""
    table = connection.ops.quote_name(Appointment._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(f.column)
        for f in Appointment._meta.concrete_fields
        if f.name not in ("id", "created_at", "updated_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {table} WHERE id = %s",
            [Appointment._meta.pk.get_db_prep_value(pk, connection)],
        )
        return cursor.fetchone()


def test_bulk_rows_are_stored_exactly_as_the_orm_stores_them():
    by_orm = _appointment(id=uuid.uuid4())
    by_orm.save(force_insert=True)
    in_bulk = _appointment(
        id=uuid.uuid4(),
        patient=by_orm.patient,
        clinician=by_orm.clinician,
        department=by_orm.department,
    )
    create_with_history(Appointment, [in_bulk])
    assert _stored(in_bulk.pk) == _stored(by_orm.pk)
    assert Appointment.objects.get(pk=in_bulk.pk).starts_at == by_orm.starts_at


def test_bulk_rows_have_their_audit_trail_row():
    patients = [
        Patient(nhs_number=n, name="Ada", name_search="ada", date_of_birth=dt.date(1990, 1, 1))
        for n in ("9434765919", "4010232137")
    ]
    create_with_history(Patient, patients, key="nhs_number")
    assert all(patient.pk for patient in patients)
    history = Patient.history.order_by("nhs_number").values_list(
        "id", "nhs_number", "history_type", "history_change_reason", "history_user"
    )
    assert list(history) == [
        (patients[1].pk, "4010232137", "+", "", None),
        (patients[0].pk, "9434765919", "+", "", None),
    ]


@pytest.mark.skipif(
    connection.vendor not in ("sqlite", "postgresql"), reason="indexes are deferred there only"
)
def test_a_first_load_builds_again_every_index_it_dropped():
    tables = [Appointment._meta.db_table, Appointment.history.model._meta.db_table]
    before = sorted(secondary_indexes(tables))
    with bulk_load(Appointment, defer_indexes=True):
        assert secondary_indexes(tables) == []
        create_with_history(Appointment, [_appointment()])
    assert sorted(secondary_indexes(tables)) == before
    assert len(before) >= 10


def _foreign_keys(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        return cursor.fetchall()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's foreign keys are set aside for a load"
)
def test_a_first_load_adds_its_foreign_keys_again_and_they_check_every_row():
    from django.db import IntegrityError, transaction

    table = Appointment._meta.db_table
    before = _foreign_keys(table)
    with bulk_load(Appointment, defer_indexes=True):
        assert _foreign_keys(table) == []
        create_with_history(Appointment, [_appointment()])
    assert _foreign_keys(table) == before
    assert len(before) >= 3
    orphan = _appointment()
    orphan.patient_id = 10**9  # no such patient
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        bulk_load(Appointment, defer_indexes=True),
    ):
        create_with_history(Appointment, [orphan])
    assert not Appointment.objects.filter(pk=orphan.pk).exists()


def test_among_finds_what_a_list_finds():
    stored = [PatientFactory() for _ in range(3)]
    numbers = [p.nhs_number for p in stored[:2]] + ["9434765919", stored[0].nhs_number]
    field = Patient._meta.get_field("nhs_number")
    found = Patient.objects.filter(nhs_number__in=among(field, numbers))
    assert sorted(p.pk for p in found) == sorted(p.pk for p in stored[:2])
    assert not Patient.objects.filter(nhs_number__in=among(field, []))

    kept = _appointment(id=uuid.uuid4())
    kept.save(force_insert=True)
    ids = [kept.pk, uuid.uuid4()]
    by_id = Appointment.objects.filter(pk__in=among(Appointment._meta.pk, ids))
    assert [a.pk for a in by_id] == [kept.pk]
