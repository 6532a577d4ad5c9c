"""Every timestamp in every API response carries its UTC offset.

A whole scenario is played through the API and then every JSON response it can reach is walked:
each resource, each list and each link found in them, the statistics and the FHIR API. Any text
that holds a date with a time must end that time with "Z" or "+hh:mm"/"-hh:mm".
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
# A date followed by a time, anywhere in a text ...
DATE_AND_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
# ... must be an ISO 8601 timestamp with an offset.
WITH_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")
SEEDS = [
    "/api/v1/",
    "/api/v1/stats/missed-appointments/",
    "/api/v1/stats/missed-appointments/?group_by=department&period=day",
    "/fhir/R4/metadata",
    "/fhir/R4/Patient",
    "/fhir/R4/Appointment",
]


def strings(value, path="$"):
    """Every text in a JSON document, with where it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def naive_timestamps(document) -> list[str]:
    found = []
    for path, text in strings(document):
        for match in DATE_AND_TIME.finditer(text):
            if not WITH_OFFSET.match(text, match.start()):
                found.append(f"{path}: {text!r}")
    return found


def links(document) -> set[str]:
    return {
        text.removeprefix(HOST)
        for _, text in strings(document)
        if text.startswith((f"{HOST}/api/", f"{HOST}/fhir/"))
    }


def test_the_walker_notices_a_timestamp_without_an_offset():
    assert naive_timestamps({"a": [{"b": "2031-06-04T16:30:00"}]}) == [
        "$.a[0].b: '2031-06-04T16:30:00'"
    ]
    assert naive_timestamps({"a": "booked for 2031-06-04 16:30"})
    assert not naive_timestamps({"a": "2031-06-04T16:30:00Z", "b": "2031-06-04", "c": "-05:00"})


@pytest.fixture
def scenario(api):
    """A clinic's worth of data, made through the API where the API makes it."""
    responses = []

    def send(method, url, data=None):
        response = getattr(api, method)(url, data)
        assert response.status_code < 300, (url, response.json())
        responses.append((f"{method.upper()} {url}", response.json()))
        return response.json()

    patient = send(
        "post",
        "/api/v1/patients/",
        {
            "nhs_number": "9434765919",
            "name": "Siân Jones",
            "date_of_birth": "1970-05-01",
            "postcode": "CF10 1AA",
        },
    )
    send(
        "post",
        patient["addresses_url"],
        {"line1": "1 Heol y Frenhines", "town": "Caerdydd", "postcode": "CF10 1AA"},
    )
    clinician = send("post", "/api/v1/clinicians/", {"name": "Dr Rhys Evans"})
    department = send("post", "/api/v1/departments/", {"name": "cardiology"})
    send("post", "/api/v1/organisations/", {"name": "Cardiff and Vale"})
    booking = {
        "patient": patient["nhs_number"],
        "duration": "45m",
        "clinician": clinician["id"],
        "department": department["id"],
        "postcode": "CF10 1AA",
    }
    winter = send("post", "/api/v1/appointments/", booking | {"starts_at": "2031-01-15T09:00Z"})
    summer = send(
        "post", "/api/v1/appointments/", booking | {"starts_at": "2031-07-15T09:00:00+01:00"}
    )
    send("patch", winter["url"], {"duration": "1h"})
    send("post", f"{summer['url']}cancel/")
    soon = send(
        "post",
        "/api/v1/appointments/",
        booking | {"starts_at": (timezone.now() + dt.timedelta(minutes=5)).isoformat()},
    )
    send("post", f"{soon['url']}attend/")
    # History that only the import or time makes: a missed and an attended appointment.
    other = PatientFactory()
    AppointmentFactory(patient=other, ended=True)
    AppointmentFactory(
        patient=other,
        ended=True,
        attended=True,
        clinician=ClinicianFactory(),
        department=DepartmentFactory(),
    )
    return responses


def test_every_timestamp_in_every_response_carries_an_offset(api, scenario):
    problems = []
    for where, body in scenario:
        problems += [f"{where} {problem}" for problem in naive_timestamps(body)]
    queue, seen, timestamps = list(SEEDS), set(), 0
    while queue and len(seen) < 300:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = api.get(url)
        # A link may lead to an error (the FHIR base has no page of its own): its body counts too.
        assert response.status_code < 500 and (url not in SEEDS or response.status_code == 200), (
            url,
            response.content[:500],
        )
        body = response.json()
        timestamps += sum(1 for _, text in strings(body) for _ in DATE_AND_TIME.finditer(text))
        problems += [f"GET {url} {problem}" for problem in naive_timestamps(body)]
        queue += sorted(links(body) - seen)
    assert not problems, "\n".join(problems)
    # The walk reached what the scenario made: every kind of resource, with its timestamps.
    assert {"/api/v1/patients/9434765919/", "/api/v1/patients/9434765919/addresses/"} <= seen
    assert any(url.startswith("/fhir/R4/Appointment/") for url in seen)
    assert timestamps > 50
