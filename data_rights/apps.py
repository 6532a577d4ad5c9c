from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataRightsConfig(AppConfig):
    """Patients' data rights: the export of everything held, erasure, and retention."""

    name = "data_rights"
    verbose_name = _("Data rights")
