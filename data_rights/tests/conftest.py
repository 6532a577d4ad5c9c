import pytest

from backoffice.roles import CLINIC_MANAGER, RECEPTIONIST
from backoffice.staff import staff_create

PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def manager_user(db):
    return staff_create(username="max", password=PASSWORD, role=CLINIC_MANAGER)


@pytest.fixture
def receptionist_user(db):
    return staff_create(username="rita", password=PASSWORD, role=RECEPTIONIST)


@pytest.fixture
def manager(client, manager_user):
    client.force_login(manager_user)
    return client
