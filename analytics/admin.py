"""The admin pages "Missed appointments" (a trend chart per department or clinician, with the
figures under it) and "Reminder trials" (the reminder variants compared). Clinic managers open
them; they need the view permission of ``analytics.MissedAppointmentsReport`` and
``analytics.ReminderTrialReport``."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.template.response import TemplateResponse
from django.utils.http import urlencode
from django.utils.translation import gettext

from backoffice.admin_tools import ReadOnlyAdminMixin

from .charts import METRICS, report_lines, trend_chart, trial_chart
from .forms import MissedReportForm, TrialReportForm
from .models import MissedAppointmentsReport, ReminderTrialReport
from .selectors import missed_appointments
from .trials import reminder_trial

DEFAULTS = {"group_by": "department", "period": "month", "metric": "missed"}


class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Not a list of rows: the changelist is the report."""


def _form_errors(form, error: ValidationError) -> None:
    """The selector's errors on the form's fields (its "from" and "to" are the form's days)."""
    for field, errors in error.message_dict.items():
        name = {"from": "first_day", "to": "last_day"}.get(field, field)
        form.add_error(name if name in form.fields else None, errors)


@admin.register(MissedAppointmentsReport)
class MissedAppointmentsReportAdmin(ReportAdmin):
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
            _form_errors(form, error)
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


@admin.register(ReminderTrialReport)
class ReminderTrialReportAdmin(ReportAdmin):
    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = TrialReportForm(request.GET)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Reminder trials"),
            "form": form,
        }
        if form.is_valid():
            options = form.cleaned_data
            try:
                report = reminder_trial(
                    first_day=options["first_day"], last_day=options["last_day"]
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                context.update({"report": report, "chart": trial_chart(report)})
        return TemplateResponse(request, "admin/analytics/reminder_trials.html", context)
