from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = gettext_lazy("Appointments")
