from django.apps import AppConfig


class CliniciansConfig(AppConfig):
    name = "clinicians"
    verbose_name = "Clinicians and departments"
