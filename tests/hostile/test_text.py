"""Text fields: control characters and over-long strings are refused; SQL- and HTML-shaped text is
stored exactly as sent and shown escaped."""

import pytest

from addresses.models import Address
from clinicians.models import Clinician
from panda_project.testing import assert_error
from patients.models import Patient

from .conftest import NEW_NHS_NUMBER, URLS

# Every text field that each endpoint accepts, with the code its refusal carries: free text is
# refused as "control_characters"; values with a standard form fail that form's check first.
TEXT_FIELDS = {
    "patients": {
        "nhs_number": "nhs_number_format",
        "name": "control_characters",
        "postcode": "postcode_invalid",
        "phone": "phone_invalid",
        "email": "invalid",
        "date_of_birth": "invalid",
    },
    "appointments": {
        "patient": "does_not_exist",
        "postcode": "postcode_invalid",
        "duration": "duration_format",
        "starts_at": "datetime_format",
    },
    "addresses": {
        "line1": "control_characters",
        "line2": "control_characters",
        "line3": "control_characters",
        "town": "control_characters",
        "county": "control_characters",
        "postcode": "postcode_invalid",
        "country": "control_characters",
    },
    "clinicians": {
        "name": "control_characters",
        "registration_number": "registration_number_invalid",
    },
    "departments": {"name": "control_characters"},
}
CASES = [(endpoint, field) for endpoint, fields in TEXT_FIELDS.items() for field in fields]
CONTROL_CHARACTERS = ["\x00", "\x01", "\x08", "\x1b", "\x7f", "\x9b", "\u202e", "\u2067"]


def test_the_catalogue_covers_every_text_field_of_the_write_schemas(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    requests = {
        "patients": "PatientRequest",
        "appointments": "AppointmentWriteRequest",
        "addresses": "AddressRequest",
        "clinicians": "ClinicianRequest",
        "departments": "DepartmentRequest",
    }
    for endpoint, component in requests.items():
        properties = schema["components"]["schemas"][component]["properties"]
        text = {
            name
            for name, spec in properties.items()
            if any(
                option.get("type") == "string" and option.get("format") != "uuid"
                for option in spec.get("oneOf", [spec])
            )
        }
        assert text == set(TEXT_FIELDS[endpoint]), endpoint


@pytest.mark.usefixtures("nothing_stored")
@pytest.mark.parametrize(("endpoint", "field"), CASES)
@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_in_a_text_field_are_400(api, valid, endpoint, field, char):
    value = valid[endpoint][field]
    spoilt = value[:2] + char + value[2:]
    response = api.post(URLS[endpoint], valid[endpoint] | {field: spoilt})
    assert_error(response, 400, TEXT_FIELDS[endpoint][field], field)


@pytest.mark.parametrize("char", ["\t", "\n", "\x85", "\u2028"], ids=repr)
def test_whitespace_controls_in_a_postcode_are_removed_by_its_normalisation(api, valid, char):
    response = api.post(URLS["patients"], valid["patients"] | {"postcode": f"SW1A{char}1AA"})
    assert response.status_code == 201, response.json()
    assert Patient.objects.get(nhs_number=NEW_NHS_NUMBER).postcode == "SW1A 1AA"


@pytest.mark.usefixtures("nothing_stored")
@pytest.mark.parametrize(("endpoint", "field"), CASES)
def test_a_nul_byte_alone_is_400(api, valid, endpoint, field):
    response = api.post(URLS[endpoint], valid[endpoint] | {field: "\x00"})
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]


@pytest.mark.usefixtures("nothing_stored")
@pytest.mark.parametrize(("endpoint", "field"), CASES)
@pytest.mark.parametrize("length", [1_000, 500_000])
def test_a_very_long_string_is_400(api, valid, endpoint, field, length):
    response = api.post(URLS[endpoint], valid[endpoint] | {field: "A" * length})
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]


@pytest.mark.usefixtures("nothing_stored")
@pytest.mark.parametrize(
    ("endpoint", "field", "limit"),
    [
        ("patients", "name", 300),
        ("addresses", "line1", 255),
        ("addresses", "town", 120),
        ("clinicians", "name", 255),
        ("departments", "name", 255),
    ],
)
def test_one_character_over_the_limit_is_400_max_length(api, valid, endpoint, field, limit):
    response = api.post(URLS[endpoint], valid[endpoint] | {field: "é" * (limit + 1)})
    assert_error(response, 400, "max_length", field)


def test_a_name_at_the_limit_in_a_four_byte_script_is_stored_whole(api, valid):
    name = "𠜎" * 300
    response = api.post(URLS["patients"], valid["patients"] | {"name": name})
    assert response.status_code == 201, response.json()
    assert Patient.objects.get(nhs_number=NEW_NHS_NUMBER).name == name


HOSTILE_TEXT = [
    "Robert'); DROP TABLE patients_patient;--",
    "' OR '1'='1",
    '" OR ""="',
    "1; SELECT pg_sleep(10)",
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "{{ settings.SECRET_KEY }}",
    "%(name)s %s %n",
    "\\x00 \\u0000",
]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_sql_and_html_shaped_names_are_stored_verbatim(api, valid, text):
    response = api.post(URLS["patients"], valid["patients"] | {"name": text})
    assert response.status_code == 201, response.json()
    assert response.json()["name"] == text
    assert Patient.objects.get(nhs_number=NEW_NHS_NUMBER).name == text
    assert api.get(f"{URLS['patients']}{NEW_NHS_NUMBER}/").json()["name"] == text
    # The search key of such text can be short ("or", "s"), so other patients may match too.
    found = api.get(URLS["patients"], {"name": text, "limit": 100}).json()["results"]
    assert NEW_NHS_NUMBER in [patient["nhs_number"] for patient in found]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_sql_and_html_shaped_text_is_stored_verbatim_everywhere(api, valid, text):
    address = valid["addresses"] | {"line1": text, "county": text}
    assert api.post(URLS["addresses"], address).status_code == 201
    assert api.post(URLS["clinicians"], {"name": text}).status_code == 201
    assert api.post(URLS["departments"], {"name": text}).status_code == 201
    assert Address.objects.get().line1 == text
    assert Clinician.objects.filter(name=text).count() == 1


def test_html_shaped_text_is_shown_escaped_in_the_admin(api, admin_client, valid):
    script = "<script>alert('x')</script>"
    api.post(URLS["patients"], valid["patients"] | {"name": script})
    patient = Patient.objects.get(nhs_number=NEW_NHS_NUMBER)
    pages = [
        admin_client.get("/admin/patients/patient/"),
        admin_client.get(f"/admin/patients/patient/{patient.pk}/change/"),
        admin_client.get("/admin/patients/patient/", {"q": script}),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
        assert script not in html
