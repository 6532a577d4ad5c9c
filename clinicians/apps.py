from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CliniciansConfig(AppConfig):
    name = "clinicians"
    verbose_name = gettext_lazy("Clinicians and departments")
