import datetime as dt

import pytest

from panda_project.testing import assert_error
from patients.models import Patient
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/patients/"
VALID = {
    "nhs_number": "943 476 5919",
    "name": "Siân O'Brien-McKenzie",
    "date_of_birth": "1985-03-14",
    "postcode": "sw1a1aa",
}


class TestCreate:
    def test_a_patient_is_registered_and_shown_in_the_exchange_format(self, api):
        response = api.post(URL, VALID)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["nhs_number"] == "9434765919"
        assert body["name"] == "Siân O'Brien-McKenzie"
        assert body["postcode"] == "SW1A 1AA"
        assert body["date_of_birth"] == "1985-03-14"
        assert body["url"].endswith("/api/v1/patients/9434765919/")
        assert body["addresses_url"].endswith("/api/v1/patients/9434765919/addresses/")
        assert body["appointments_url"].endswith("/api/v1/patients/9434765919/appointments/")
        assert body["created_at"].endswith(("Z", "+00:00", "+01:00"))

    def test_invalid_fields_are_all_reported_with_their_codes(self, api):
        response = api.post(URL, VALID | {"nhs_number": "9434765918", "postcode": "NOWHERE"})
        body = assert_error(response, 400, "nhs_number_checksum", field="nhs_number")
        assert body["errors"]["postcode"][0]["code"] == "postcode_invalid"
        assert not Patient.objects.exists()

    def test_a_duplicate_nhs_number_is_409(self, api):
        PatientFactory(nhs_number="9434765919")
        assert_error(api.post(URL, VALID), 409, "nhs_number_exists")

    def test_missing_fields_are_400(self, api):
        body = assert_error(api.post(URL, {}), 400, "required", field="nhs_number")
        assert {"name", "date_of_birth", "postcode"} <= set(body["errors"])

    def test_unknown_and_read_only_fields_are_refused(self, api):
        body = assert_error(
            api.post(URL, VALID | {"nhs_numbr": "1"}), 400, "unknown_field", "nhs_numbr"
        )
        assert body["errors"]["nhs_numbr"][0]["message"]
        assert_error(
            api.post(URL, VALID | {"created_at": "x"}), 400, "read_only_field", "created_at"
        )
        assert not Patient.objects.exists()

    def test_a_future_date_of_birth_is_400(self, api):
        tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
        assert_error(
            api.post(URL, VALID | {"date_of_birth": tomorrow}),
            400,
            "date_of_birth_future",
            "date_of_birth",
        )

    def test_a_name_over_300_characters_is_400_and_300_is_fine(self, api):
        assert_error(api.post(URL, VALID | {"name": "n" * 301}), 400, "max_length", "name")
        assert api.post(URL, VALID | {"name": "n" * 300}).status_code == 201

    def test_a_body_that_is_not_json_is_415(self, api):
        response = api.post(URL, "nhs_number=1", content_type="application/x-www-form-urlencoded")
        assert_error(response, 415, "unsupported_media_type")

    def test_malformed_json_is_400(self, api):
        assert_error(
            api.post(URL, '{"nhs_number": ', content_type="application/json"), 400, "malformed_json"
        )

    def test_a_body_over_one_mebibyte_is_413(self, api):
        response = api.post(URL, VALID | {"name": "x" * (1024 * 1024)})
        assert_error(response, 413, "request_too_large")
        assert not Patient.objects.exists()

    def test_an_invalid_phone_or_email_is_400(self, api):
        body = assert_error(
            api.post(URL, VALID | {"phone": "123", "email": "not-an-email"}),
            400,
            "phone_invalid",
            "phone",
        )
        assert body["errors"]["email"][0]["code"] == "invalid"


