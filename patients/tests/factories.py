import factory

from patients.fake import random_nhs_number
from patients.models import Patient


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    nhs_number = factory.LazyFunction(random_nhs_number)
    name = factory.Faker("name", locale="en_GB")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=0, maximum_age=100)
    postcode = factory.Faker("postcode", locale="en_GB")
