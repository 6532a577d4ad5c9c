"""``manage.py stats_benchmark [--seed N] [--repeat R]``: time the missed-appointment figures.

Run it against a database of its own (see ``analytics.benchmark``).
"""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from analytics.benchmark import seed_appointments, standard_timings
from analytics.rollup import rollup_build_all
from appointments.models import Appointment


class Command(BaseCommand):
    help = (
        "Optionally bulk-insert appointments up to --seed N (fake data: use a database of its "
        "own), then time GET /api/v1/stats/missed-appointments/ over them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, help="Add appointments until there are this many.")
        parser.add_argument("--batch-size", type=int, default=10_000)
        parser.add_argument("--repeat", type=int, default=5, help="Timed runs of each query.")

    def handle(self, *args, **options):
        if options["seed"] is not None:
            if options["seed"] < 0 or options["batch_size"] < 1:
                raise CommandError("--seed cannot be negative, nor --batch-size below 1.")
            began = time.perf_counter()
            added = seed_appointments(
                options["seed"], batch_size=options["batch_size"], progress=self._progress
            )
            elapsed = time.perf_counter() - began
            self.stdout.write(f"\nSeeded {added} appointments in {elapsed:.1f} s.")
        began = time.perf_counter()
        days = rollup_build_all()
        self.stdout.write(f"Rolled up {days} days in {time.perf_counter() - began:.1f} s.")
        count = Appointment.objects.count()
        self.stdout.write(
            f"{connection.vendor}: {count} appointments; median of {options['repeat']}, "
            "from the rollup and (in brackets) straight from the appointments, taking turns"
        )
        for rolled, direct in standard_timings(options["repeat"]):
            self.stdout.write(
                f"  {rolled.label:34} {rolled.median * 1000:8.1f} ms "
                f"({direct.median * 1000:.1f} ms; {rolled.groups} groups)"
            )

    def _progress(self, added: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{added} appointments added")
