"""Another market's patient identifier is one setting away: PANDA_PATIENT_IDENTIFIER names the
python-stdnum module, and the API, the models and the lookups all follow it."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from panda_project.testing import assert_error
from patients.models import Patient

pytestmark = pytest.mark.django_db
URL = "/api/v1/patients/"
PATIENT = {"name": "Anouk de Vries", "date_of_birth": "1985-03-14", "postcode": "CF10 1AA"}
DUTCH = override_settings(PANDA_PATIENT_IDENTIFIER="stdnum.nl.bsn")
IRISH = override_settings(PANDA_PATIENT_IDENTIFIER="stdnum.ie.pps")


@DUTCH
def test_with_the_dutch_bsn_a_bsn_is_accepted_compacted_and_found(api):
    response = api.post(URL, PATIENT | {"nhs_number": "1112.22.333"})
    assert response.status_code == 201, response.json()
    assert response.json()["nhs_number"] == "111222333"
    assert api.get(f"{URL}1112.22.333/").json()["name"] == "Anouk de Vries"
    assert api.get(URL, {"nhs_number": "111 222 333"}).json()["count"] == 1


@DUTCH
@pytest.mark.parametrize(
    ("identifier", "code"),
    [
        ("1112.52.333", "patient_identifier_checksum"),
        ("9434765919", "patient_identifier_length"),  # a valid NHS number is no BSN
        ("1112.22.33X", "patient_identifier_format"),
    ],
)
def test_with_the_dutch_bsn_other_identifiers_are_refused(api, identifier, code):
    body = assert_error(
        api.post(URL, PATIENT | {"nhs_number": identifier}), 400, code, "nhs_number"
    )
    assert "NHS" not in body["errors"]["nhs_number"][0]["message"]
    assert not Patient.objects.exists()


@IRISH
def test_with_the_irish_pps_number_the_validation_is_irish(api):
    response = api.post(URL, PATIENT | {"nhs_number": "6433435 oa"})
    assert response.status_code == 201, response.json()
    assert response.json()["nhs_number"] == "6433435OA"
    assert_error(
        api.post(URL, PATIENT | {"nhs_number": "6433435E"}),
        400,
        "patient_identifier_checksum",
        "nhs_number",
    )
    assert_error(
        api.post(URL, PATIENT | {"nhs_number": "943 476 5919"}),
        400,
        "patient_identifier_format",
        "nhs_number",
    )


def test_the_default_stays_the_nhs_number_with_its_own_codes(api):
    assert_error(
        api.post(URL, PATIENT | {"nhs_number": "111 222 333"}),
        400,
        "nhs_number_length",
        "nhs_number",
    )
    assert api.post(URL, PATIENT | {"nhs_number": "943 476 5919"}).status_code == 201
    with DUTCH:
        assert api.get(f"{URL}9434765919/").status_code == 404  # no BSN at all
    assert api.get(f"{URL}9434765919/").status_code == 200


@pytest.mark.parametrize("module", ["stdnum.xx.nothing", "stdnum.exceptions"])
def test_a_module_that_cannot_validate_stops_the_system_checks(module):
    with override_settings(PANDA_PATIENT_IDENTIFIER=module), pytest.raises(SystemCheckError):
        call_command("check")
