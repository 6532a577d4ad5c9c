import pytest
from django.urls import reverse

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


def patient_change(client, patient, **changes) -> dict:
    """What the back office's patient page posts to save ``changes``: every field of its form
    as the page shows it, and no inline forms."""
    page = client.get(reverse("admin:patients_patient_change", args=[patient.pk]))
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    for prefix in ("addresses-address-content_type-object_id", "appointments"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | changes
