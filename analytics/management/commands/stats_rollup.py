"""``manage.py stats_rollup [--rebuild | --check]``: the rollup of the missed-appointment figures.

Without options it rolls up every closed day not yet rolled up (after an import, so that the
first report need not); ``--rebuild`` builds it all again; ``--check`` compares every rolled-up
day with the appointments and exits with status 1 on any difference.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from analytics.rollup import install_triggers, rollup_build_all, rollup_differences
from panda_project.commands import in_operator_language


class Command(BaseCommand):
    help = "Build, rebuild or check the rollup of the missed-appointment figures."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--rebuild", action="store_true", help="Build every day again.")
        group.add_argument(
            "--check", action="store_true", help="Compare the rollup with the appointments."
        )

    @in_operator_language
    def handle(self, *args, **options):
        if install_triggers():
            self.stderr.write(_("The rollup's triggers were missing: created, rollup cleared."))
        if options["check"]:
            problems = rollup_differences()
            for problem in problems:
                self.stderr.write(problem)
            if problems:
                raise CommandError(
                    _("The rollup differs from the appointments on %(count)s rows.")
                    % {"count": len(problems)}
                )
            self.stdout.write(_("The rollup agrees with the appointments."))
            return
        days = rollup_build_all(rebuild=options["rebuild"])
        self.stdout.write(_("%(days)s days rolled up.") % {"days": days})
