"""The missed-appointment figures in the API: the query it accepts and the answer it gives."""

import orjson
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from panda_project.api.fields import StrictSerializerMixin
from panda_project.api.links import DIGITS_PLACEHOLDER, link_builder

from .selectors import (
    GROUP_BY,
    LONDON,
    MICROSECONDS_A_MINUTE,
    PERIODS,
    MissedFigures,
    MissedReport,
    missed_rate,
)

GROUP_VIEWS = {
    "clinician": "clinician-detail",
    "department": "department-detail",
    "site": "site-detail",
}


class MissedQuerySerializer(StrictSerializerMixin, serializers.Serializer):
    """The query string of ``/stats/missed-appointments/``; unknown parameters are refused."""

    of_query_parameters = True

    group_by = serializers.ChoiceField(choices=GROUP_BY, default="department")
    period = serializers.ChoiceField(choices=PERIODS, default="month")
    clinician = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Only this clinician's."
    )
    department = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="Only this department's."
    )

    def get_fields(self):
        # "from" is a Python keyword, so these two are declared here.
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False,
            help_text="The first day (YYYY-MM-DD), moved back to the start of its period. "
            "By default, the start of the twelfth period back.",
        )
        fields["to"] = serializers.DateField(
            required=False,
            help_text="The last day (YYYY-MM-DD), moved on to the end of its period. "
            "By default, today in Europe/London.",
        )
        return fields


class GroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    url = serializers.URLField(allow_null=True)


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="The last day of the period, included.")


class MissedFiguresSerializer(serializers.Serializer):
    """One group's figures in one period."""

    group = serializers.SerializerMethodField()
    period = PeriodSerializer()
    booked = serializers.IntegerField(help_text="Every appointment starting in the period.")
    attended = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    missed = serializers.IntegerField(help_text="Still active when they ended.")
    missed_rate = serializers.FloatField(
        allow_null=True,
        help_text="missed / (booked - cancelled), to four places; null when that is 0.",
    )
    minutes_lost = serializers.IntegerField(
        help_text="The clinician time lost: the sum of the missed appointments' durations."
    )

    @extend_schema_field(
        GroupSerializer(
            help_text="No site: id, name and url are null. With group_by=reminded, name is "
            '"reminded" (a reminder was sent or delivered) or "not reminded", and id and url '
            "are null."
        )
    )
    def get_group(self, figures: MissedFigures) -> dict:
        if self.context["group_by"] == "reminded":
            return {"id": None, "name": figures.group_name, "url": None}
        url = None
        if figures.group_id is not None:
            path = reverse(GROUP_VIEWS[self.context["group_by"]], args=[figures.group_id])
            url = self.context["request"].build_absolute_uri(path)
        return {"id": figures.group_id, "name": figures.group_name, "url": url}


def report_body(report: MissedReport) -> dict:
    """What MissedReportSerializer shows of a report."""
    return {
        "group_by": report.group_by,
        "period": report.period,
        "time_zone": LONDON.key,
        "periods": report.periods,
        "groups": report.groups,
        "figures": report.each(),
    }


class MissedReportSerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=GROUP_BY)
    period = serializers.ChoiceField(choices=PERIODS)
    time_zone = serializers.CharField(help_text="The periods are calendar periods in this zone.")
    periods = PeriodSerializer(many=True, help_text="Every period of the range, in order.")
    results = MissedFiguresSerializer(
        many=True, help_text="Each group and period with appointments, by group name and period."
    )

    def to_representation(self, report: dict) -> dict:
        """The fields above, written out directly from the report's figures: DRF's generic loop
        over nested serializers and one ``reverse()`` per group link took longer than the
        report's SQL, and a year of days per clinician is 73,000 results.
        ``analytics/tests/test_serializers.py`` checks that this gives the generic result's JSON.

        Each result's group and period are written as JSON once (``orjson.Fragment``), not a
        dict each time: orjson then copies them, and a result that holds no dict is left alone
        by Python's garbage collector, whose passes over 73,000 dicts took a tenth of the
        request."""
        view = GROUP_VIEWS.get(report["group_by"])  # none for "reminded"
        group_link = view and link_builder(self.context, view, "pk", DIGITS_PLACEHOLDER)
        periods = [
            {"start": period.start.isoformat(), "end": period.end.isoformat()}
            for period in report["periods"]
        ]
        written_periods = [orjson.Fragment(orjson.dumps(period)) for period in periods]
        groups = {}
        for group_id, name in report["groups"]:
            shown_id = None if group_link is None else group_id
            url = None if shown_id is None else group_link(shown_id)
            group = {"id": shown_id, "name": name, "url": url}
            groups[group_id] = orjson.Fragment(orjson.dumps(group))
        results = []
        add = results.append
        rate, minute = missed_rate, MICROSECONDS_A_MINUTE
        for group_id, _name, rows in report["figures"]:
            group = groups[group_id]
            for _group, index, booked, attended, cancelled, missed, lost in rows:
                add(
                    {
                        "group": group,
                        "period": written_periods[index],
                        "booked": booked,
                        "attended": attended,
                        "cancelled": cancelled,
                        "missed": missed,
                        "missed_rate": rate(booked, cancelled, missed),
                        "minutes_lost": lost // minute,
                    }
                )
        return {
            "group_by": report["group_by"],
            "period": report["period"],
            "time_zone": report["time_zone"],
            "periods": periods,
            "results": results,
        }


