from django.urls import path

from .views import MissedAppointmentsView, ReminderTrialView

urlpatterns = [
    path(
        "missed-appointments/", MissedAppointmentsView.as_view(), name="stats-missed-appointments"
    ),
    path("reminders/", ReminderTrialView.as_view(), name="stats-reminders"),
]
