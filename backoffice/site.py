"""PANDA's admin site: its titles, and an index page with what receptionists do most."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy

# The index lists this many of today's appointments; the full list is a click away.
TODAY_LIMIT = 100


class PandaAdminSite(admin.AdminSite):
    site_header = gettext_lazy("PANDA back office")
    site_title = "PANDA"
    index_title = gettext_lazy("Today at the clinic")
    site_url = None  # PANDA has no public site to link to

    def index(self, request, extra_context=None):
        from appointments.selectors import todays_appointments

        context = {**(extra_context or {})}
        if request.user.has_perm("patients.view_patient"):
            context["can_find_patient"] = True
        if request.user.has_perm("appointments.view_appointment"):
            context["todays_appointments"] = todays_appointments()[:TODAY_LIMIT]
        return super().index(request, context)


class PandaAdminConfig(AdminConfig):
    """Django's admin app, with PANDA's site as ``admin.site``."""

    default_site = "backoffice.site.PandaAdminSite"