class TrialQuerySerializer(StrictSerializerMixin, serializers.Serializer):
    """The query string of ``/stats/reminders/``; unknown parameters are refused."""

    def get_fields(self):
        # "from" is a Python keyword, so the fields are declared here.
        return {
            "from": serializers.DateField(
                required=False,
                help_text="The first day (YYYY-MM-DD) on which the appointments start. By "
                "default, the first there is.",
            ),
            "to": serializers.DateField(
                required=False,
                help_text="The last day (YYYY-MM-DD), included. By default, today in "
                "Europe/London.",
            ),
        }


class VariantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OddsRatioSerializer(serializers.Serializer):
    estimate = serializers.FloatField(help_text="To four places.")
    ci_low = serializers.FloatField(help_text="The lower bound of the 95% confidence interval.")
    ci_high = serializers.FloatField(help_text="The upper bound of the 95% confidence interval.")
    corrected = serializers.BooleanField(
        help_text="True when a count in the 2x2 table was 0, so 0.5 was added to all four "
        "(the Haldane-Anscombe correction)."
    )


def _rounded(value: float) -> float:
    return round(value, 4)


class VariantFiguresSerializer(serializers.Serializer):
    """One variant's figures."""

    variant = serializers.SerializerMethodField()
    reference = serializers.BooleanField(help_text="The variant the others are compared with.")
    appointments = serializers.IntegerField(
        help_text="Appointments allocated to this variant that start in the range."
    )
    reminded = serializers.IntegerField(help_text="Of those, how many had a reminder sent.")
    attended = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    missed = serializers.IntegerField(help_text="Still active when they ended.")
    missed_rate = serializers.FloatField(
        allow_null=True,
        help_text="missed / (appointments - cancelled), to four places; null when that is 0.",
    )
    odds_ratio = serializers.SerializerMethodField()

    @extend_schema_field(VariantSerializer)
    def get_variant(self, row) -> dict:
        return {"id": row.variant_id, "name": row.variant_name}

    @extend_schema_field(
        OddsRatioSerializer(
            allow_null=True,
            help_text="The odds of missing with this variant over the odds with the reference "
            "variant, with Woolf's 95% confidence interval. Null for the reference itself, and "
            "when either has no appointments left to miss.",
        )
    )
    def get_odds_ratio(self, row) -> dict | None:
        ratio = row.odds_ratio
        if ratio is None:
            return None
        return {
            "estimate": _rounded(ratio.estimate),
            "ci_low": _rounded(ratio.ci_low),
            "ci_high": _rounded(ratio.ci_high),
            "corrected": ratio.corrected,
        }


def trial_body(report) -> dict:
    """What TrialReportSerializer shows of an ``analytics.trials.TrialReport``."""
    reference = report.reference
    return {
        "from": report.first_day,
        "to": report.last_day,
        "time_zone": LONDON.key,
        "confidence": report.confidence,
        "reference": None
        if reference is None
        else {"id": reference.variant_id, "name": reference.variant_name},
        "results": report.rows,
    }


class TrialReportSerializer(serializers.Serializer):
    time_zone = serializers.CharField(help_text="The days are days in this zone.")
    confidence = serializers.FloatField(help_text="Of the odds ratios' intervals: 0.95.")
    reference = VariantSerializer(
        allow_null=True,
        help_text="The variant the others are compared with: the first (lowest id). Null when "
        "there are no variants.",
    )
    results = VariantFiguresSerializer(many=True, help_text="Every variant, by id.")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            allow_null=True, help_text="The first day; null for the first there is."
        )
        fields["to"] = serializers.DateField(help_text="The last day, included.")
        return {name: fields[name] for name in ("from", "to", *list(fields)[:-2])}
