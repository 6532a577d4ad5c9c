"""Security headers, CORS for configured origins only, and the health checks."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db
URL = "/api/v1/patients/"
APP = "https://app.example.org"


def test_api_responses_carry_the_security_headers(api):
    response = api.get(URL)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_origin_is_allowed_cross_origin_by_default(api):
    response = api.options(URL, HTTP_ORIGIN=APP, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert "Access-Control-Allow-Origin" not in response


def test_a_configured_origin_may_call_the_api_and_no_other(api, settings):
    settings.CORS_ALLOWED_ORIGINS = [APP]
    allowed = api.options(URL, HTTP_ORIGIN=APP, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert allowed["Access-Control-Allow-Origin"] == APP
    assert "content-type" in allowed["Access-Control-Allow-Headers"]
    other = api.get(URL, HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in other


def test_a_body_refused_as_too_large_is_readable_by_a_configured_origin(api, settings):
    settings.CORS_ALLOWED_ORIGINS = [APP]
    body = {"name": "x" * (1024 * 1024 + 1)}
    response = api.post(URL, body, HTTP_ORIGIN=APP)
    assert response.status_code == 413
    assert response["Access-Control-Allow-Origin"] == APP


def test_cors_never_applies_outside_the_api(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [APP]
    response = client.get("/admin/login/", HTTP_ORIGIN=APP)
    assert "Access-Control-Allow-Origin" not in response


def test_healthz_answers_any_host_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_200_when_the_database_answers(client):
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_readyz_is_503_when_the_database_does_not_answer(client):
    with mock.patch(
        "panda_project.health.connection.cursor", side_effect=OperationalError("refused")
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
