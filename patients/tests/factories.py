import random

import factory

from patients.models import Patient


def random_nhs_number(rng: random.Random = random) -> str:
    """A random NHS number with a valid check digit."""
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    nhs_number = factory.LazyFunction(random_nhs_number)
    name = factory.Faker("name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=0, maximum_age=100)
    postcode = factory.Faker("postcode", locale="en_GB")
