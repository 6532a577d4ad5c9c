from django.urls import path

from .views import MissedAppointmentsView

urlpatterns = [
    path(
        "missed-appointments/", MissedAppointmentsView.as_view(), name="stats-missed-appointments"
    ),
]
