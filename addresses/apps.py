from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AddressesConfig(AppConfig):
    name = "addresses"
    verbose_name = gettext_lazy("Addresses")
