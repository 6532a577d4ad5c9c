from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = gettext_lazy("Analytics")

    def ready(self):
        post_migrate.connect(_check_rollup_triggers, sender=self)


def _check_rollup_triggers(using, plan=None, **kwargs):
    """After every migrate: a migration that rebuilt the appointments table on SQLite dropped
    the rollup's triggers; they are created again and the rollup cleared."""
    from .rollup import install_triggers, tables_exist

    if using == "default" and tables_exist():
        install_triggers()
