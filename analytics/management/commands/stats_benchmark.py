"""``manage.py stats_benchmark [--seed N] [--repeat R] [--all] [--direct-repeat D]``: time the
missed-appointment figures.

Run it against a database of its own (see ``analytics.benchmark``).
"""

import gc
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.urls import get_resolver

from analytics.benchmark import (
    all_cases,
    analyse_rollup,
    seed_appointments,
    standard_timings,
)
from analytics.rollup import rollup_build_all
from appointments.models import Appointment


class Command(BaseCommand):
    help = (
        "Optionally bulk-insert appointments up to --seed N (fake data: use a database of its "
        "own), then time GET /api/v1/stats/missed-appointments/ over them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, help="Add appointments until there are this many.")
        parser.add_argument("--batch-size", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=5, help="Timed runs of each query.")
        parser.add_argument(
            "--all",
            action="store_true",
            help="Every grouping by every period, unfiltered and filtered by a department "
            "and by a clinician (27 cases), rather than the five standard ones.",
        )
        parser.add_argument(
            "--direct-repeat",
            type=int,
            help="Timed runs of each query straight from the appointments (default --repeat; "
            "0: not timed).",
        )

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
        began, began_cpu = time.perf_counter(), time.process_time()
        days = rollup_build_all()
        analyse_rollup()
        self.stdout.write(
            f"Rolled up {days} days in {time.perf_counter() - began:.1f} s "
            f"({time.process_time() - began_cpu:.1f} s CPU in this process)."
        )
        count = Appointment.objects.count()
        # As a gunicorn worker does once PANDA is loaded (gunicorn.conf.py): what is loaded is
        # never freed, and a full collection would walk it all again within a large answer.
        get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view
        gc.freeze()
        self.stdout.write(
            f"{connection.vendor}: {count} appointments; median of {options['repeat']} whole "
            "requests, ms, wall (CPU of this process), from the rollup and straight from the "
            "appointments, taking turns"
        )
        timings = standard_timings(
            options["repeat"],
            cases=all_cases() if options["all"] else None,
            direct_repeat=options["direct_repeat"],
        )
        for rolled, direct in timings:
            line = (
                f"  {rolled.label:46} rollup {rolled.median * 1000:8.1f} "
                f"({rolled.median_cpu * 1000:6.1f})"
            )
            if direct is not None:
                line += f"  direct {direct.median * 1000:9.1f} ({direct.median_cpu * 1000:7.1f})"
            self.stdout.write(f"{line}  {rolled.groups} groups, {rolled.rows} rows")

    def _progress(self, added: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\r{added} appointments added")
