"""Search results page by _count and _offset, with a total and self, next and previous links."""

from urllib.parse import parse_qs, urlsplit

import pytest

from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def links(bundle) -> dict[str, str]:
    return {link["relation"]: link["url"] for link in bundle["link"]}


def test_a_page_holds_twenty_by_default_with_the_total(fhir):
    PatientFactory.create_batch(25)

    bundle = fhir.get("/fhir/R4/Patient")

    assert bundle["total"] == 25
    assert len(bundle["entry"]) == 20
    assert set(links(bundle)) == {"self", "next"}


def test_following_next_links_visits_every_match_once(fhir):
    patients = PatientFactory.create_batch(7)
    seen = []
    url = "/fhir/R4/Patient?_count=3"
    pages = 0
    while url:
        bundle = fhir.get(url)
        seen += [entry["resource"]["id"] for entry in bundle.get("entry", [])]
        url = links(bundle).get("next")
        pages += 1

    assert pages == 3
    assert seen == [patient.nhs_number for patient in patients]


def test_links_keep_the_search_and_move_the_offset(fhir):
    PatientFactory.create_batch(7, postcode="SW1A 1AA")

    bundle = fhir.get(
        "/fhir/R4/Patient", {"address-postalcode": "SW1A 1AA", "_count": 2, "_offset": 2}
    )
    urls = links(bundle)

    for relation, offset in [("self", "2"), ("next", "4"), ("previous", "0")]:
        query = parse_qs(urlsplit(urls[relation]).query)
        assert query == {"address-postalcode": ["SW1A 1AA"], "_count": ["2"], "_offset": [offset]}
    assert urls["self"].startswith("http://testserver/fhir/R4/Patient?")


def test_entries_carry_their_full_url(fhir):
    patient = PatientFactory()

    [entry] = fhir.get("/fhir/R4/Patient")["entry"]

    assert entry["fullUrl"] == f"http://testserver/fhir/R4/Patient/{patient.nhs_number}"
    assert entry["search"] == {"mode": "match"}


def test_the_last_page_has_no_next_link(fhir):
    PatientFactory.create_batch(5)

    bundle = fhir.get("/fhir/R4/Patient", {"_count": 2, "_offset": 4})

    assert len(bundle["entry"]) == 1
    assert set(links(bundle)) == {"self", "previous"}


def test_count_zero_gives_the_total_alone(fhir):
    PatientFactory.create_batch(3)

    bundle = fhir.get("/fhir/R4/Patient", {"_count": 0})

    assert bundle["total"] == 3
    assert "entry" not in bundle


def test_a_page_holds_at_most_one_hundred(fhir):
    PatientFactory.create_batch(101)

    bundle = fhir.get("/fhir/R4/Patient", {"_count": 100})

    assert len(bundle["entry"]) == 100
    assert bundle["total"] == 101


def test_no_match_is_an_empty_searchset(fhir):
    bundle = fhir.get("/fhir/R4/Patient", {"name": "nobody"})

    assert bundle["total"] == 0
    assert "entry" not in bundle


@pytest.mark.parametrize(
    "query",
    [{"_count": 101}, {"_count": -1}, {"_count": "ten"}, {"_offset": -5}, {"_offset": 10**10}],
)
def test_bad_count_or_offset_is_refused(fhir, query):
    assert next(iter(query)) in fhir.error("/fhir/R4/Patient", query)
