"""The back office refuses a double booking as the API does; a clinic manager may book over it."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from appointments.models import Appointment, Overlap
from appointments.tests.factories import AppointmentFactory
from appointments.tests.test_admin import ADD, booking
from backoffice.roles import CLINIC_MANAGER, RECEPTIONIST
from backoffice.staff import staff_create
from clinicians.tests.factories import DepartmentFactory
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
DAY = dt.date(2031, 6, 4)
PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def existing() -> Appointment:
    """16:00 to 17:00 London time; the form books 16:30 to 18:00."""
    starts_at = dt.datetime.combine(DAY, dt.time(16, 0), tzinfo=LONDON)
    return AppointmentFactory(starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=1))


def as_role(client, role: str, username: str = "staff"):
    client.force_login(staff_create(username=username, password=PASSWORD, role=role))
    return client


def clashing(existing, **fields) -> dict:
    return booking(PatientFactory(), existing.clinician, DepartmentFactory(), DAY, **fields)


def test_a_double_booking_is_a_form_error_naming_the_appointment(client, existing):
    response = as_role(client, RECEPTIONIST).post(ADD, clashing(existing))
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == [
        f"The clinician already has an appointment at this time: {existing.pk}, "
        "from Wed 4 Jun 2031 16:00 to 17:00 BST."
    ]
    assert Appointment.objects.count() == 1


def test_only_a_manager_is_offered_to_book_over_a_clash(client, existing):
    page = as_role(client, RECEPTIONIST).get(ADD)
    assert b'name="allow_overlap"' not in page.content
    client.logout()
    page = as_role(client, CLINIC_MANAGER, username="manager").get(ADD)
    assert b'name="allow_overlap"' in page.content


def test_a_receptionist_posting_allow_overlap_anyway_is_refused(client, existing):
    response = as_role(client, RECEPTIONIST).post(ADD, clashing(existing, allow_overlap="on"))
    errors = response.context["adminform"].form.non_field_errors()
    assert errors == ["Only a clinic manager may book over a clash."]
    assert Appointment.objects.count() == 1


def test_a_manager_books_over_a_clash_and_the_history_says_who(client, existing):
    response = as_role(client, CLINIC_MANAGER).post(ADD, clashing(existing, allow_overlap="on"))
    assert response.status_code == 302
    booked = Appointment.objects.exclude(pk=existing.pk).get()
    assert booked.overlap == Overlap.OVERBOOKED
    record = booked.history.get()
    assert (record.history_user.username, record.history_change_reason) == (
        "staff",
        "overlap allowed",
    )


def test_the_department_page_sets_overbooking(admin_client):
    department = DepartmentFactory()
    url = reverse("admin:clinicians_department_change", args=[department.pk])
    response = admin_client.post(url, {"name": department.name, "allows_overbooking": "on"})
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.allows_overbooking is True
