"""Every list refuses a query parameter it does not read and an ordering it cannot sort by, with a
400 naming the parameter: a typo surfaces instead of giving a wrong order or unfiltered data."""

import pytest

from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from organisations.tests.factories import OrganisationFactory
from panda_project.testing import assert_error
from patients.tests.factories import PatientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("debug")]


@pytest.fixture
def lists():
    """Every list of the API, with an ordering it takes, or None where it takes none."""
    PatientFactory(nhs_number="9434765919")
    organisation = OrganisationFactory()
    clinician = ClinicianFactory()
    return {
        "/api/v1/patients/": "-name",
        "/api/v1/appointments/": "-starts_at",
        "/api/v1/clinicians/": "name",
        "/api/v1/departments/": "-id",
        "/api/v1/organisations/": "ods_code",
        "/api/v1/sites/": "-created_at",
        "/api/v1/patients/9434765919/appointments/": "ends_at",
        "/api/v1/patients/9434765919/addresses/": None,
        f"/api/v1/organisations/{organisation.pk}/addresses/": None,
        f"/api/v1/clinicians/{clinician.pk}/memberships/": None,
    }


def test_an_unknown_parameter_is_400_on_every_list(client, lists):
    for url in lists:
        body = assert_error(client.get(url, {"foo": "bar"}), 400, "unknown_parameter", "foo")
        assert body["errors"]["foo"][0]["message"].startswith(
            "This query parameter is not known here. Known: "
        ), url


def test_each_unknown_parameter_is_named(client, lists):
    body = client.get("/api/v1/patients/", {"nmae": "ada", "limt": "5"}).json()
    assert sorted(body["errors"]) == ["limt", "nmae"]


def test_the_message_lists_what_the_list_reads(client, lists):
    response = client.get("/api/v1/patients/", {"gender": "f"})
    body = assert_error(response, 400, "unknown_parameter", "gender")
    assert body["errors"]["gender"][0]["message"] == (
        "This query parameter is not known here. Known: cursor, date_of_birth, limit, name, "
        "nhs_number, offset, ordering, postcode."
    )


def test_every_known_parameter_is_still_taken(client, lists):
    query = {
        "status": "active",
        "patient": "9434765919",
        "clinician": str(ClinicianFactory().pk),
        "department": str(DepartmentFactory().pk),
        "starts_after": "2026-01-01T00:00:00Z",
        "starts_before": "2036-01-01T00:00:00Z",
        "ordering": "-starts_at",
        "limit": "5",
        "offset": "0",
    }
    assert client.get("/api/v1/appointments/", query).status_code == 200
    assert client.get("/api/v1/appointments/", {"cursor": "", "limit": "5"}).status_code == 200


@pytest.mark.parametrize("ordering", ["bogus", "-start", "name,bogus", "start_at"])
def test_an_unknown_ordering_is_400_on_every_list_that_sorts(client, lists, ordering):
    for url, allowed in lists.items():
        response = client.get(url, {"ordering": ordering})
        if allowed is None:  # a list that does not sort: ordering itself is unknown
            assert_error(response, 400, "unknown_parameter", "ordering")
        else:
            assert_error(response, 400, "invalid_ordering", "ordering")


def test_the_ordering_message_lists_every_value(client, lists):
    body = client.get("/api/v1/appointments/", {"ordering": "-start"}).json()
    assert body["errors"]["ordering"] == [
        {
            "code": "invalid_ordering",
            "message": "This list cannot be sorted that way. Sort by one of: starts_at, "
            "-starts_at, ends_at, -ends_at, created_at, -created_at, updated_at, -updated_at.",
        }
    ]


def test_a_known_ordering_still_sorts(client, lists):
    for url, allowed in lists.items():
        if allowed is not None:
            assert client.get(url, {"ordering": allowed}).status_code == 200, url
    PatientFactory(name="Zoe Adams", nhs_number="4010232137")
    names = [
        p["name"] for p in client.get("/api/v1/patients/", {"ordering": "-name"}).json()["results"]
    ]
    assert names == sorted(names, reverse=True)


def test_the_statistics_name_an_unknown_parameter_the_same_way(client):
    url = "/api/v1/stats/missed-appointments/"
    assert_error(client.get(url, {"grup_by": "site"}), 400, "unknown_parameter", "grup_by")
