"""The admin page "Missed appointments": a trend chart per department or clinician, with the
figures under it. Clinic managers open it; it needs the view permission of
``analytics.MissedAppointmentsReport``."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.utils.translation import gettext

from .charts import METRICS, report_lines, trend_chart
from .forms import MissedReportForm
from .models import MissedAppointmentsReport
from .selectors import missed_appointments

DEFAULTS = {"group_by": "department", "period": "month", "metric": "missed"}


@admin.register(MissedAppointmentsReport)
class MissedAppointmentsReportAdmin(admin.ModelAdmin):
    """Not a list of rows: the changelist is the report."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = MissedReportForm(request.GET or QueryDict(urlencode(DEFAULTS)))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Missed appointments"),
            "form": form,
        }
        if form.is_valid():
            context.update(self._report(form))
        return TemplateResponse(request, "admin/analytics/missed_appointments.html", context)

    def _report(self, form) -> dict:
        options = form.cleaned_data
        try:
            report = missed_appointments(
                group_by=options["group_by"],
                period=options["period"],
                first_day=options["first_day"],
                last_day=options["last_day"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                name = {"from": "first_day", "to": "last_day"}.get(field, field)
                form.add_error(name if name in form.fields else None, errors)
            return {}
        # The boxes show the range in use, the default one included.
        form.data = {
            **form.data.dict(),
            "first_day": report.first_day.isoformat(),
            "last_day": report.last_day.isoformat(),
        }
        metric = options["metric"]
        return {
            "report": report,
            "metric_label": METRICS[metric],
            "chart": trend_chart(report, metric),
            "legend": report_lines(report, metric),
        }
