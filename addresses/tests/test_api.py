import pytest

from addresses.models import Address
from addresses.tests.factories import AddressFactory
from panda_project.testing import assert_error
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/patients/9434765919/addresses/"
HOME = {"line1": "1 Heol y Frenhines", "town": "Caerdydd", "county": "", "postcode": "cf10 1aa"}


@pytest.fixture
def patient():
    return PatientFactory(nhs_number="9434765919")


def test_a_patient_may_have_several_addresses(api, patient):
    assert api.post(URL, HOME).status_code == 201
    second = api.post(URL, HOME | {"line1": "2 Stryd Fawr", "country": "Cymru"})
    assert second.status_code == 201
    body = api.get(URL).json()
    assert body["count"] == 2
    assert {a["postcode"] for a in body["results"]} == {"CF10 1AA"}
    assert second.json()["country"] == "Cymru"


def test_an_address_is_reached_through_its_owner(api, patient):
    address = api.post(URL, HOME).json()
    assert address["url"].endswith(f"{URL}{address['id']}/")
    assert api.get(f"{URL}{address['id']}/").json()["line1"] == HOME["line1"]
    other = AddressFactory()
    assert_error(api.get(f"{URL}{other.pk}/"), 404, "not_found")


def test_addresses_are_not_a_top_level_list(api):
    assert_error(api.get("/api/v1/addresses/"), 404, "not_found")


def test_a_bad_postcode_is_400_and_nothing_is_stored(api, patient):
    assert_error(api.post(URL, HOME | {"postcode": "CF10"}), 400, "postcode_invalid", "postcode")
    assert not Address.objects.exists()


def test_an_address_can_be_changed_and_deleted(api, patient):
    address = api.post(URL, HOME).json()
    assert api.patch(f"{URL}{address['id']}/", {"town": "Cardiff"}).json()["town"] == "Cardiff"
    assert api.delete(f"{URL}{address['id']}/").status_code == 204
    assert not Address.objects.exists()


def test_an_unknown_patient_has_no_addresses(api):
    assert_error(api.get(URL), 404, "not_found")
    assert_error(api.post(URL, HOME), 404, "not_found")


def test_the_list_costs_the_same_queries_whatever_its_length(
    api, patient, django_assert_num_queries
):
    AddressFactory.create_batch(10, owner=patient)
    with django_assert_num_queries(3):  # the patient, the count and the page
        assert len(api.get(URL).json()["results"]) == 10
