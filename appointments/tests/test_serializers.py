"""The appointment serializer's hand-written representation must equal DRF's generic one."""

import datetime as dt

import pytest
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from appointments.serializers import AppointmentSerializer
from appointments.tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def _context() -> dict:
    return {"request": Request(APIRequestFactory().get("/api/v1/appointments/"))}


def _generic(appointment, context) -> dict:
    serializer = AppointmentSerializer(context=context)
    return serializers.ModelSerializer.to_representation(serializer, appointment)


@pytest.mark.parametrize(
    "traits",
    [{}, {"ended": True}, {"ended": True, "attended": True}, {"cancelled": True}],
    ids=["active", "missed", "attended", "cancelled"],
)
def test_representation_equals_the_generic_serializers_output(traits):
    appointment = AppointmentFactory(**traits, duration=dt.timedelta(minutes=90))
    context = _context()
    assert AppointmentSerializer(appointment, context=context).data == _generic(
        appointment, context
    )


def test_summer_and_winter_times_are_shown_as_drf_does():
    appointment = AppointmentFactory()
    for stamp in (dt.datetime(2030, 7, 1, 9, 30, 15, 123456), dt.datetime(2030, 1, 1, 9, 30)):
        appointment.starts_at = stamp.replace(tzinfo=dt.UTC)
        appointment.ends_at = appointment.starts_at + appointment.duration
        context = _context()
        data = AppointmentSerializer(appointment, context=context).data
        assert data == _generic(appointment, context)
    assert data["starts_at"] == "2030-01-01T09:30:00Z"


def test_a_page_equals_the_generic_output_row_by_row():
    appointments = AppointmentFactory.create_batch(3)
    context = _context()
    page = AppointmentSerializer(appointments, many=True, context=context).data
    assert page == [_generic(appointment, context) for appointment in appointments]
