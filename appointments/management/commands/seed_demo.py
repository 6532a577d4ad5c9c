"""``manage.py seed_demo --patients N``: realistic fake patients with appointments, for demos."""

import datetime as dt
import random
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from faker import Faker
from tqdm import tqdm

from appointments.models import Appointment, State
from clinicians.models import Clinician, Department
from panda_project.bulk import bulk_load
from panda_project.commands import in_operator_language
from patients.fake import random_nhs_number
from patients.models import Patient
from patients.names import name_search_key
from patients.search import name_search_deferred

DEPARTMENTS = [
    "cardiology",
    "dermatology",
    "gastroenterology",
    "oncology",
    "orthopaedics",
    "paediatrics",
]
DURATIONS = [15, 30, 45, 60, 90]


class Command(BaseCommand):
    help = "Create realistic fake patients, clinicians, departments and appointments."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, default=100, help="How many patients.")
        parser.add_argument(
            "--appointments-per-patient", type=int, default=3, help="Appointments per patient."
        )
        parser.add_argument("--seed", type=int, default=None, help="For reproducible data.")
        parser.add_argument("--batch-size", type=int, default=1000)

    @in_operator_language
    def handle(self, *args, **options):
        if options["patients"] < 0 or options["appointments_per_patient"] < 0:
            raise CommandError(_("Counts cannot be negative."))
        rng = random.Random(options["seed"])
        fake = Faker("en_GB")
        fake.seed_instance(options["seed"])
        departments = [Department.objects.get_or_create(name=name)[0] for name in DEPARTMENTS]
        clinicians = list(Clinician.objects.all()[:40]) or Clinician.objects.bulk_create(
            Clinician(name=f"Dr {fake.name()}") for _ in range(40)
        )
        taken = set(Patient.objects.values_list("nhs_number", flat=True))
        progress = tqdm(
            total=options["patients"],
            unit=" patients",
            disable=not sys.stderr.isatty(),
            file=sys.stderr,
        )
        now = timezone.now()
        # Into empty tables, the indexes and the name search are built once at the end.
        first_load = not Patient.objects.exists() and not Appointment.objects.exists()
        with (
            bulk_load(Patient, Appointment, defer_indexes=first_load),
            name_search_deferred(first_load),
        ):
            self._seed(options, fake, rng, taken, clinicians, departments, now, progress)
        progress.close()
        self.stdout.write(
            _("Seeded %(patients)s patients with %(appointments)s appointments.")
            % {
                "patients": options["patients"],
                "appointments": options["patients"] * options["appointments_per_patient"],
            }
        )

    def _seed(self, options, fake, rng, taken, clinicians, departments, now, progress) -> None:
        remaining = options["patients"]
        while remaining:
            size = min(remaining, options["batch_size"])
            with transaction.atomic():
                patients = Patient.objects.bulk_create(
                    self._patient(fake, rng, taken) for _ in range(size)
                )
                Appointment.objects.bulk_create(
                    self._appointment(rng, patient, clinicians, departments, now)
                    for patient in patients
                    for _ in range(options["appointments_per_patient"])
                )
            remaining -= size
            progress.update(size)

    def _patient(self, fake, rng, taken) -> Patient:
        nhs_number = random_nhs_number(rng)
        while nhs_number in taken:
            nhs_number = random_nhs_number(rng)
        taken.add(nhs_number)
        name = fake.name()
        return Patient(
            nhs_number=nhs_number,
            name=name,
            name_search=name_search_key(name),
            date_of_birth=fake.date_of_birth(minimum_age=0, maximum_age=100),
            postcode=fake.postcode(),
        )

    def _appointment(self, rng, patient, clinicians, departments, now) -> Appointment:
        starts_at = (now + dt.timedelta(days=rng.randint(-365, 90))).replace(
            hour=rng.randint(8, 17), minute=rng.choice([0, 15, 30, 45]), second=0, microsecond=0
        )
        duration = dt.timedelta(minutes=rng.choice(DURATIONS))
        appointment = Appointment(
            patient=patient,
            starts_at=starts_at,
            duration=duration,
            ends_at=starts_at + duration,
            clinician=rng.choice(clinicians),
            department=rng.choice(departments),
            postcode=patient.postcode,
        )
        if appointment.ends_at <= now and rng.random() < 0.7:
            appointment.state, appointment.attended_at = State.ATTENDED, starts_at
        elif rng.random() < 0.1:
            appointment.state, appointment.cancelled_at = State.CANCELLED, min(now, starts_at)
        return appointment
