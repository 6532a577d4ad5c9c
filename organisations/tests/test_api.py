"""Organisations, their addresses and their sites, through the API."""

import pytest

from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from organisations.models import Organisation
from organisations.tests.factories import OrganisationFactory, SiteFactory
from panda_project.testing import assert_error

pytestmark = pytest.mark.django_db

ADDRESS = {"line1": "1 River Street", "town": "Leeds", "postcode": "ls14ap"}


def test_an_organisation_is_created_with_its_ods_code_normalised(api):
    response = api.post("/api/v1/organisations/", {"name": " Leeds Teaching ", "ods_code": "rr8"})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["ods_code"]) == ("Leeds Teaching", "RR8")
    assert body["addresses_url"].endswith(f"/api/v1/organisations/{body['id']}/addresses/")
    assert api.get(body["sites_url"]).json()["count"] == 0


def test_the_ods_code_is_optional_and_unique(api):
    for _ in range(2):
        assert api.post("/api/v1/organisations/", {"name": "A practice"}).status_code == 201
    assert Organisation.objects.filter(ods_code__isnull=True).count() == 2
    OrganisationFactory(ods_code="RJ1")
    assert_error(
        api.post("/api/v1/organisations/", {"name": "X", "ods_code": "rj1"}), 409, "ods_code_exists"
    )


@pytest.mark.parametrize("code", ["R1", "RJ-1", "TOOLONGCODE1"])
def test_malformed_ods_codes_are_400(api, code):
    assert_error(
        api.post("/api/v1/organisations/", {"name": "X", "ods_code": code}),
        400,
        "ods_code_invalid",
        "ods_code",
    )


def test_unknown_and_read_only_fields_are_refused(api):
    assert_error(
        api.post("/api/v1/organisations/", {"name": "X", "odscode": "RJ1"}),
        400,
        "unknown_field",
        "odscode",
    )
    assert_error(
        api.post("/api/v1/organisations/", {"name": "X", "id": 4}), 400, "read_only_field", "id"
    )


def test_organisations_are_filtered_and_paginated(api):
    OrganisationFactory(name="Leeds Teaching", ods_code="RR8")
    OrganisationFactory(name="Barts Health", ods_code="R1H")

    body = api.get("/api/v1/organisations/", {"ods_code": "r1h"}).json()
    assert [o["name"] for o in body["results"]] == ["Barts Health"]
    assert api.get("/api/v1/organisations/", {"name": "leeds"}).json()["count"] == 1
    assert api.get("/api/v1/organisations/", {"limit": 1}).json()["next"]
    assert_error(
        api.get("/api/v1/organisations/", {"ods_code": "!"}), 400, "ods_code_invalid", "ods_code"
    )


def test_an_organisation_has_addresses_of_its_own(api):
    organisation = OrganisationFactory()
    url = f"/api/v1/organisations/{organisation.pk}/addresses/"

    created = api.post(url, ADDRESS)
    assert created.status_code == 201, created.json()
    assert created.json()["postcode"] == "LS1 4AP"
    assert created.json()["url"].endswith(f"{url}{created.json()['id']}/")
    assert api.get(url).json()["count"] == 1
    assert api.patch(created.json()["url"], {"town": "Bradford"}).json()["town"] == "Bradford"
    assert api.delete(created.json()["url"]).status_code == 204
    assert_error(api.get("/api/v1/organisations/999/addresses/"), 404, "not_found")


def test_an_organisation_in_use_cannot_be_deleted(api):
    site = SiteFactory()
    assert_error(
        api.delete(f"/api/v1/organisations/{site.organisation.pk}/"), 409, "organisation_in_use"
    )
    unused = OrganisationFactory()
    assert api.delete(f"/api/v1/organisations/{unused.pk}/").status_code == 204


def test_a_site_is_created_with_its_address(api):
    organisation = OrganisationFactory()

    response = api.post(
        "/api/v1/sites/",
        {"name": "St James's", "organisation": organisation.pk, "address": ADDRESS},
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["address"]["postcode"] == "LS1 4AP"
    assert body["organisation"] == organisation.pk
    changed = api.patch(body["url"], {"address": {"town": "Wakefield"}}).json()
    assert (changed["address"]["town"], changed["address"]["line1"]) == (
        "Wakefield",
        "1 River Street",
    )


def test_site_errors_use_the_error_shape(api):
    organisation = OrganisationFactory()
    bad_postcode = {**ADDRESS, "postcode": "nowhere"}
    assert_error(
        api.post(
            "/api/v1/sites/",
            {"name": "A", "organisation": organisation.pk, "address": bad_postcode},
        ),
        400,
        "postcode_invalid",
        "address.postcode",
    )
    assert_error(
        api.post(
            "/api/v1/sites/",
            {"name": "A", "organisation": organisation.pk, "address": {**ADDRESS, "floor": 2}},
        ),
        400,
        "unknown_field",
        "address.floor",
    )
    site = SiteFactory(organisation=organisation, name="A")
    assert_error(
        api.post(
            "/api/v1/sites/", {"name": "A", "organisation": organisation.pk, "address": ADDRESS}
        ),
        409,
        "site_exists",
    )
    assert_error(
        api.patch(f"/api/v1/sites/{site.pk}/", {"organisation": OrganisationFactory().pk}),
        400,
        "organisation_fixed",
        "organisation",
    )


def test_a_site_with_appointments_cannot_be_deleted(api):
    site = SiteFactory()
    AppointmentFactory(site=site)
    assert_error(api.delete(f"/api/v1/sites/{site.pk}/"), 409, "site_in_use")
    empty = SiteFactory()
    assert api.delete(f"/api/v1/sites/{empty.pk}/").status_code == 204


def test_sites_are_filtered_by_organisation(api):
    site = SiteFactory()
    SiteFactory()

    body = api.get("/api/v1/sites/", {"organisation": site.organisation.pk}).json()
    assert [s["id"] for s in body["results"]] == [site.pk]


def test_lists_keep_a_fixed_number_of_queries(api, django_assert_num_queries):
    for _ in range(3):
        SiteFactory()
        clinician = ClinicianFactory()
        clinician.memberships.create(organisation=OrganisationFactory(), started_on="2024-01-01")
    DepartmentFactory(organisation=OrganisationFactory())

    with django_assert_num_queries(3):  # count, sites with organisations, their addresses
        api.get("/api/v1/sites/")
    with django_assert_num_queries(3):  # count, clinicians, memberships with places
        api.get("/api/v1/clinicians/")
    with django_assert_num_queries(2):
        api.get("/api/v1/organisations/")
