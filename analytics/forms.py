"""The choices above the "Missed appointments" admin page."""

from django import forms

from .charts import METRICS
from .selectors import PERIODS


class MissedReportForm(forms.Form):
    group_by = forms.ChoiceField(
        label="Per", choices=[("department", "department"), ("clinician", "clinician")]
    )
    period = forms.ChoiceField(choices=[(p, p) for p in PERIODS], initial="month")
    metric = forms.ChoiceField(label="Chart", choices=list(METRICS.items()), initial="missed")
    first_day = forms.DateField(label="From", required=False, help_text="YYYY-MM-DD")
    last_day = forms.DateField(label="To", required=False, help_text="YYYY-MM-DD")
