"""Reminder variants: kept through their services, edited by clinic managers in the back
office, and refused to receptionists."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse

from appointments.tests.factories import AppointmentFactory
from backoffice.roles import CLINIC_MANAGER, RECEPTIONIST
from backoffice.staff import staff_create
from panda_project.exceptions import Conflict
from reminders.models import ReminderAllocation, ReminderVariant
from reminders.services import (
    reminder_variant_allocate,
    reminder_variant_create,
    reminder_variant_delete,
    reminder_variant_update,
)

from .test_allocation import EvenlySpaced, wording

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 42"
CHANGELIST = reverse("admin:reminders_remindervariant_changelist")
ADD = reverse("admin:reminders_remindervariant_add")


def form(name: str, weight: int = 1) -> dict:
    """The admin form's fields, as posted."""
    return {
        **dict.fromkeys(("sms_text_cy", "email_subject_cy", "email_body_cy"), ""),
        **wording(name, weight),
        "notify_sms_template_id": "",
        "notify_email_template_id": "",
    }


def staff(client, role: str):
    client.force_login(staff_create(username=role.split()[0].lower(), password=PASSWORD, role=role))
    return client


def test_a_variant_needs_known_placeholders_and_a_weight_of_at_least_0():
    with pytest.raises(ValidationError) as raised:
        reminder_variant_create(**{**wording("Cost", -1), "sms_text_en": "On ((day))"})

    assert set(raised.value.error_dict) == {"weight", "sms_text_en"}
    assert not ReminderVariant.objects.filter(name="Cost").exists()


def test_two_variants_cannot_share_a_name():
    with pytest.raises(ValidationError) as raised:
        reminder_variant_create(**wording("Standard", 1))

    assert raised.value.error_dict["name"][0].code == "unique"
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderVariant.objects.create(**wording("Standard", 1))


def test_an_unknown_field_is_a_programming_error():
    with pytest.raises(TypeError):
        reminder_variant_create(**wording("Cost", 1), colour="red")


def test_a_variant_used_by_a_trial_cannot_be_deleted():
    cost = reminder_variant_create(**wording("Cost", 1))
    ReminderAllocation.objects.create(appointment=AppointmentFactory(), variant=cost)

    with pytest.raises(Conflict) as refused:
        reminder_variant_delete(variant=cost)

    assert refused.value.code == "variant_in_use"
    assert ReminderVariant.objects.filter(pk=cost.pk).exists()


def test_the_last_variant_cannot_be_deleted_and_an_unused_one_can():
    standard = ReminderVariant.objects.get()
    with pytest.raises(Conflict) as refused:
        reminder_variant_delete(variant=standard)
    assert refused.value.code == "variant_last"

    reminder_variant_delete(variant=reminder_variant_create(**wording("Cost", 1)))
    assert list(ReminderVariant.objects.values_list("name", flat=True)) == ["Standard"]


def test_a_variant_with_weight_0_is_retired_and_gets_no_new_appointments():
    cost = reminder_variant_create(**wording("Cost", 1))
    standard = ReminderVariant.objects.get(name="Standard")
    reminder_variant_update(variant=standard, weight=0)

    chosen = [
        reminder_variant_allocate(appointment=AppointmentFactory(), rng=EvenlySpaced(4)).name
        for _ in range(4)
    ]

    assert chosen == ["Cost"] * 4
    assert ReminderVariant.objects.get(pk=standard.pk).weight == 0
    assert cost.allocations.count() == 4


def test_the_last_variant_with_a_weight_cannot_be_retired_or_deleted():
    standard = ReminderVariant.objects.get()
    cost = reminder_variant_create(**wording("Cost", 0))

    with pytest.raises(ValidationError) as raised:
        reminder_variant_update(variant=standard, weight=0)
    assert raised.value.error_dict["weight"][0].code == "no_weight_left"
    with pytest.raises(Conflict) as refused:
        reminder_variant_delete(variant=standard)
    assert refused.value.code == "variant_last"

    reminder_variant_update(variant=cost, weight=2)
    reminder_variant_update(variant=standard, weight=0)
    assert dict(ReminderVariant.objects.values_list("name", "weight")) == {
        "Standard": 0,
        "Cost": 2,
    }


