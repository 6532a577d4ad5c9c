import factory

from addresses.models import Address
from organisations.models import Organisation, Site


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"North Riverside NHS Trust {n}")
    ods_code = factory.Sequence(lambda n: f"R{n:04d}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Riverside Clinic {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    address = factory.RelatedFactory(
        "organisations.tests.factories.SiteAddressFactory", factory_related_name="owner"
    )


class SiteAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    line1 = factory.Faker("street_address", locale="en_GB")
    town = factory.Faker("city", locale="en_GB")
    postcode = "SW1A 1AA"
