"""Analytics has no tables of its own: proxies give the admin pages and their permissions a home."""

from appointments.models import Appointment


class MissedAppointmentsReport(Appointment):
    """The admin's "Missed appointments" page. Staff need its view permission to open it."""

    class Meta:
        proxy = True
        verbose_name = "missed appointments"
        verbose_name_plural = "missed appointments"
        default_permissions = ("view",)


class ReminderTrialReport(Appointment):
    """The admin's "Reminder trials" page. Staff need its view permission to open it."""

    class Meta:
        proxy = True
        verbose_name = "reminder trial"
        verbose_name_plural = "reminder trials"
        default_permissions = ("view",)
