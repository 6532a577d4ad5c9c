"""``GET /api/v1/stats/missed-appointments/`` and ``/stats/reminders/``: thin over
``analytics.selectors`` and ``analytics.trials``."""

import contextlib
import gc

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from panda_project.api.schema import errors

from .models import MissedAppointmentsReport
from .selectors import missed_appointments
from .serializers import (
    MissedQuerySerializer,
    MissedReportSerializer,
    TrialQuerySerializer,
    TrialReportSerializer,
    report_body,
    trial_body,
)
from .trials import reminder_trial


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector off for a while. A year of days per clinician is
    73,000 rows read and as many dicts written, none of them in a cycle (reference counting
    frees them), yet each few hundred new objects start a collection that walks them all: a
    fifth of the request's time. Turned back on only if it was on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class MissedAppointmentsView(APIView):
    """Missed appointments and the clinician time they cost, per group and calendar period."""

    permission_model = MissedAppointmentsReport

    @extend_schema(
        summary="Missed appointments over time",
        description="Booked, attended, cancelled and missed appointments, the missed rate and "
        "the clinician minutes lost, for each clinician, department or site and each calendar "
        "day, week (Monday to Sunday) or month in Europe/London. An appointment counts in the "
        "period in which it starts; it is missed when it is still active after its end. "
        "Groups and periods without appointments are left out of `results`.",
        parameters=[
            MissedQuerySerializer,
            OpenApiParameter("from", OpenApiTypes.DATE, description="The first day, YYYY-MM-DD."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="The last day, YYYY-MM-DD."),
        ],
        responses={200: MissedReportSerializer, **errors(400)},
    )
    def get(self, request):
        query = MissedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        with collector_paused():
            body = _missed_report_body(request, query.validated_data)
        return Response(body)


def _missed_report_body(request, options: dict) -> dict:
    """The answer's body. The report, its 73,000 rows for a year of days per clinician, is let
    go on return, while the collector is still paused; the body holds no dict the collector
    tracks (``MissedReportSerializer.to_representation``), so it has nothing left to walk."""
    report = missed_appointments(
        group_by=options["group_by"],
        period=options["period"],
        first_day=options.get("from"),
        last_day=options.get("to"),
        clinician_id=options.get("clinician"),
        department_id=options.get("department"),
    )
    context = {"request": request, "group_by": report.group_by}
    return MissedReportSerializer(report_body(report), context=context).data


class ReminderTrialView(APIView):
    """A trial of reminder wordings: per variant, how many patients missed."""

    @extend_schema(
        summary="Reminder wordings compared",
        description="For each reminder variant, over the appointments allocated to it that "
        "start in the range (days in Europe/London): appointments, how many had a reminder "
        "sent, attended, cancelled and missed, the missed rate, and the odds ratio of missing "
        "against the first variant with its 95% confidence interval (Woolf's method; when a "
        "count is 0, 0.5 is added to all four counts, the Haldane-Anscombe correction, and "
        "`corrected` is true). Appointments count by allocation, reminded or not, and those "
        "not yet ended count as not missed.",
        parameters=[
            TrialQuerySerializer,
            OpenApiParameter("from", str, description="The first day, YYYY-MM-DD."),
            OpenApiParameter("to", str, description="The last day, YYYY-MM-DD."),
        ],
        responses={200: TrialReportSerializer, **errors(400)},
    )
    def get(self, request):
        query = TrialQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        options = query.validated_data
        report = reminder_trial(first_day=options.get("from"), last_day=options.get("to"))
        return Response(TrialReportSerializer(trial_body(report)).data)
