"""The admin needs a staff login; repeated failed logins are locked out by django-axes."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
PASSWORD = "a long passphrase for tests"


@pytest.fixture
def staff():
    return User.objects.create_user("reception", password=PASSWORD, is_staff=True)


def attempt(client, username, password, address="192.0.2.10"):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )


def test_the_admin_redirects_an_anonymous_visitor_to_the_login_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_user_who_is_not_staff_cannot_enter_the_admin(client):
    client.force_login(User.objects.create_user("patient-portal", password=PASSWORD))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_staff_without_a_permission_cannot_open_that_changelist(client, staff):
    client.force_login(staff)
    assert client.get("/admin/auth/user/").status_code == 403


class TestLockout:
    @pytest.fixture(autouse=True)
    def axes_on(self, settings):
        settings.AXES_ENABLED = True
        settings.AXES_FAILURE_LIMIT = 3

    def test_the_right_password_logs_in(self, client, staff):
        response = attempt(client, "reception", PASSWORD)
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200

    def test_after_the_limit_of_failures_even_the_right_password_is_refused(self, client, staff):
        for _ in range(2):
            assert attempt(client, "reception", "wrong").status_code == 200  # the form again
        assert attempt(client, "reception", "wrong").status_code == 429  # the third: locked out
        response = attempt(client, "reception", PASSWORD)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session
        assert client.get("/admin/").status_code == 302

    def test_the_lockout_holds_for_that_user_and_address_only(self, client, staff):
        User.objects.create_user("nurse", password=PASSWORD, is_staff=True)
        for _ in range(3):
            attempt(client, "reception", "wrong")
        assert attempt(client, "nurse", PASSWORD).status_code == 302
        client.logout()
        assert attempt(client, "reception", PASSWORD, address="192.0.2.99").status_code == 302

    def test_failures_below_the_limit_are_forgotten_after_a_successful_login(self, client, staff):
        for _ in range(2):
            attempt(client, "reception", "wrong")
        assert attempt(client, "reception", PASSWORD).status_code == 302
        client.logout()
        for _ in range(2):
            attempt(client, "reception", "wrong")
        assert attempt(client, "reception", PASSWORD).status_code == 302
