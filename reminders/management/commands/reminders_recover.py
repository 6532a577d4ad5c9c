"""``manage.py reminders_recover``: settle every reminder left ``sending`` by a worker that was
cut off (``reminders.services.reminder_recover``). ``bin/worker`` runs it as a worker starts;
safe to run at any time, or twice."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from panda_project.commands import in_operator_language
from reminders.services import reminders_recover


class Command(BaseCommand):
    help = (
        "Settle the reminders left 'sending' by a worker that stopped mid-send: the provider is "
        "asked whether it took each one (sent), or it is sent again; those claimed too recently "
        "are looked at again by a task."
    )

    @in_operator_language
    def handle(self, *args, **options):
        outcomes = reminders_recover()
        if not outcomes:
            self.stdout.write(_("No reminder was left sending."))
            return
        for outcome, count in sorted(outcomes.items()):
            self.stdout.write(_("%(outcome)s: %(count)d") % {"outcome": outcome, "count": count})
