"""The patient serializer's hand-written representation must equal DRF's generic one."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from patients.models import Patient
from patients.serializers import PatientSerializer
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _context(secure: bool = False) -> dict:
    headers = {"HTTP_X_FORWARDED_PROTO": "https"} if secure else {}
    return {"request": Request(APIRequestFactory().get("/api/v1/patients/", **headers))}


def _generic(patient, context) -> dict:
    serializer = PatientSerializer(context=context)
    return serializers.ModelSerializer.to_representation(serializer, patient)


@pytest.mark.parametrize(
    "values",
    [
        {"name": "Siân O'Brien-McKenzie", "phone": "+447700900123", "email": "s@example.org"},
        {"name": "山田太郎", "phone": "", "email": ""},
    ],
)
def test_representation_equals_the_generic_serializers_output(values):
    patient = PatientFactory(**values)
    context = _context()
    assert PatientSerializer(patient, context=context).data == _generic(patient, context)


def test_representation_shows_summer_and_winter_times_as_drf_does():
    patient = PatientFactory()
    for stamp in (dt.datetime(2030, 7, 1, 9, 30, 15, 123456), dt.datetime(2030, 1, 1, 9, 30)):
        patient.created_at = patient.updated_at = stamp.replace(tzinfo=dt.UTC)
        context = _context()
        assert PatientSerializer(patient, context=context).data == _generic(patient, context)
    assert PatientSerializer(patient, context=_context()).data["created_at"].endswith("Z")


def test_links_are_absolute_and_follow_the_request_scheme():
    patient = PatientFactory()
    data = PatientSerializer(patient, context=_context()).data
    assert data["url"] == f"http://testserver/api/v1/patients/{patient.nhs_number}/"
    assert data["appointments_url"] == data["url"] + "appointments/"
    assert data["addresses_url"] == data["url"] + "addresses/"


def test_a_page_of_patients_equals_the_generic_output_row_by_row():
    patients = PatientFactory.create_batch(3)
    context = _context()
    page = PatientSerializer(patients, many=True, context=context).data
    assert page == [_generic(patient, context) for patient in patients]
    assert timezone.get_current_timezone_name() == "Europe/London"


def test_a_row_of_the_list_columns_gives_the_patients_representation():
    patient = PatientFactory(name="Siân O'Brien-McKenzie", phone="+447700900123")
    row = Patient.objects.values_list(*PatientSerializer.ROW_FIELDS, named=True).get(pk=patient.pk)
    context = _context(secure=True)
    assert PatientSerializer(row, context=context).data == _generic(patient, context)


def test_each_listed_patient_is_shown_as_its_own_page_shows_it(api):
    PatientFactory.create_batch(3)
    for path in ("/api/v1/patients/", "/api/v1/patients/?cursor=&ordering=-name"):
        listed = api.get(path).json()["results"]
        assert len(listed) == 3
        for row in listed:
            assert api.get(row["url"]).json() == row
