"""The example data, imported, reads the same through FHIR as through the REST API."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from appointments.durations import parse_duration_text
from appointments.importer import import_appointments, import_patients, read_rows

pytestmark = pytest.mark.django_db
DATA = Path(settings.BASE_DIR) / "data"
NHS = "https://fhir.nhs.uk/Id/nhs-number"
REST_STATUS = {
    "booked": "active",
    "fulfilled": "attended",
    "cancelled": "cancelled",
    "noshow": "missed",
}


@pytest.fixture
def example_data():
    assert import_patients(read_rows(DATA / "example_patients.json")).counts["created"] == 100
    assert (
        import_appointments(read_rows(DATA / "example_appointments.json")).counts["created"] == 100
    )


def rest_list(api, path) -> list[dict]:
    body = api.get(path, {"limit": 100}).json()
    assert body["count"] == len(body["results"]) == 100
    return body["results"]


def test_every_patient_has_the_rest_apis_identifier_name_birth_date_and_postcode(
    fhir, api, example_data
):
    for expected in rest_list(api, "/api/v1/patients/"):
        patient = fhir.get(f"/fhir/R4/Patient/{expected['nhs_number']}")

        assert patient["id"] == expected["nhs_number"]
        assert patient["identifier"] == [{"system": NHS, "value": expected["nhs_number"]}]
        assert patient["name"][0]["text"] == expected["name"]
        assert patient["birthDate"] == expected["date_of_birth"]
        assert patient["address"][0]["postalCode"] == expected["postcode"]
        # And a search by the identifier finds that patient alone.
        found = fhir.search("Patient", {"identifier": f"{NHS}|{expected['nhs_number']}"})
        assert found == [expected["nhs_number"]]


def test_every_appointment_has_the_rest_apis_status_times_and_participants(fhir, api, example_data):
    bundle = fhir.get("/fhir/R4/Appointment", {"_count": 100})
    assert bundle["total"] == 100
    appointments = {entry["resource"]["id"]: entry["resource"] for entry in bundle["entry"]}

    for expected in rest_list(api, "/api/v1/appointments/"):
        appointment = appointments[expected["id"]]

        assert REST_STATUS[appointment["status"]] == expected["status"]
        for fhir_name, rest_name in [("start", "starts_at"), ("end", "ends_at")]:
            assert dt.datetime.fromisoformat(appointment[fhir_name]) == dt.datetime.fromisoformat(
                expected[rest_name]
            )
        duration = parse_duration_text(expected["duration"])
        assert appointment["minutesDuration"] * 60 == duration.total_seconds()
        patient, practitioner, _location = (p["actor"] for p in appointment["participant"])
        assert patient["reference"] == f"Patient/{expected['patient']}"
        assert practitioner["reference"] == f"Practitioner/{expected['clinician']['id']}"
        assert appointment["serviceType"] == [{"text": expected["department"]["name"]}]
        assert appointment["contained"][0]["address"]["postalCode"] == expected["postcode"]

    # And a search by each status finds what the REST API's status filter finds.
    seen = 0
    for status, rest_status in REST_STATUS.items():
        rest = api.get("/api/v1/appointments/", {"status": rest_status, "limit": 100}).json()
        found = fhir.search("Appointment", {"status": status, "_count": 100})

        assert sorted(found) == sorted(row["id"] for row in rest["results"])
        seen += len(found)
    assert seen == 100
