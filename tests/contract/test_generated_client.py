"""The schema is the contract: a Python client generated from it by openapi-python-client drives a
whole flow against a live PANDA, and relies on nothing but the schema.

openapi-python-client needs pydantic 2, and the FHIR tests' fhir.resources needs pydantic 1, so the
generator lives in a virtualenv of its own, ``.venv-client``, that ``make test`` sets up from
``requirements-client.txt``. The generated code itself needs only httpx and attrs."""

import datetime as dt
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.authtoken.models import Token

from backoffice.roles import CLINIC_MANAGER, RECEPTIONIST
from backoffice.staff import staff_create
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from organisations.tests.factories import SiteFactory

GENERATOR = Path(settings.BASE_DIR) / ".venv-client" / "bin" / "openapi-python-client"
PACKAGE = "panda_client"
LONDON_SUMMER = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture(scope="module")
def generated(tmp_path_factory, django_db_blocker):
    """The client package generated from the schema that token mode serves."""
    if not GENERATOR.exists():
        pytest.fail(f"{GENERATOR} is missing: `make test` installs it (requirements-client.txt)")
    folder = tmp_path_factory.mktemp("contract")
    from django.test import Client

    with override_settings(PANDA_API_AUTH="token"), django_db_blocker.unblock():
        response = Client().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = folder / "schema.json"
    schema.write_text(json.dumps(json.loads(response.content)))
    config = folder / "config.json"
    config.write_text(json.dumps({"post_hooks": [], "project_name_override": PACKAGE}))
    result = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(schema), "--meta", "none"]
        + ["--config", str(config), "--output-path", str(folder / PACKAGE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # The generator warns about anything in the schema it cannot express as typed code.
    assert result.returncode == 0 and "Warning" not in result.stdout, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def module(package, name):
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.fixture
def token_mode(settings):
    settings.PANDA_API_AUTH = "token"


def staff_client(package, live_server, role: str, username: str):
    user = staff_create(username=username, password="a long passphrase for tests", role=role)
    token = Token.objects.create(user=user)
    return package.AuthenticatedClient(
        base_url=live_server.url, token=token.key, prefix="Token", raise_on_unexpected_status=True
    )


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_runs_the_whole_flow(generated, live_server, token_mode):
    models = module(generated, "models")
    manager = staff_client(generated, live_server, CLINIC_MANAGER, "manager")
    reception = staff_client(generated, live_server, RECEPTIONIST, "reception")
    anonymous = generated.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    site = SiteFactory()
    department = DepartmentFactory(organisation=site.organisation)
    clinician = ClinicianFactory()

    def call(endpoint, client=manager, **kwargs):
        return importlib.import_module(f"{PACKAGE}.api.v1.{endpoint}").sync_detailed(
            client=client, **kwargs
        )

    # Register two patients, and read the first back.
    registered = []
    for nhs_number, name in [("9434765919", "Siân Jones"), ("4010232137", "Ada Lovelace")]:
        response = call(
            "v1_patients_create",
            body=models.PatientRequest(
                nhs_number=nhs_number,
                name=name,
                date_of_birth=dt.date(1985, 3, 14),
                postcode="sw1a1aa",
                phone="020 7946 0958",
            ),
        )
        assert response.status_code == 201, response.content
        registered.append(response.parsed)
    assert (registered[0].name, registered[0].postcode) == ("Siân Jones", "SW1A 1AA")

    # Both kinds of pagination, in the order the schema allows.
    ordering = module(generated, "models.v1_patients_list_ordering").V1PatientsListOrdering
    first = call("v1_patients_list", limit=1, ordering=ordering.NAME).parsed
    assert (first.count, [p.name for p in first.results]) == (2, ["Ada Lovelace"])
    second = call("v1_patients_list", limit=1, offset=1, ordering=ordering.NAME).parsed
    assert [p.name for p in second.results] == ["Siân Jones"]
    by_cursor = call("v1_patients_list", limit=1, cursor="").parsed
    assert len(by_cursor.results) == 1 and by_cursor.next_

    # Update: PATCH changes what is sent; PUT replaces, so a phone left out is emptied.
    patched = call(
        "v1_patients_partial_update",
        nhs_number="9434765919",
        body=models.PatchedPatientRequest(postcode="CF10 1AA"),
    ).parsed
    assert (patched.postcode, patched.phone) == ("CF10 1AA", "+442079460958")
    replaced = call(
        "v1_patients_update",
        nhs_number="9434765919",
        body=models.PatientRequest(
            nhs_number="9434765919",
            name="Siân Jones-Evans",
            date_of_birth=dt.date(1985, 3, 14),
            postcode="CF10 1AA",
        ),
    ).parsed
    assert (replaced.name, replaced.phone) == ("Siân Jones-Evans", "")

    # Book with an offset, a year ahead, at a site.
    starts = dt.datetime(dt.date.today().year + 1, 6, 4, 9, 0, tzinfo=LONDON_SUMMER)
    booked = call(
        "v1_appointments_create",
        body=models.AppointmentWriteRequest(
            patient="9434765919",
            starts_at=starts,
            duration="45m",
            clinician=clinician.pk,
            department=department.pk,
            site=site.pk,
            postcode="CF10 1AA",
        ),
    )
    assert booked.status_code == 201, booked.content
    appointment = booked.parsed
    assert (appointment.starts_at, appointment.status.value) == (starts, "active")

    # Attending a year early is refused, and the refusal is a typed error.
    refused = call("v1_appointments_attend_create", id=appointment.id)
    assert refused.status_code == 409
    assert isinstance(refused.parsed, models.Error)
    assert refused.parsed.code == "appointment_not_due"

    cancelled = call("v1_appointments_cancel_create", id=appointment.id).parsed
    assert cancelled.status.value == "cancelled"
    again = call("v1_appointments_cancel_create", id=appointment.id)
    assert (again.status_code, again.parsed.code) == (409, "appointment_cancelled")

    # Every grouping of the statistics, over typed dates.
    group_by = module(
        generated, "models.v1_stats_missed_appointments_retrieve_group_by"
    ).V1StatsMissedAppointmentsRetrieveGroupBy
    for grouping in group_by:
        report = call(
            "v1_stats_missed_appointments_retrieve",
            group_by=grouping,
            from_=starts.date().replace(day=1),
            to=starts.date(),
        )
        assert report.status_code == 200, (grouping, report.content)
        [figures] = report.parsed.results
        assert (figures.booked, figures.cancelled, figures.missed) == (1, 1, 0), grouping

    # A 403 for a receptionist's delete, a 401 with no token, then the manager's delete.
    forbidden = call("v1_patients_destroy", client=reception, nhs_number="4010232137")
    assert (forbidden.status_code, forbidden.parsed.code) == (403, "permission_denied")
    unauthenticated = call("v1_patients_list", client=anonymous)
    assert (unauthenticated.status_code, unauthenticated.parsed.code) == (401, "not_authenticated")
    assert call("v1_patients_destroy", nhs_number="4010232137").status_code == 204
    gone = call("v1_patients_retrieve", nhs_number="4010232137")
    assert (gone.status_code, gone.parsed.code) == (404, "not_found")
