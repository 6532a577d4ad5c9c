"""PANDA's admin site: its titles, an index page with what receptionists do most, and the day
view (backoffice.day)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path
from django.utils.translation import gettext_lazy

# The index lists this many of today's appointments; the full list is a click away.
TODAY_LIMIT = 100


class PandaAdminSite(admin.AdminSite):
    site_header = gettext_lazy("PANDA back office")
    site_title = "PANDA"
    index_title = gettext_lazy("Today at the clinic")
    site_url = None  # PANDA has no public site to link to

    def get_urls(self):
        from . import day

        urls = [
            path("day/", self.admin_view(lambda r: day.day_view(self, r)), name="day"),
            path(
                "day/<uuid:pk>/<slug:action>/",
                self.admin_view(lambda r, pk, action: day.day_action(self, r, pk, action)),
                name="day_action",
            ),
        ]
        return urls + super().get_urls()

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
