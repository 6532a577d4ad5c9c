"""The back office's own table: what each member of staff last chose to see on the day view.

(Django also sends ``post_migrate``, which sets up the staff roles, only to apps with models.)
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DayViewChoice(models.Model):
    """The site, department or clinician whose day a user sees at /admin/day/ (none: all).

    Kept per user, not per session, so it survives logging out and in again.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="day_view_choice",
        verbose_name=_("user"),
    )
    site = models.ForeignKey(
        "organisations.Site", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        "clinicians.Department", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    clinician = models.ForeignKey(
        "clinicians.Clinician", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("day view choice")
        verbose_name_plural = _("day view choices")
        constraints = [
            # One of the three at most: the day is a site's, a department's or a clinician's.
            models.CheckConstraint(
                condition=(
                    Q(site__isnull=True, department__isnull=True)
                    | Q(site__isnull=True, clinician__isnull=True)
                    | Q(department__isnull=True, clinician__isnull=True)
                ),
                name="day_view_choice_one_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.site or self.department or self.clinician or 'all'}"
