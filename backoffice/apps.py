from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class BackofficeConfig(AppConfig):
    """The staff's side of PANDA: the admin site, the staff roles and their commands."""

    name = "backoffice"
    verbose_name = gettext_lazy("PANDA back office")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import roles_ensure_after_migrate

        # After every migrate (and every test database flush) the roles match the code.
        post_migrate.connect(roles_ensure_after_migrate, sender=self)
