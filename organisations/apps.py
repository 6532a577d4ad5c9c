from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = gettext_lazy("Organisations and sites")
