from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = gettext_lazy("Patients")

    def ready(self):
        from . import checks  # noqa: F401  (registers the identifier setting's check)