def test_the_database_refuses_a_negative_weight():
    # A check constraint on PostgreSQL and SQLite; MariaDB's unsigned column is out of range.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        ReminderVariant.objects.filter(name="Standard").update(weight=-1)


def test_a_clinic_manager_adds_and_edits_variants(client):
    manager = staff(client, CLINIC_MANAGER)

    assert manager.post(ADD, form("Cost", 3)).status_code == 302
    cost = ReminderVariant.objects.get(name="Cost")
    change = reverse("admin:reminders_remindervariant_change", args=[cost.pk])
    edited = {**form("Cost", 2), "sms_text_cy": "Cost: welwn ni chi ar ((date))."}
    assert manager.post(change, edited).status_code == 302

    cost.refresh_from_db()
    assert (cost.weight, cost.text("sms_text", "cy")) == (2, "Cost: welwn ni chi ar ((date)).")


def test_the_list_shows_each_variants_share_and_allocations(client):
    manager = staff(client, CLINIC_MANAGER)
    cost = reminder_variant_create(**wording("Cost", 3))
    ReminderAllocation.objects.create(appointment=AppointmentFactory(), variant=cost)

    page = manager.get(CHANGELIST, {"q": "Cost"})

    assert page.status_code == 200
    (row,) = page.context["cl"].result_list
    # Its share is of all the variants' weights (3 of 4), whatever the search shows.
    assert (row.name, row.allocation_count, row.total_weight) == ("Cost", 1, 4)
    assert "75%" in page.content.decode()


def test_a_refused_form_shows_the_reason_and_saves_nothing(client):
    manager = staff(client, CLINIC_MANAGER)

    response = manager.post(ADD, {**form("Cost", 1), "email_body_en": "On ((day))"})

    assert response.status_code == 200
    assert "Unknown placeholder ((day))" in str(response.context["adminform"].form.errors)
    assert not ReminderVariant.objects.filter(name="Cost").exists()


def test_deleting_a_variant_in_use_is_refused_in_the_back_office(client):
    manager = staff(client, CLINIC_MANAGER)
    cost = reminder_variant_create(**wording("Cost", 1))
    ReminderAllocation.objects.create(appointment=AppointmentFactory(), variant=cost)

    response = manager.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [cost.pk], "post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert ReminderVariant.objects.filter(pk=cost.pk).exists()


def test_receptionists_cannot_see_or_change_variants(client):
    receptionist = staff(client, RECEPTIONIST)
    standard = ReminderVariant.objects.get()

    assert receptionist.get(CHANGELIST).status_code == 403
    assert receptionist.post(ADD, form("Cost", 1)).status_code == 403
    change = reverse("admin:reminders_remindervariant_change", args=[standard.pk])
    assert receptionist.post(change, form("Standard", 5)).status_code == 403
    assert ReminderVariant.objects.get().weight == 1


def test_deleting_the_last_variant_in_the_back_office_is_refused_plainly(client):
    manager = staff(client, CLINIC_MANAGER)
    standard = ReminderVariant.objects.get()
    delete = reverse("admin:reminders_remindervariant_delete", args=[standard.pk])

    response = manager.post(delete, {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert "No other reminder variant has a weight above 0, so this one cannot be deleted." in [
        str(message) for message in response.context["messages"]
    ]
    assert ReminderVariant.objects.filter(pk=standard.pk).exists()


def test_email_bodies_may_have_paragraphs_but_subjects_stay_on_one_line():
    standard = ReminderVariant.objects.get()
    assert "\n\n" in standard.email_body_en  # as the migrations made it

    reminder_variant_update(variant=standard, email_body_en="Dear patient,\r\n\r\nSee you.")
    with pytest.raises(ValidationError) as raised:
        reminder_variant_update(variant=standard, email_subject_en="Hello\nBcc: x@example.com")

    assert raised.value.error_dict["email_subject_en"][0].code == "control_characters"
    with pytest.raises(ValidationError):
        reminder_variant_update(variant=standard, email_body_en="Bell \x07")
