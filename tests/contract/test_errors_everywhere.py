"""Every /api/ and /fhir/ URL answers in its error shape, whatever DEBUG is: never an HTML page,
never a 500 for a missing trailing slash."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from appointments.tests.factories import AppointmentFactory
from panda_project.testing import assert_error
from patients.models import Patient
from patients.views import PatientViewSet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("debug")]
PATIENT = {
    "nhs_number": "9434765919",
    "name": "Ada Lovelace",
    "date_of_birth": "1985-03-14",
    "postcode": "SW1A 1AA",
}


@pytest.fixture
def api():
    # As a real client sees it: an error the server could not handle is a response, not raised.
    return APIClient(raise_request_exception=False)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here/",
        "/api/v1/nothing-here",
        "/api/v1/appointments/not-a-uuid/",
        "/api/v1/clinicians/abc/",
        "/api/v2/patients/",
        "/api/",
        "/api",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", "OPTIONS"])
def test_an_unknown_api_url_is_a_json_404(api, path, method):
    response = api.generic(method, path)
    assert response["Content-Type"] == "application/json"
    body = assert_error(response, 404, "not_found")
    assert body["message"] == "The API has no such URL; GET /api/v1/ lists what it has."


def test_a_known_url_with_an_unknown_id_keeps_its_own_message(api):
    response = api.get("/api/v1/appointments/3fa85f64-5717-4562-b3fc-2c963f66afa6/")
    assert assert_error(response, 404, "not_found")["message"] == "No appointment has this id."


@pytest.mark.parametrize("path", ["/fhir", "/fhir/", "/fhir/R5/Patient", "/fhir/R4/Nothing"])
def test_an_unknown_fhir_url_is_an_operation_outcome_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/fhir+json"
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response.json()["issue"][0]["code"] == "not-found"


def test_a_method_a_route_does_not_have_is_a_json_405(api):
    response = api.put("/api/v1/patients/", PATIENT)
    body = assert_error(response, 405, "method_not_allowed")
    assert body["message"] == "This method is not allowed here."
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"


class TestWithoutTheTrailingSlash:
    def test_a_post_registers_as_it_does_with_the_slash(self, api):
        response = api.post("/api/v1/patients", PATIENT)
        assert response.status_code == 201, response.content
        assert response.json()["url"] == "http://testserver/api/v1/patients/9434765919/"
        assert Patient.objects.get().name == "Ada Lovelace"

    def test_an_action_is_served_too(self, api):
        appointment = AppointmentFactory()
        response = api.post(f"/api/v1/appointments/{appointment.pk}/cancel")
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"

    @pytest.mark.parametrize(
        ("method", "status"), [("GET", 200), ("PUT", 200), ("PATCH", 200), ("DELETE", 204)]
    )
    def test_every_method_is_served(self, api, method, status):
        api.post("/api/v1/patients/", PATIENT)
        body = PATIENT | {"name": "Ada King"}
        response = api.generic(
            method, "/api/v1/patients/9434765919", json.dumps(body), "application/json"
        )
        assert response.status_code == status
        expected = (
            None if method == "DELETE" else ("Ada Lovelace" if method == "GET" else "Ada King")
        )
        assert Patient.objects.values_list("name", flat=True).first() == expected

    def test_an_unknown_url_without_its_slash_is_still_a_json_404(self, api):
        assert_error(api.post("/api/v1/nothing-here", PATIENT), 404, "not_found")


def test_an_unexpected_error_is_a_json_500_and_its_traceback_is_logged(api, monkeypatch, caplog):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(PatientViewSet, "list", broken)
    with caplog.at_level(logging.ERROR):
        response = api.get("/api/v1/patients/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": 500,
        "code": "server_error",
        "message": "Something went wrong on our side.",
        "errors": {},
    }
    [record] = [r for r in caplog.records if r.name == "panda_project.api.errors"]
    assert record.exc_info[1].args == ("a bug",)


LOCAL_SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="localhost", raise_request_exception=False)
answers = {"debug": settings.DEBUG}
for method, path in [
    ("get", "/api/v1/nothing-here/"),
    ("get", "/api/v1/appointments/not-a-uuid/"),
    ("post", "/api/v1/nothing-here"),
    ("get", "/fhir/R5/Patient"),
]:
    response = getattr(client, method)(path)
    answers[f"{method} {path}"] = [response.status_code, response["Content-Type"]]
print(json.dumps(answers))
"""


def test_make_runs_local_settings_answer_json_too(tmp_path):
    """The local settings themselves (DEBUG on), as `make run` serves them."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "panda_project.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", LOCAL_SETTINGS_PROBE],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "debug": True,
        "get /api/v1/nothing-here/": [404, "application/json"],
        "get /api/v1/appointments/not-a-uuid/": [404, "application/json"],
        "post /api/v1/nothing-here": [404, "application/json"],
        "get /fhir/R5/Patient": [404, "application/fhir+json"],
    }
