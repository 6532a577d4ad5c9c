"""Analytics has no tables of its own: a proxy gives the admin page and its permission a home."""

from appointments.models import Appointment


class MissedAppointmentsReport(Appointment):
    """The admin's "Missed appointments" page. Staff need its view permission to open it."""

    class Meta:
        proxy = True
        verbose_name = "missed appointments"
        verbose_name_plural = "missed appointments"
        default_permissions = ("view",)
