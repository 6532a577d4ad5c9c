import factory

from clinicians.models import Clinician, Department


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinician

    name = factory.Faker("name", locale="en_GB")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Iterator(
        ["cardiology", "dermatology", "gastroenterology", "oncology", "orthopaedics", "paediatrics"]
    )
