"""PANDA_API_AUTH: the trusted-network mode and the token mode; PANDA_API_THROTTLE_RATE."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from backoffice.roles import RECEPTIONIST
from panda_project.testing import assert_error
from patients.models import Patient

pytestmark = pytest.mark.django_db
URL = "/api/v1/patients/"
PATIENT = {
    "nhs_number": "9434765919",
    "name": "Ada Lovelace",
    "date_of_birth": "1985-03-14",
    "postcode": "SW1A 1AA",
}


@pytest.fixture
def clerk():
    """A receptionist: the staff role that may register patients (backoffice.roles)."""
    user = User.objects.create_user("clerk", password="a long passphrase for tests")
    user.groups.add(Group.objects.get(name=RECEPTIONIST))
    return user


class TestTrustedNetworkMode:
    def test_the_api_answers_without_credentials(self, api):
        assert api.get(URL).status_code == 200
        assert api.post(URL, PATIENT).status_code == 201

    def test_credentials_sent_anyway_are_ignored(self, api):
        api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
        assert api.get(URL).status_code == 200


class TestTokenMode:
    @pytest.fixture(autouse=True)
    def token_mode(self, settings):
        settings.PANDA_API_AUTH = "token"

    def test_a_request_without_credentials_is_401_and_stores_nothing(self, api):
        assert_error(api.get(URL), 401, "not_authenticated")
        response = api.post(URL, PATIENT)
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == 'Bearer realm="PANDA", Token realm="PANDA"'
        assert not Patient.objects.exists()

    def test_a_wrong_token_is_401(self, api, clerk):
        Token.objects.create(user=clerk)
        api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
        assert_error(api.get(URL), 401, "authentication_failed")

    def test_a_valid_token_gives_access(self, api, clerk):
        token = Token.objects.create(user=clerk)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert api.get(URL).status_code == 200
        assert api.post(URL, PATIENT).status_code == 201

    def test_a_token_of_an_inactive_user_is_refused(self, api, clerk):
        token = Token.objects.create(user=clerk)
        clerk.is_active = False
        clerk.save()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert_error(api.get(URL), 401, "authentication_failed")

    def test_a_logged_in_session_gives_access(self, api, clerk):
        api.force_login(clerk)
        assert api.get(URL).status_code == 200

    def test_a_session_write_without_the_csrf_token_is_refused(self, clerk):
        client = APIClient(enforce_csrf_checks=True)
        client.force_login(clerk)
        response = client.post(URL, PATIENT, format="json")
        assert_error(response, 403, "permission_denied")
        assert not Patient.objects.exists()

    def test_the_health_checks_need_no_credentials(self, client):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200


class TestThrottling:
    @pytest.fixture(autouse=True)
    def empty_cache(self):
        cache.clear()
        yield
        cache.clear()

    def test_no_limit_applies_when_no_rate_is_set(self, api):
        statuses = {api.get(URL).status_code for _ in range(30)}
        assert statuses == {200}

    def test_requests_over_the_rate_are_429_with_retry_after(self, api, settings):
        settings.PANDA_API_THROTTLE_RATE = "3/minute"
        assert [api.get(URL).status_code for _ in range(3)] == [200, 200, 200]
        response = api.get(URL)
        assert_error(response, 429, "throttled")
        assert int(response["Retry-After"]) > 0

    def test_each_client_address_has_its_own_allowance(self, api, settings):
        settings.PANDA_API_THROTTLE_RATE = "2/minute"
        for _ in range(2):
            api.get(URL, REMOTE_ADDR="192.0.2.1")
        assert api.get(URL, REMOTE_ADDR="192.0.2.1").status_code == 429
        assert api.get(URL, REMOTE_ADDR="192.0.2.2").status_code == 200


def schema_security(client) -> list:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    return schema["paths"]["/api/v1/patients/"]["get"].get("security", [])


def test_the_schema_asks_for_no_credentials_in_trusted_network_mode(client):
    assert schema_security(client) == []


def test_the_schema_documents_token_and_session_credentials_in_token_mode(settings, clerk):
    settings.PANDA_API_AUTH = "token"
    client = APIClient()
    token = Token.objects.create(user=clerk)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert schema_security(client) == [{"tokenAuth": []}, {"cookieAuth": []}]
