"""FHIR's HTTP details: OPTIONS does what Allow says, and the older FHIR media type is accepted."""

import pytest

from patients.tests.factories import PatientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("debug")]


@pytest.mark.parametrize(
    "path", ["/fhir/R4/metadata", "/fhir/R4/Patient", "/fhir/R4/Patient/9434765919"]
)
def test_options_is_answered_as_allow_says(client, path):
    PatientFactory(nhs_number="9434765919")
    allowed = client.get(path)["Allow"]
    assert allowed == "GET, HEAD, OPTIONS"
    response = client.options(path)
    assert response.status_code == 204
    assert response["Allow"] == allowed
    assert response.content == b""


@pytest.mark.parametrize(
    "accept",
    ["application/json+fhir", "application/json+fhir; charset=utf-8", "application/fhir+json"],
)
def test_the_older_fhir_media_type_is_an_alias(client, accept):
    PatientFactory(nhs_number="9434765919")
    response = client.get("/fhir/R4/Patient/9434765919", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["id"] == "9434765919"


def test_a_media_type_fhir_does_not_have_is_still_406(client):
    response = client.get("/fhir/R4/metadata", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert response.json()["resourceType"] == "OperationOutcome"
