"""Each appointment is allocated one reminder variant, at random by weight, and keeps it
(``reminders.services.reminder_variant_allocate``). The random source is injected, so the
tests are exact and cannot flake."""

import random
from collections import Counter

import pytest

from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.tests.factories import PatientFactory
from reminders.models import ReminderAllocation, ReminderVariant
from reminders.services import (
    reminder_variant_allocate,
    reminder_variant_create,
    reminder_variant_update,
)

pytestmark = pytest.mark.django_db


class EvenlySpaced(random.Random):
    """A random source whose draws are 0, 1/n, 2/n, ... (n-1)/n in turn: over n draws, each
    variant is chosen exactly in proportion to its weight."""

    def __init__(self, n: int):
        super().__init__(0)
        self.n, self.i = n, 0

    def random(self) -> float:
        value = (self.i % self.n) / self.n
        self.i += 1
        return value


def wording(name: str, weight: int) -> dict:
    return {
        "name": name,
        "sms_text_en": f"{name}: see you on ((date)).",
        "email_subject_en": name,
        "email_body_en": f"{name}: see you on ((date)) at ((time)).",
        "weight": weight,
    }


def appointments(count: int) -> list:
    shared = {
        "patient": PatientFactory(),
        "clinician": ClinicianFactory(),
        "department": DepartmentFactory(),
    }
    return AppointmentFactory.create_batch(count, **shared)


def allocate_all(batch, rng) -> Counter:
    return Counter(
        reminder_variant_allocate(appointment=appointment, rng=rng).name for appointment in batch
    )


def test_with_one_variant_every_appointment_gets_it():
    assert list(ReminderVariant.objects.values_list("name", flat=True)) == ["Standard"]

    assert allocate_all(appointments(5), random.Random(1)) == {"Standard": 5}


def test_several_variants_share_the_appointments_in_proportion_to_their_weights():
    reminder_variant_create(**wording("Cost", weight=3))  # Standard has weight 1

    counts = allocate_all(appointments(40), EvenlySpaced(40))

    assert counts == {"Standard": 10, "Cost": 30}
    assert ReminderAllocation.objects.count() == 40


def test_an_appointment_keeps_its_variant_when_the_weights_change():
    cost = reminder_variant_create(**wording("Cost", weight=1))
    (appointment,) = appointments(1)
    first = reminder_variant_allocate(appointment=appointment, rng=EvenlySpaced(2))

    reminder_variant_update(variant=cost, weight=1000)
    again = [
        reminder_variant_allocate(appointment=appointment, rng=random.Random(i)) for i in range(5)
    ]

    assert first.name == "Standard"  # the first draw, 0, falls to the first variant
    assert {variant.name for variant in again} == {"Standard"}
    assert ReminderAllocation.objects.filter(appointment=appointment).count() == 1


def test_a_seeded_draw_lies_well_within_the_binomial_bounds():
    # 400 appointments, weights 1 and 1: Cost's count is Binomial(400, 0.5), mean 200 and
    # standard deviation 10. The seed fixes the draw, so this cannot flake: 185 (1.5 standard
    # deviations below the mean), well within 4 of them (160 to 240).
    reminder_variant_create(**wording("Cost", weight=1))

    counts = allocate_all(appointments(400), random.Random(13))

    assert counts == {"Standard": 215, "Cost": 185}
    assert 160 <= counts["Cost"] <= 240
