"""Errors are OperationOutcome resources with the right HTTP status, never silently ignored."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token

from backoffice.roles import RECEPTIONIST
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/fhir/R4/Patient", {"gender": "female"}),
        ("/fhir/R4/Patient", {"_sort": "name"}),
        ("/fhir/R4/Patient", {"_include": "Patient:organization"}),
        ("/fhir/R4/Patient", {"format": "xml"}),
        ("/fhir/R4/Appointment", {"actor": "Patient/9434765919"}),
        ("/fhir/R4/Appointment", {"_summary": "count"}),
        ("/fhir/R4/Patient/9434765919", {"_elements": "name"}),
        ("/fhir/R4/metadata", {"mode": "terminology"}),
    ],
)
def test_unsupported_parameter_is_refused_with_400(fhir, path, query):
    PatientFactory(nhs_number="9434765919")

    diagnostics = fhir.error(path, query, code="not-supported")

    assert next(iter(query)) in diagnostics


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/fhir/R4/Patient", "name:missing"),
        ("/fhir/R4/Patient", "identifier:text"),
        ("/fhir/R4/Patient", "birthdate:exact"),
        ("/fhir/R4/Appointment", "status:not"),
        ("/fhir/R4/Appointment", "patient:Patient"),
    ],
)
def test_unsupported_modifier_is_refused_with_400(fhir, path, key):
    assert fhir.error(path, {key: "x"}, code="not-supported")


@pytest.mark.parametrize(
    "query",
    [{"name": ""}, {"name": "a,"}, {"name": "ad\x00a"}, {"identifier": "943\x1f4765919"}],
)
def test_empty_values_and_control_characters_are_refused(fhir, query):
    assert fhir.error("/fhir/R4/Patient", query)


@pytest.mark.parametrize(
    "path", ["/fhir/R4/", "/fhir/R4/Observation", "/fhir/R4/Patient/9434765919/_history/1"]
)
def test_unknown_endpoint_is_a_404_operation_outcome(fhir, path):
    assert fhir.error(path, status=404, code="not-found")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_is_refused_with_405(client, method):
    PatientFactory(nhs_number="9434765919")

    response = getattr(client, method)(
        "/fhir/R4/Patient/9434765919", "{}", content_type="application/fhir+json"
    )

    assert response.status_code == 405
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["issue"][0]["code"] == "not-supported"


def test_accept_application_json_gets_json(fhir):
    PatientFactory(nhs_number="9434765919")

    resource = fhir.get(
        "/fhir/R4/Patient/9434765919",
        media_type="application/json",
        HTTP_ACCEPT="application/json",
    )

    assert resource["id"] == "9434765919"


@pytest.mark.parametrize("accept", [None, "*/*", "application/fhir+json", "text/html,*/*;q=0.8"])
def test_fhir_json_is_the_default(fhir, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    assert fhir.get("/fhir/R4/metadata", **headers)["resourceType"] == "CapabilityStatement"


@pytest.mark.parametrize(
    ("value", "media_type"),
    [
        ("json", "application/fhir+json"),
        ("application/fhir+json", "application/fhir+json"),
        ("application/json", "application/json"),
    ],
)
def test_format_parameter_chooses_the_media_type(fhir, value, media_type):
    body = fhir.get("/fhir/R4/metadata", {"_format": value}, media_type=media_type)
    assert body["resourceType"] == "CapabilityStatement"


def test_format_parameter_survives_an_unescaped_plus(fhir):
    body = fhir.get("/fhir/R4/metadata?_format=application/fhir+json")
    assert body["resourceType"] == "CapabilityStatement"


def test_xml_is_not_acceptable(fhir):
    fhir.error("/fhir/R4/metadata", {"_format": "xml"}, status=406, code="not-supported")
    fhir.error("/fhir/R4/metadata", status=406, code="not-supported", HTTP_ACCEPT="text/xml")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/fhir/R4/Patient?birthdate=ge", 400),
        ("/fhir/R4/Patient?_count=", 400),
        ("/fhir/R4/Patient?name:exact=", 400),
        # "|value" asks for an identifier with no system: PANDA holds none, so nothing matches
        ("/fhir/R4/Patient?identifier=|", 200),
        ("/fhir/R4/Patient?identifier=%00", 400),
        ("/fhir/R4/Appointment?patient=/", 400),
        ("/fhir/R4/Appointment?patient=Patient/", 400),
        ("/fhir/R4/Appointment?date=0001-01-01T00:00:00%2B14:00", 400),
        ("/fhir/R4/Appointment?date=9999-12-31T23:59:59Z", 400),
        # the year 1 is a valid FHIR date; no appointment is in it
        ("/fhir/R4/Appointment?date=0001", 200),
        ("/fhir/R4/Appointment?date=2030-06-04T09:00:00.1234567Z", 400),
        # a well-formed reference to a practitioner who does not exist: an empty searchset
        ("/fhir/R4/Appointment?practitioner=Practitioner/99999999999999999999999", 200),
        ("/fhir/R4/Patient/%00", 404),
        ("/fhir/R4/Appointment/%00", 404),
        ("/fhir/R4/Organization/department-99999999999999999999999", 404),
        ("/fhir/R4/Patient?name=" + "a" * 5000, 200),
        ("/fhir/R4/Patient?%FF=1", 400),
    ],
)
def test_odd_requests_get_their_own_answer_never_a_server_error(client, path, status):
    response = client.get(path)

    assert response.status_code == status, response.content
    body = response.json()
    if status == 200:
        assert (body["resourceType"], body["total"]) == ("Bundle", 0)
    else:
        assert body["resourceType"] == "OperationOutcome"
    assert response["Content-Type"] == "application/fhir+json"


def test_head_is_answered_like_get(client):
    response = client.head("/fhir/R4/metadata")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"


def test_token_mode_needs_a_token_here_too(fhir, settings, django_user_model):
    settings.PANDA_API_AUTH = "token"
    PatientFactory(nhs_number="9434765919")

    fhir.error("/fhir/R4/Patient/9434765919", status=401, code="login")
    clerk = django_user_model.objects.create_user("clerk")
    clerk.groups.add(Group.objects.get(name=RECEPTIONIST))
    token = Token.objects.create(user=clerk)
    resource = fhir.get("/fhir/R4/Patient/9434765919", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert resource["id"] == "9434765919"
