"""/fhir/R4/: mounted by panda_project.urls."""

from django.apps import apps
from django.urls import path, re_path

from . import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.CapabilityStatementView.as_view(), name="metadata"),
    path("Patient", views.PatientSearchView.as_view(), name="patient-search"),
    path("Patient/<str:id>", views.PatientReadView.as_view(), name="patient-read"),
    path(
        "Patient/<str:id>/$everything",
        views.PatientEverythingView.as_view(),
        name="patient-everything",
    ),
    path("Appointment", views.AppointmentSearchView.as_view(), name="appointment-search"),
    path("Appointment/<str:id>", views.AppointmentReadView.as_view(), name="appointment-read"),
    path("Practitioner/<str:id>", views.PractitionerReadView.as_view(), name="practitioner-read"),
    path("Organization/<str:id>", views.OrganizationReadView.as_view(), name="organization-read"),
]
if apps.is_installed("reminders"):  # reminders sent, as Communications
    urlpatterns.append(
        path(
            "Communication/<str:id>",
            views.CommunicationReadView.as_view(),
            name="communication-read",
        )
    )
urlpatterns += [
    path("", views.UnknownEndpointView.as_view(), name="base"),
    re_path(r"^.+$", views.UnknownEndpointView.as_view()),
]
