"""Clinicians' registration numbers, their memberships of organisations and sites, and
departments' organisations and deletion."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError

from appointments.tests.factories import AppointmentFactory
from clinicians.models import Membership
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from organisations.tests.factories import OrganisationFactory, SiteFactory
from panda_project.testing import assert_error

pytestmark = pytest.mark.django_db

# A fixed day, so that a run crossing midnight cannot change what is current.
TODAY = dt.date(2026, 6, 15)
at_noon_today = time_machine.travel(dt.datetime(2026, 6, 15, 11, 0, tzinfo=dt.UTC), tick=False)


def memberships_url(clinician) -> str:
    return f"/api/v1/clinicians/{clinician.pk}/memberships/"


def test_a_registration_number_is_normalised_optional_and_unique(api):
    created = api.post(
        "/api/v1/clinicians/", {"name": "Dr Okafor", "registration_number": "pa-12345"}
    )
    assert created.status_code == 201, created.json()
    assert created.json()["registration_number"] == "PA12345"
    assert api.post("/api/v1/clinicians/", {"name": "Dr Wu"}).json()["registration_number"] is None
    assert api.post("/api/v1/clinicians/", {"name": "Dr Li"}).status_code == 201
    assert_error(
        api.post("/api/v1/clinicians/", {"name": "Dr X", "registration_number": "PA 12345"}),
        409,
        "registration_number_exists",
    )
    assert_error(
        api.post("/api/v1/clinicians/", {"name": "Dr X", "registration_number": "12"}),
        400,
        "registration_number_invalid",
        "registration_number",
    )
    assert api.get("/api/v1/clinicians/", {"registration_number": "pa12345"}).json()["count"] == 1


@at_noon_today
def test_a_clinician_works_at_places_over_time_and_the_history_stays(api):
    clinician = ClinicianFactory()
    trust = OrganisationFactory()
    site = SiteFactory(organisation=trust)
    earlier = {"organisation": trust.pk, "started_on": "2020-01-01", "ended_on": "2022-12-31"}
    current = {"organisation": trust.pk, "site": site.pk, "started_on": "2023-01-01"}

    first = api.post(memberships_url(clinician), earlier)
    second = api.post(memberships_url(clinician), current)

    assert first.status_code == second.status_code == 201, (first.json(), second.json())
    assert second["Location"] == second.json()["url"]
    body = api.get(f"/api/v1/clinicians/{clinician.pk}/").json()
    assert [
        (m["started_on"], m["site"] and m["site"]["id"], m["current"]) for m in body["memberships"]
    ] == [
        ("2023-01-01", site.pk, True),
        ("2020-01-01", None, False),
    ]
    ended = api.patch(second.json()["url"], {"ended_on": TODAY.isoformat()})
    assert (ended.json()["ended_on"], ended.json()["current"]) == (TODAY.isoformat(), True)
    assert Membership.objects.filter(clinician=clinician).count() == 2


@at_noon_today
def test_clinicians_are_filtered_by_where_they_work_today(api):
    site = SiteFactory()
    here, left, elsewhere = ClinicianFactory(), ClinicianFactory(), ClinicianFactory()
    Membership.objects.create(
        clinician=here, organisation=site.organisation, site=site, started_on="2020-01-01"
    )
    Membership.objects.create(
        clinician=left,
        organisation=site.organisation,
        site=site,
        started_on="2020-01-01",
        ended_on=TODAY - dt.timedelta(days=1),
    )
    Membership.objects.create(
        clinician=elsewhere, organisation=OrganisationFactory(), started_on="2020-01-01"
    )

    by_site = api.get("/api/v1/clinicians/", {"site": site.pk}).json()["results"]
    by_organisation = api.get("/api/v1/clinicians/", {"organisation": site.organisation.pk}).json()
    assert [c["id"] for c in by_site] == [here.pk]
    assert [c["id"] for c in by_organisation["results"]] == [here.pk]


@pytest.mark.parametrize("value", ["-9.063087053723522e+160", "1.5", "0", str(2**63), "x"])
@pytest.mark.parametrize("name", ["organisation", "site"])
def test_a_place_filter_takes_only_an_id(api, name, value):
    assert_error(api.get("/api/v1/clinicians/", {name: value}), 400, "validation_error")


def test_membership_rules_are_enforced(api):
    clinician = ClinicianFactory()
    trust = OrganisationFactory()
    other_site = SiteFactory()
    url = memberships_url(clinician)

    assert_error(
        api.post(
            url, {"organisation": trust.pk, "site": other_site.pk, "started_on": "2024-01-01"}
        ),
        400,
        "site_of_other_organisation",
        "site",
    )
    assert_error(
        api.post(
            url, {"organisation": trust.pk, "started_on": "2024-01-01", "ended_on": "2023-01-01"}
        ),
        400,
        "ends_before_start",
        "ended_on",
    )
    assert api.post(url, {"organisation": trust.pk, "started_on": "2024-01-01"}).status_code == 201
    assert_error(
        api.post(
            url, {"organisation": trust.pk, "started_on": "2024-06-01", "ended_on": "2024-07-01"}
        ),
        409,
        "membership_overlaps",
    )
    assert_error(
        api.post(url, {"organisation": trust.pk, "started": "2024-01-01"}),
        400,
        "unknown_field",
        "started",
    )
    assert_error(api.get("/api/v1/clinicians/999/memberships/"), 404, "not_found")


def test_the_database_refuses_a_membership_that_ends_before_it_starts():
    with pytest.raises(IntegrityError):
        Membership.objects.create(
            clinician=ClinicianFactory(),
            organisation=OrganisationFactory(),
            started_on="2024-02-01",
            ended_on="2024-01-31",
        )


def test_a_membership_recorded_in_error_can_be_deleted(api):
    clinician = ClinicianFactory()
    membership = Membership.objects.create(
        clinician=clinician, organisation=OrganisationFactory(), started_on="2024-01-01"
    )
    assert api.delete(f"{memberships_url(clinician)}{membership.pk}/").status_code == 204
    assert not Membership.objects.exists()


def test_a_department_may_belong_to_an_organisation(api):
    trust = OrganisationFactory()
    created = api.post("/api/v1/departments/", {"name": "renal", "organisation": trust.pk}).json()

    assert created["organisation"] == trust.pk
    assert created["organisation_url"].endswith(f"/api/v1/organisations/{trust.pk}/")
    assert api.get("/api/v1/departments/", {"organisation": trust.pk}).json()["count"] == 1
    cleared = api.patch(created["url"], {"organisation": None}).json()
    assert (cleared["organisation"], cleared["name"]) == (None, "renal")
    assert_error(
        api.patch(created["url"], {"organisation": 999}), 400, "does_not_exist", "organisation"
    )


@pytest.mark.parametrize("kind", ["clinician", "department"])
def test_clinicians_and_departments_with_appointments_cannot_be_deleted(api, kind):
    appointment = AppointmentFactory()
    in_use = getattr(appointment, kind)
    assert_error(api.delete(f"/api/v1/{kind}s/{in_use.pk}/"), 409, f"{kind}_in_use")
    unused = (ClinicianFactory if kind == "clinician" else DepartmentFactory)(name="unused")
    assert api.delete(f"/api/v1/{kind}s/{unused.pk}/").status_code == 204
