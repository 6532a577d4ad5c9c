import datetime as dt

import factory
from django.utils import timezone

from appointments.models import Appointment, State
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.tests.factories import PatientFactory


class AppointmentFactory(factory.django.DjangoModelFactory):
    """An active appointment tomorrow. ``ended=True`` puts it in the past (so it is missed);
    ``in_progress=True`` started five minutes ago, so it is due and may be marked attended."""

    class Meta:
        model = Appointment

    class Params:
        ended = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))
        )
        in_progress = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(minutes=5))
        )
        attended = factory.Trait(
            state=State.ATTENDED, attended_at=factory.LazyAttribute(lambda o: o.starts_at)
        )
        cancelled = factory.Trait(
            state=State.CANCELLED,
            cancelled_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3)),
        )

    patient = factory.SubFactory(PatientFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))
    duration = dt.timedelta(minutes=30)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + o.duration)
    clinician = factory.SubFactory(ClinicianFactory)
    department = factory.SubFactory(DepartmentFactory)
    postcode = factory.Faker("postcode", locale="en_GB")
