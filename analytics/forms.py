"""The choices above the "Missed appointments" and "Reminder trials" admin pages."""

from django import forms
from django.utils.translation import gettext_lazy

from .charts import METRICS
from .selectors import PERIODS

# The browser's date picker; it sends YYYY-MM-DD whatever the screen shows.
DATE = {"type": "date"}


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
    first_day = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    last_day = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs=DATE)
    )


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
