"""PANDA's filter backend answers exactly as django-filter's own, for any query string."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from appointments.models import Appointment
from appointments.tests.factories import AppointmentFactory
from appointments.views import AppointmentViewSet
from panda_project.api.filters import FilterBackend
from patients.models import Patient
from patients.tests.factories import PatientFactory
from patients.views import PatientViewSet

pytestmark = pytest.mark.django_db


def _filtered(backend, viewset, queryset, query: str):
    request = Request(APIRequestFactory().get(f"/?{query}"))
    view = viewset(request=request, format_kwarg=None, action="list")
    try:
        return list(backend().filter_queryset(request, queryset, view).order_by("pk"))
    except ValidationError as error:
        return ("refused", error.detail)
    except DjangoValidationError as error:  # the API's error handler turns these into 400s
        return ("refused", error.message_dict)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "limit=5&offset=1&ordering=name",
        "unknown=1",
        "name=",
        "name=ada",
        "name=ADA+LOVE",
        "nhs_number=943+476+5919",
        "nhs_number=123",
        "postcode=sw1a1aa",
        "date_of_birth=1815-12-10",
        "date_of_birth=not-a-date",
    ],
)
def test_patient_filters_match_django_filter(query):
    PatientFactory(name="Ada Lovelace", nhs_number="9434765919", postcode="SW1A 1AA")
    PatientFactory(name="Mary Seacole", date_of_birth="1805-11-23")
    queryset = Patient.objects.all()

    ours = _filtered(FilterBackend, PatientViewSet, queryset, query)

    assert ours == _filtered(DjangoFilterBackend, PatientViewSet, queryset, query)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=missed",
        "status=nonsense",
        "starts_after=2030-01-01T00:00:00%2B00:00",
        "starts_after=2030-01-01T00:00:00",
        "starts_before=",
        "patient=9434765919",
    ],
)
def test_appointment_filters_match_django_filter(query):
    AppointmentFactory.create_batch(3)
    AppointmentFactory(patient__nhs_number="9434765919")
    queryset = Appointment.objects.all()

    ours = _filtered(FilterBackend, AppointmentViewSet, queryset, query)

    assert ours == _filtered(DjangoFilterBackend, AppointmentViewSet, queryset, query)


def test_the_filter_set_is_left_out_only_when_no_filter_is_named():
    PatientFactory.create_batch(2)
    queryset = Patient.objects.all()
    with mock.patch.object(DjangoFilterBackend, "filter_queryset", autospec=True) as django_filter:
        django_filter.side_effect = lambda self, request, queryset, view: queryset
        _filtered(FilterBackend, PatientViewSet, queryset, "limit=5&ordering=name")
        assert not django_filter.called
        _filtered(FilterBackend, PatientViewSet, queryset, "name=")
        assert django_filter.called
