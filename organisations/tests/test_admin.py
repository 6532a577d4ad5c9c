"""Organisations, sites and clinicians' memberships in the back office, through the services."""

import pytest
from django.urls import reverse

from clinicians.models import Membership
from clinicians.tests.factories import ClinicianFactory
from organisations.models import Site
from organisations.tests.factories import OrganisationFactory, SiteFactory

pytestmark = pytest.mark.django_db

FACTORIES = {"organisations_organisation": OrganisationFactory, "organisations_site": SiteFactory}


@pytest.mark.parametrize("model", FACTORIES)
def test_the_list_add_and_change_pages_load(admin_client, model):
    obj = FACTORIES[model]()
    for url in (
        reverse(f"admin:{model}_changelist"),
        reverse(f"admin:{model}_add"),
        reverse(f"admin:{model}_change", args=[obj.pk]),
    ):
        assert admin_client.get(url).status_code == 200
    assert admin_client.get(reverse(f"admin:{model}_changelist"), {"q": "rj1"}).status_code == 200


def test_a_site_is_added_with_its_address_in_one_form(admin_client):
    organisation = OrganisationFactory()
    form = {
        "name": "Chapel Allerton Hospital",
        "organisation": organisation.pk,
        "line1": "Chapeltown Road",
        "town": "Leeds",
        "postcode": "ls74sa",
        "country": "United Kingdom",
    }

    response = admin_client.post(reverse("admin:organisations_site_add"), form)

    assert response.status_code == 302, response.context["adminform"].form.errors
    site = Site.objects.get()
    assert (site.organisation, site.address.postcode) == (organisation, "LS7 4SA")
    refused = admin_client.post(reverse("admin:organisations_site_add"), form)
    assert refused.status_code == 200
    assert "already has a site with this name" in refused.content.decode()


def test_a_bad_ods_code_is_shown_on_the_form(admin_client):
    response = admin_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "X",
            "ods_code": "R-1",
            "addresses-address-content_type-object_id-TOTAL_FORMS": "0",
            "addresses-address-content_type-object_id-INITIAL_FORMS": "0",
            "sites-TOTAL_FORMS": "0",
            "sites-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["ods_code"]


def test_a_membership_is_recorded_on_the_clinicians_page(admin_client):
    clinician = ClinicianFactory()
    site = SiteFactory()
    form = {
        "name": clinician.name,
        "registration_number": "gmc 1234567",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-organisation": site.organisation.pk,
        "memberships-0-site": site.pk,
        "memberships-0-started_on": "2024-09-01",
        "memberships-0-ended_on": "",
    }

    response = admin_client.post(
        reverse("admin:clinicians_clinician_change", args=[clinician.pk]), form
    )

    assert response.status_code == 302, response.context["errors"]
    clinician.refresh_from_db()
    assert clinician.registration_number == "GMC1234567"
    assert Membership.objects.get(clinician=clinician).site == site
