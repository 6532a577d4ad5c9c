"""PANDA's URLs: the JSON API under /api/v1/, its docs, and the admin."""

from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.routers import DefaultRouter

from addresses.views import PatientAddressViewSet
from appointments.views import AppointmentViewSet, PatientAppointmentViewSet
from clinicians.views import ClinicianMembershipViewSet, ClinicianViewSet, DepartmentViewSet
from data_rights.views import PatientExportView
from fhir_api.errors import operation_outcome
from fhir_api.views import UnknownEndpointView as FHIRUnknownEndpointView
from organisations.views import OrganisationAddressViewSet, OrganisationViewSet, SiteViewSet
from panda_project.api.errors import json_error
from panda_project.api.fallback import api_fallback
from patients.views import PatientViewSet
from reminders.views import AppointmentReminderViewSet, NotifyCallbackView

router = DefaultRouter()
router.register("patients", PatientViewSet, basename="patient")
router.register("appointments", AppointmentViewSet, basename="appointment")
router.register("clinicians", ClinicianViewSet, basename="clinician")
router.register("departments", DepartmentViewSet, basename="department")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("sites", SiteViewSet, basename="site")

nested = DefaultRouter(trailing_slash=True)
nested.include_root_view = False
nested.register(
    r"patients/(?P<nhs_number>[^/]+)/addresses", PatientAddressViewSet, basename="patient-addresses"
)
nested.register(
    r"patients/(?P<nhs_number>[^/]+)/appointments",
    PatientAppointmentViewSet,
    basename="patient-appointments",
)
nested.register(
    r"appointments/(?P<appointment_pk>[^/]+)/reminders",
    AppointmentReminderViewSet,
    basename="appointment-reminders",
)
nested.register(
    r"organisations/(?P<organisation_pk>[0-9]+)/addresses",
    OrganisationAddressViewSet,
    basename="organisation-addresses",
)
nested.register(
    r"clinicians/(?P<clinician_pk>[0-9]+)/memberships",
    ClinicianMembershipViewSet,
    basename="clinician-memberships",
)

# The most requested routes first: URL resolution tries the patterns in order.
urlpatterns = [
    path("api/v1/", include(router.urls)),
    path(
        "api/v1/patients/<str:nhs_number>/export/",
        PatientExportView.as_view(),
        name="patient-export",
    ),
    path("api/v1/", include(nested.urls)),
    path("api/v1/stats/", include("analytics.urls")),
    path("api/v1/notify/callback/", NotifyCallbackView.as_view(), name="notify-callback"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("admin/", admin.site.urls),
    path("fhir/R4/", include("fhir_api.urls")),
    # Last: any other URL under /api/ or /fhir/ is answered by the API, never by an HTML page.
    re_path(r"^api(?:/|$)", api_fallback),
    re_path(r"^fhir(?:/|$)", FHIRUnknownEndpointView.as_view()),
]


def not_found(request, exception=None):
    """JSON in the API's error shape under /api/ (an OperationOutcome under /fhir/), Django's
    page elsewhere."""
    if request.path.startswith("/api/"):
        return json_error(404, "not_found", _("Not found."))
    if request.path.startswith("/fhir/"):
        return JsonResponse(operation_outcome("not-found", _("Not found.")), status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    message = _("Something went wrong on our side.")
    if request.path.startswith("/api/"):
        return json_error(500, "server_error", message)
    if request.path.startswith("/fhir/"):
        return JsonResponse(operation_outcome("exception", message), status=500)
    return defaults.server_error(request)


handler404 = not_found
handler500 = server_error
