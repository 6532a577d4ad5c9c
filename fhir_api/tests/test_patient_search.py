"""Searching patients: identifier, name, birthdate, address-postalcode and _id."""

import datetime as dt

import pytest

from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
NHS = "https://fhir.nhs.uk/Id/nhs-number"


def names(fhir, **query) -> set[str]:
    bundle = fhir.get("/fhir/R4/Patient", query)
    return {entry["resource"]["name"][0]["text"] for entry in bundle.get("entry", [])}


@pytest.fixture
def patients():
    return {
        "sian": PatientFactory(
            nhs_number="9434765919",
            name="Siân O'Brien-McKenzie",
            date_of_birth=dt.date(1980, 2, 29),
            postcode="SW1A 1AA",
        ),
        "brian": PatientFactory(
            nhs_number="4010232137",
            name="Brian Adams",
            date_of_birth=dt.date(1980, 2, 28),
            postcode="SW1A 2AA",
        ),
        "wan": PatientFactory(
            nhs_number="1373645350",
            name="Obi Wan",
            date_of_birth=dt.date(1980, 3, 1),
            postcode="SW19 1AA",
        ),
        "ada": PatientFactory(
            nhs_number="1953262716",
            name="Ada Lovelace",
            date_of_birth=dt.date(1981, 1, 1),
            postcode="M1 1AE",
        ),
    }


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        (f"{NHS}|9434765919", {"Siân O'Brien-McKenzie"}),
        ("9434765919", {"Siân O'Brien-McKenzie"}),
        (f"{NHS}|943 476 5919", {"Siân O'Brien-McKenzie"}),
        (f"{NHS}|9434765919,{NHS}|4010232137", {"Siân O'Brien-McKenzie", "Brian Adams"}),
        (f"{NHS}|", {"Siân O'Brien-McKenzie", "Brian Adams", "Obi Wan", "Ada Lovelace"}),
        ("https://example.org/other-system|9434765919", set()),
        ("|9434765919", set()),
        (f"{NHS}|9434765918", set()),
    ],
    ids=[
        "system and value",
        "value alone",
        "spaced",
        "either of two",
        "any in the system",
        "another system",
        "no system",
        "bad check digit",
    ],
)
def test_identifier_search(fhir, patients, identifier, expected):
    assert names(fhir, identifier=identifier) == expected


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("name", "sian", {"Siân O'Brien-McKenzie"}),
        ("name", "SIÂN", {"Siân O'Brien-McKenzie"}),
        ("name", "obrien", {"Siân O'Brien-McKenzie"}),
        ("name", "mck", {"Siân O'Brien-McKenzie"}),
        ("name", "bri", {"Brian Adams"}),
        ("name", "brien", set()),
        ("name", "sian obr", {"Siân O'Brien-McKenzie"}),
        ("name", "love,wan", {"Ada Lovelace", "Obi Wan"}),
        ("name", "ada", {"Ada Lovelace", "Brian Adams"}),
        ("name:contains", "bri", {"Brian Adams", "Siân O'Brien-McKenzie"}),
        ("name:contains", "love", {"Ada Lovelace"}),
        ("name:exact", "Siân O'Brien-McKenzie", {"Siân O'Brien-McKenzie"}),
        ("name:exact", "siân o'brien-mckenzie", set()),
        ("name:exact", "Siân", set()),
    ],
)
def test_name_search(fhir, patients, key, value, expected):
    assert names(fhir, **{key: value}) == expected


def test_name_without_letters_or_digits_is_refused(fhir, patients):
    assert "letter" in fhir.error("/fhir/R4/Patient", {"name": "!!!"})


@pytest.mark.parametrize(
    ("birthdate", "expected"),
    [
        ("1980-02-29", {"sian"}),
        ("eq1980-02-29", {"sian"}),
        ("ne1980-02-29", {"brian", "wan", "ada"}),
        ("lt1980-02-29", {"brian"}),
        ("eb1980-02-29", {"brian"}),
        ("gt1980-02-29", {"wan", "ada"}),
        ("sa1980-02-29", {"wan", "ada"}),
        ("le1980-02-29", {"brian", "sian"}),
        ("ge1980-02-29", {"sian", "wan", "ada"}),
        ("1980-02", {"brian", "sian"}),
        ("1980", {"brian", "sian", "wan"}),
        ("ge1980-03", {"wan", "ada"}),
        ("lt1981", {"brian", "sian", "wan"}),
        ("gt1980", {"ada"}),
    ],
)
def test_birthdate_search_with_each_prefix_and_precision(fhir, patients, birthdate, expected):
    found = set(fhir.search("Patient", {"birthdate": birthdate}))
    assert found == {patients[key].nhs_number for key in expected}


def test_birthdate_range_is_two_parameters_anded(fhir, patients):
    found = fhir.search("Patient", "birthdate=ge1980-02-29&birthdate=le1980-03-01")
    assert set(found) == {patients["sian"].nhs_number, patients["wan"].nhs_number}


@pytest.mark.parametrize(
    "value", ["1980-02-30", "1980-13", "29/02/1980", "1980-02-29T10:00:00Z", "9999-12-31"]
)
def test_impossible_or_timed_birthdate_is_refused(fhir, patients, value):
    assert fhir.error("/fhir/R4/Patient", {"birthdate": value})


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("sw1a1aa", {"sian"}),
        ("SW1A 1AA", {"sian"}),
        ("SW1A", {"sian", "brian"}),
        ("sw1", {"sian", "brian", "wan"}),
        ("M1", {"ada"}),
        ("SW1A 1AA,M1 1AE", {"sian", "ada"}),
        ("E1 6AN", set()),
    ],
)
def test_address_postalcode_search(fhir, patients, postcode, expected):
    found = set(fhir.search("Patient", {"address-postalcode": postcode}))
    assert found == {patients[key].nhs_number for key in expected}


@pytest.mark.parametrize("postcode", ["SW1A-1AA!", "12345", "SW1A 1AAA"])
def test_address_postalcode_that_cannot_be_a_postcode_is_refused(fhir, patients, postcode):
    assert "postcode" in fhir.error("/fhir/R4/Patient", {"address-postalcode": postcode})


def test_id_search_finds_by_nhs_number(fhir, patients):
    assert fhir.search("Patient", {"_id": "9434765919"}) == ["9434765919"]


def test_parameters_combine_with_and(fhir, patients):
    assert names(fhir, **{"address-postalcode": "SW1A", "birthdate": "1980-02-28"}) == {
        "Brian Adams"
    }
