"""The missed-appointment figures in the API: the query it accepts and the answer it gives."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from panda_project.api.fields import StrictSerializerMixin

from .selectors import GROUP_BY, PERIODS, MissedFigures

GROUP_VIEWS = {
    "clinician": "clinician-detail",
    "department": "department-detail",
    "site": "site-detail",
}


class MissedQuerySerializer(StrictSerializerMixin, serializers.Serializer):
    """The query string of ``/stats/missed-appointments/``; unknown parameters are refused."""

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

    @extend_schema_field(GroupSerializer(help_text="No site: id, name and url are null."))
    def get_group(self, figures: MissedFigures) -> dict:
        url = None
        if figures.group_id is not None:
            path = reverse(GROUP_VIEWS[self.context["group_by"]], args=[figures.group_id])
            url = self.context["request"].build_absolute_uri(path)
        return {"id": figures.group_id, "name": figures.group_name, "url": url}


class MissedReportSerializer(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=GROUP_BY)
    period = serializers.ChoiceField(choices=PERIODS)
    time_zone = serializers.CharField(help_text="The periods are calendar periods in this zone.")
    periods = PeriodSerializer(many=True, help_text="Every period of the range, in order.")
    results = MissedFiguresSerializer(
        many=True, help_text="Each group and period with appointments, by group name and period."
    )
