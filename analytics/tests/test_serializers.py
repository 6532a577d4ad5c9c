"""The missed-appointments report's hand-written representation gives DRF's generic one."""

import orjson
import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from analytics.selectors import missed_appointments
from analytics.serializers import MissedReportSerializer, report_body

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("group_by", ["department", "clinician", "site", "reminded"])
@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_the_report_equals_the_generic_serializers_output(crafted, monkeypatch, group_by, period):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    report = missed_appointments(group_by=group_by, period=period, first_day=None, last_day=None)
    body = report_body(report)
    request = Request(APIRequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https"))
    context = {"request": request, "group_by": report.group_by}

    ours = MissedReportSerializer(body, context=context).data
    blank = MissedReportSerializer(context=context)
    # The generic serializer reads the results as figures; ours reads the report's totals.
    generic = serializers.Serializer.to_representation(blank, body | {"results": report.rows})

    assert report.rows  # the crafted appointments give figures to show
    assert any(row.group_id is None for row in report.rows) == (group_by == "site")
    assert orjson.loads(orjson.dumps(ours)) == generic
