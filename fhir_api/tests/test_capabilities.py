"""The CapabilityStatement lists exactly what is supported."""

import pytest
from django.apps import apps

from appointments.tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

# A value each listed parameter accepts.
SAMPLES = {
    ("Patient", "_id"): "9434765919",
    ("Patient", "identifier"): "https://fhir.nhs.uk/Id/nhs-number|9434765919",
    ("Patient", "name"): "sian",
    ("Patient", "birthdate"): "ge1980",
    ("Patient", "address-postalcode"): "SW1A",
    ("Appointment", "_id"): "2f8a7d0e-3a5c-4a71-9b0e-7a1c8d6e5f40",
    ("Appointment", "patient"): "Patient/9434765919",
    ("Appointment", "practitioner"): "Practitioner/1",
    ("Appointment", "status"): "booked",
    ("Appointment", "date"): "lt2030-01-01",
}


@pytest.fixture
def statement(fhir):
    return fhir.get("/fhir/R4/metadata")


def test_capability_statement_declares_fhir_r4_json(statement):
    assert statement["fhirVersion"] == "4.0.1"
    assert statement["kind"] == "instance"
    assert "application/fhir+json" in statement["format"]
    assert statement["implementation"]["url"] == "http://testserver/fhir/R4/"


def test_capability_statement_lists_the_resource_types_read_only(statement):
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    communications = {"Communication"} if apps.is_installed("reminders") else set()

    assert set(resources) == {"Patient", "Appointment", "Practitioner", "Organization"} | (
        communications
    )
    for resource in resources.values():
        codes = {interaction["code"] for interaction in resource["interaction"]}
        assert codes <= {"read", "search-type"}
    assert "searchParam" not in resources["Practitioner"]


def test_every_listed_search_parameter_works_and_nothing_else(fhir, statement):
    AppointmentFactory()
    for resource in statement["rest"][0]["resource"]:
        for parameter in resource.get("searchParam", []):
            name = parameter["name"]
            value = "5" if parameter["type"] == "number" else SAMPLES[(resource["type"], name)]
            bundle = fhir.get(f"/fhir/R4/{resource['type']}", {name: value})
            assert bundle["type"] == "searchset"
        listed = {parameter["name"] for parameter in resource.get("searchParam", [])}
        if listed:
            # Every listed parameter has a sample, and no sample is of an unlisted parameter.
            assert listed - {"_count", "_offset"} == {
                name for kind, name in SAMPLES if kind == resource["type"]
            }