class TestRead:
    def test_a_patient_is_found_by_nhs_number_in_any_spelling(self, api):
        PatientFactory(nhs_number="9434765919")
        for spelling in ("9434765919", "943 476 5919", "943-476-5919"):
            response = api.get(f"{URL}{spelling}/")
            assert response.status_code == 200
            assert response.json()["nhs_number"] == "9434765919"

    @pytest.mark.parametrize("nhs_number", ["9434765919", "0000000001", "abc", "12345"])
    def test_an_unknown_or_impossible_nhs_number_is_404(self, api, nhs_number):
        assert_error(api.get(f"{URL}{nhs_number}/"), 404, "not_found")

    def test_the_list_is_paginated_with_limit_and_offset(self, api):
        PatientFactory.create_batch(25)
        body = api.get(URL).json()
        assert body["count"] == 25
        assert len(body["results"]) == 20
        assert "offset=20" in body["next"]
        assert body["previous"] is None
        assert len(api.get(URL, {"limit": 100}).json()["results"]) == 25

    @pytest.mark.parametrize(
        "query", [{"limit": 101}, {"limit": 0}, {"limit": "x"}, {"offset": -1}]
    )
    def test_a_bad_limit_or_offset_is_400(self, api, query):
        assert_error(api.get(URL, query), 400, "invalid", field=next(iter(query)))

    @pytest.mark.parametrize(
        ("query", "found"),
        [
            ({"name": "sian"}, True),
            ({"name": "OBRIEN mck"}, True),
            ({"name": "nobody"}, False),
            ({"nhs_number": "943 476 5919"}, True),
            ({"postcode": "sw1a1aa"}, True),
            ({"postcode": "M1 1AE"}, False),
            ({"date_of_birth": "1985-03-14"}, True),
        ],
    )
    def test_patients_are_filtered(self, api, query, found):
        PatientFactory(
            nhs_number="9434765919",
            name="Siân O'Brien-McKenzie",
            postcode="SW1A 1AA",
            date_of_birth=dt.date(1985, 3, 14),
        )
        PatientFactory(name="Someone Else", postcode="E1 6AN", date_of_birth=dt.date(1990, 1, 1))
        names = [p["name"] for p in api.get(URL, query).json()["results"]]
        assert names == (["Siân O'Brien-McKenzie"] if found else [])

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({"nhs_number": "123"}, "nhs_number"),
            ({"postcode": "nowhere"}, "postcode"),
            ({"date_of_birth": "2023-02-30"}, "date_of_birth"),
            ({"name": "a\x00b"}, "name"),
        ],
    )
    def test_invalid_filter_values_are_400(self, api, query, field):
        response = api.get(URL, query)
        assert response.status_code == 400
        assert field in response.json()["errors"]

    def test_patients_can_be_ordered_by_name(self, api):
        for name in ("Carys", "Aled", "Bethan"):
            PatientFactory(name=name)
        names = [p["name"] for p in api.get(URL, {"ordering": "-name"}).json()["results"]]
        assert names == ["Carys", "Bethan", "Aled"]

    def test_the_list_costs_the_same_queries_whatever_the_page_size(
        self, api, django_assert_num_queries
    ):
        PatientFactory.create_batch(30)
        with django_assert_num_queries(2):  # the count and the page
            assert len(api.get(URL, {"limit": 5}).json()["results"]) == 5
        with django_assert_num_queries(2):
            assert len(api.get(URL, {"limit": 30}).json()["results"]) == 30


class TestChange:
    def test_put_replaces_and_coerces(self, api):
        PatientFactory(nhs_number="9434765919")
        response = api.put(f"{URL}9434765919/", VALID | {"postcode": "e16an"})
        assert response.status_code == 200, response.json()
        assert response.json()["postcode"] == "E1 6AN"

    def test_patch_changes_one_field(self, api):
        PatientFactory(nhs_number="9434765919", name="Old")
        response = api.patch(f"{URL}943 476 5919/", {"name": "Ó Briain"})
        assert response.json()["name"] == "Ó Briain"
        assert Patient.objects.get().name_search == "o briain"

    def test_patch_to_an_existing_nhs_number_is_409(self, api):
        PatientFactory(nhs_number="9434765919")
        PatientFactory(nhs_number="2425895140")
        assert_error(
            api.patch(f"{URL}2425895140/", {"nhs_number": "9434765919"}), 409, "nhs_number_exists"
        )

    def test_a_bad_patch_changes_nothing(self, api):
        PatientFactory(nhs_number="9434765919", name="Kept")
        api.patch(f"{URL}9434765919/", {"name": "New", "postcode": "bad"})
        assert Patient.objects.get().name == "Kept"

    def test_delete_removes_the_patient(self, api):
        PatientFactory(nhs_number="9434765919")
        assert api.delete(f"{URL}9434765919/").status_code == 204
        assert_error(api.get(f"{URL}9434765919/"), 404, "not_found")
        assert_error(api.delete(f"{URL}9434765919/"), 404, "not_found")
