"""The choices above the "Missed appointments" and "Reminder trials" admin pages."""

from django import forms
from django.utils.translation import gettext_lazy

from .charts import METRICS
from .selectors import PERIODS


class MissedReportForm(forms.Form):
    group_by = forms.ChoiceField(
        label=gettext_lazy("Per"),
        choices=[
            ("department", gettext_lazy("department")),
            ("clinician", gettext_lazy("clinician")),
            ("reminded", gettext_lazy("reminder sent or not")),
        ],
    )
    period = forms.ChoiceField(
        label=gettext_lazy("Period"), choices=[(p, p) for p in PERIODS], initial="month"
    )
    metric = forms.ChoiceField(
        label=gettext_lazy("Chart"), choices=list(METRICS.items()), initial="missed"
    )
    first_day = forms.DateField(label=gettext_lazy("From"), required=False, help_text="YYYY-MM-DD")
    last_day = forms.DateField(label=gettext_lazy("To"), required=False, help_text="YYYY-MM-DD")


class TrialReportForm(forms.Form):
    first_day = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        help_text=gettext_lazy("YYYY-MM-DD; by default, the first appointment."),
    )
    last_day = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        help_text=gettext_lazy("YYYY-MM-DD; by default, today."),
    )
