import factory

from addresses.models import Address
from patients.tests.factories import PatientFactory


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    owner = factory.SubFactory(PatientFactory)
    line1 = factory.Faker("street_address", locale="en_GB")
    town = factory.Faker("city", locale="en_GB")
    postcode = factory.Faker("postcode", locale="en_GB")
