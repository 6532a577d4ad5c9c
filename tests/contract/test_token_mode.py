"""PANDA_API_AUTH=token: the API enforces the back office's staff roles, takes the token as
Bearer or Token, challenges accurately, documents 401 and 403, and serves FHIR's metadata to
anyone."""

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from appointments.tests.factories import AppointmentFactory
from backoffice.roles import CLINIC_MANAGER, RECEPTIONIST
from clinicians.tests.factories import DepartmentFactory
from panda_project.testing import assert_error
from patients.models import Patient
from patients.tests.factories import PatientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("debug")]
PATIENT_URL = "/api/v1/patients/9434765919/"


@pytest.fixture(autouse=True)
def token_mode(settings):
    settings.PANDA_API_AUTH = "token"


def client_of(role: str | None, scheme: str = "Token") -> APIClient:
    user = User.objects.create_user(f"user-{role}")
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {Token.objects.create(user=user).key}")
    return client


class TestRoles:
    def test_a_receptionist_cannot_delete_a_patient(self):
        PatientFactory(nhs_number="9434765919")
        response = client_of(RECEPTIONIST).delete(PATIENT_URL)
        body = assert_error(response, 403, "permission_denied")
        assert body["message"] == "You do not have permission to do this."
        assert Patient.objects.exists()

    def test_a_clinic_manager_can(self):
        PatientFactory(nhs_number="9434765919")
        assert client_of(CLINIC_MANAGER).delete(PATIENT_URL).status_code == 204
        assert not Patient.objects.exists()

    def test_a_receptionist_registers_books_and_cancels(self):
        receptionist = client_of(RECEPTIONIST)
        patient = {
            "nhs_number": "9434765919",
            "name": "Ada Lovelace",
            "date_of_birth": "1985-03-14",
            "postcode": "SW1A 1AA",
        }
        assert receptionist.post("/api/v1/patients/", patient).status_code == 201
        appointment = AppointmentFactory()
        url = f"/api/v1/appointments/{appointment.pk}/"
        assert receptionist.post(f"{url}cancel/").status_code == 200
        assert receptionist.get("/api/v1/departments/").status_code == 200

    @pytest.mark.parametrize(
        ("method", "url", "body"),
        [
            ("post", "/api/v1/departments/", {"name": "Rheumatology"}),
            ("delete", "appointment", None),
            ("get", "/api/v1/stats/missed-appointments/", None),
        ],
    )
    def test_what_the_back_office_forbids_a_receptionist_is_403(self, method, url, body):
        if url == "appointment":
            url = f"/api/v1/appointments/{AppointmentFactory().pk}/"
        response = getattr(client_of(RECEPTIONIST), method)(url, body)
        assert_error(response, 403, "permission_denied")

    def test_a_user_without_a_role_may_do_nothing(self):
        assert_error(client_of(None).get("/api/v1/patients/"), 403, "permission_denied")

    def test_fhir_reads_need_the_view_permission_too(self):
        PatientFactory(nhs_number="9434765919")
        DepartmentFactory()
        assert client_of(RECEPTIONIST).get("/fhir/R4/Patient/9434765919").status_code == 200
        response = client_of(None).get("/fhir/R4/Patient/9434765919")
        assert response.status_code == 403
        assert response.json()["issue"][0]["code"] == "forbidden"


class TestBearer:
    def test_a_bearer_token_works_on_rest_and_fhir(self):
        PatientFactory(nhs_number="9434765919")
        client = client_of(RECEPTIONIST, scheme="Bearer")
        assert client.get(PATIENT_URL).status_code == 200
        assert client.get("/fhir/R4/Patient/9434765919").json()["id"] == "9434765919"

    def test_a_request_without_credentials_is_challenged_for_either_scheme(self):
        response = APIClient().get("/api/v1/patients/")
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == 'Bearer realm="PANDA", Token realm="PANDA"'

    def test_a_wrong_bearer_token_is_told_so(self):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Bearer 0123456789abcdef0123456789abcdef01234567")
        for url in ("/api/v1/patients/", "/fhir/R4/Patient"):
            response = client.get(url)
            assert response.status_code == 401
            assert response["WWW-Authenticate"] == 'Bearer realm="PANDA", error="invalid_token"'
        body = client.get("/api/v1/patients/").json()
        assert (body["code"], body["message"]) == (
            "authentication_failed",
            "This API token or sign-in is not valid.",
        )

    def test_a_header_in_two_parts_only(self):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Bearer")
        body = assert_error(client.get("/api/v1/patients/"), 401, "authentication_failed")
        assert body["message"] == "Send the token as Authorization: Bearer <token>."


class TestFHIRMetadata:
    def test_the_capability_statement_needs_no_token_and_describes_security(self):
        response = APIClient().get("/fhir/R4/metadata")
        assert response.status_code == 200
        security = response.json()["rest"][0]["security"]
        assert security["service"] == [{"text": "Bearer token"}]
        assert security["description"].startswith(
            "Every request but this statement needs Authorization: Bearer <token>"
        )

    def test_the_rest_of_fhir_still_needs_one(self):
        response = APIClient().get("/fhir/R4/Patient")
        assert response.status_code == 401
        assert response.json()["issue"][0]["code"] == "login"


class TestSchema:
    @pytest.fixture
    def schema(self):
        client = client_of(RECEPTIONIST)
        return client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()

    def test_every_operation_documents_401_and_403(self, schema):
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                if method == "parameters":
                    continue
                for status in ("401", "403"):
                    content = operation["responses"][status]["content"]["application/json"]
                    assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (
                        method,
                        path,
                    )

    def test_in_the_trusted_network_mode_they_are_not_documented(self, settings):
        settings.PANDA_API_AUTH = "none"
        schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
        responses = schema["paths"]["/api/v1/patients/"]["get"]["responses"]
        assert "401" not in responses and "403" not in responses
