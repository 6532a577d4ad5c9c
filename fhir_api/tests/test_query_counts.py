"""A FHIR search costs a fixed number of queries per page, and no more than the REST API's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appointments.tests.factories import AppointmentFactory
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    patient = PatientFactory(nhs_number="9434765919", name="Ann Example", postcode="SW1A 1AA")
    PatientFactory.create_batch(29, name="Ann Other", postcode="SW1A 1AA")
    AppointmentFactory.create_batch(15, patient=patient)
    AppointmentFactory.create_batch(15, ended=True)
    return patient


@pytest.mark.parametrize("count", [1, 10, 30])
@pytest.mark.parametrize(
    "path",
    [
        "/fhir/R4/Patient?name=ann",
        "/fhir/R4/Appointment?patient=Patient/9434765919&date=ge2020",
        "/fhir/R4/Appointment?status=noshow,booked",
    ],
)
def test_a_search_page_costs_two_queries_whatever_its_size(
    fhir, data, django_assert_num_queries, path, count
):
    with django_assert_num_queries(2):  # the total, and the page with its related rows
        fhir.get(f"{path}&_count={count}")


def test_a_read_costs_one_query(fhir, data, django_assert_num_queries):
    appointment = data.appointments.first()
    with django_assert_num_queries(1):
        fhir.get(f"/fhir/R4/Appointment/{appointment.pk}")
    with django_assert_num_queries(1):
        fhir.get("/fhir/R4/Patient/9434765919")


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("rest", "fhir_path"),
    [
        ("/api/v1/patients/?name=ann", "/fhir/R4/Patient?name=ann"),
        ("/api/v1/patients/?postcode=sw1a1aa", "/fhir/R4/Patient?address-postalcode=sw1a1aa"),
        ("/api/v1/patients/?limit=100", "/fhir/R4/Patient?_count=100"),
        ("/api/v1/appointments/?status=missed", "/fhir/R4/Appointment?status=noshow"),
        (
            "/api/v1/appointments/?patient=9434765919",
            "/fhir/R4/Appointment?patient=Patient/9434765919",
        ),
        ("/api/v1/patients/9434765919/", "/fhir/R4/Patient/9434765919"),
    ],
)
def test_fhir_costs_no_more_queries_than_the_rest_api(client, data, rest, fhir_path):
    assert queries(client, fhir_path) <= queries(client, rest)
