"""Patient/{nhs}/$everything: the patient, their appointments and what those refer to, as one
valid searchset Bundle, paged like a search."""

import datetime as dt
import uuid
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from appointments.tests.factories import AppointmentFactory
from backoffice.roles import CLINIC_MANAGER, RECEPTIONIST
from backoffice.staff import staff_create
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from data_rights.models import PatientExport
from organisations.models import Organisation, Site
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
URL = "/fhir/R4/Patient/9434765919/$everything"
PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def world():
    """The patient with three appointments (two with one clinician), another patient's."""
    patient = PatientFactory(nhs_number="9434765919")
    trust = Organisation.objects.create(name="Cardiff and Vale UHB")
    site = Site.objects.create(organisation=trust, name="University Hospital of Wales")
    gp = Organisation.objects.create(name="Canton Surgery")
    rees, morgan = ClinicianFactory(name="Dr Rees"), ClinicianFactory(name="Dr Morgan")
    cardiology = DepartmentFactory(name="cardiology", organisation=gp)
    start = dt.datetime(2030, 6, 4, 9, tzinfo=dt.UTC)
    appointments = [
        AppointmentFactory(
            patient=patient, clinician=rees, department=cardiology, starts_at=start, site=site
        ),
        AppointmentFactory(
            patient=patient,
            clinician=rees,
            department=cardiology,
            starts_at=start + dt.timedelta(days=1),
        ),
        AppointmentFactory(
            patient=patient,
            clinician=morgan,
            department=DepartmentFactory(name="dermatology"),
            starts_at=start + dt.timedelta(2),
        ),
    ]
    AppointmentFactory()  # someone else's, with their own clinician and department
    return patient, appointments, (rees, morgan), (trust, gp)


def ids(bundle):
    return [
        (e["resource"]["resourceType"], e["resource"]["id"], e["search"]["mode"])
        for e in bundle["entry"]
    ]


def test_everything_is_the_patient_their_appointments_and_what_they_refer_to(fhir, world):
    patient, appointments, (rees, morgan), (trust, gp) = world
    cardiology, other = appointments[0].department, appointments[2].department

    bundle = fhir.get(URL)

    assert (bundle["type"], bundle["total"]) == ("searchset", 10)
    assert ids(bundle) == [
        ("Patient", "9434765919", "match"),
        *[("Appointment", str(a.pk), "include") for a in appointments],
        ("Practitioner", str(rees.pk), "include"),
        ("Practitioner", str(morgan.pk), "include"),
        ("Organization", f"department-{cardiology.pk}", "include"),
        ("Organization", f"department-{other.pk}", "include"),
        ("Organization", f"organisation-{trust.pk}", "include"),
        ("Organization", f"organisation-{gp.pk}", "include"),
    ]
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    # Every reference in the Bundle resolves within it.
    for entry in bundle["entry"]:
        for reference in _references(entry["resource"]):
            assert f"http://testserver/fhir/R4/{reference}" in full_urls, reference


def _references(value):
    if isinstance(value, dict):
        if isinstance(value.get("reference"), str) and not value["reference"].startswith("#"):
            yield value["reference"]
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def test_everything_pages_by_count_and_offset_across_kinds(fhir, world):
    whole = ids(fhir.get(URL, {"_count": "100"}))
    seen, url, pages = [], f"{URL}?_count=3", 0
    while url:
        bundle = fhir.get(url)
        assert bundle["total"] == 10
        seen += ids(bundle)
        url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)
        pages += 1
    assert (pages, seen) == (4, whole)


def test_a_patient_without_appointments_is_alone(fhir):
    PatientFactory(nhs_number="9434765919")
    assert ids(fhir.get(URL)) == [("Patient", "9434765919", "match")]


def test_a_count_of_zero_gives_the_total_alone(fhir, world):
    bundle = fhir.get(URL, {"_count": "0"})
    assert (bundle["total"], "entry" in bundle) == (10, False)


def test_an_unknown_patient_is_a_404_operation_outcome(fhir):
    assert fhir.error(URL, status=404, code="not-found") == "No patient has this NHS number."


def test_unsupported_parameters_are_refused(fhir, world):
    assert fhir.error(URL, {"_since": "2030-01-01"}, code="not-supported")


def test_the_capability_statement_lists_the_operation(fhir):
    statement = fhir.get("/fhir/R4/metadata")
    [patient] = [r for r in statement["rest"][0]["resource"] if r["type"] == "Patient"]
    assert [(o["name"], o["definition"]) for o in patient["operation"]] == [
        ("everything", "http://hl7.org/fhir/OperationDefinition/Patient-everything")
    ]


def test_everything_costs_a_fixed_number_of_queries(fhir, world, django_assert_num_queries):
    # the patient; the export's record (7 in a test: its checks, insert and savepoints); a
    # count per part; the page's parts (appointments, clinicians, departments, organisations
    # with their addresses prefetched); no reminders sent, so none read
    queries = 19 + apps.is_installed("reminders")
    fhir.get(URL)  # the organisations' content type, read once and cached for the process
    with django_assert_num_queries(queries):
        fhir.get(URL)
    for _ in range(5):
        AppointmentFactory(patient=world[0])
    with django_assert_num_queries(queries):
        fhir.get(URL, {"_count": "100"})


def test_everything_is_recorded_as_an_export(fhir, world):
    fhir.get(URL, {"_count": "2"})
    fhir.get(URL, {"_count": "2", "_offset": "2"})
    exports = PatientExport.objects.order_by("id")
    assert [(e.patient, e.channel, e.user) for e in exports] == [(world[0], "fhir", None)] * 2
    assert fhir.client.get(URL).headers["Cache-Control"] == "no-store"


def token(user) -> str:
    return f"Token {Token.objects.create(user=user)}"


def test_in_token_mode_only_clinic_managers_may_ask_for_everything(fhir, world, settings):
    settings.PANDA_API_AUTH = "token"
    receptionist = token(staff_create(username="rita", password=PASSWORD, role=RECEPTIONIST))
    manager_user = staff_create(username="max", password=PASSWORD, role=CLINIC_MANAGER)
    fhir.error(URL, status=401, code="login")
    french = {"HTTP_AUTHORIZATION": receptionist, "HTTP_ACCEPT_LANGUAGE": "fr"}
    refused = fhir.error(URL, status=403, code="forbidden", **french)
    assert refused == (
        "Seuls les responsables de clinique peuvent exporter les données d’un patient."
    )
    assert not PatientExport.objects.exists()
    fhir.get(URL, HTTP_AUTHORIZATION=token(manager_user))
    assert [(e.channel, e.user) for e in PatientExport.objects.all()] == [("fhir", manager_user)]
    # Reading the patient alone stays open to every user of the API.
    fhir.get("/fhir/R4/Patient/9434765919", HTTP_AUTHORIZATION=receptionist)


needs_reminders = pytest.mark.skipif(
    not apps.is_installed("reminders"), reason="the reminders app is not installed"
)


def reminder(appointment, channel, state, sent_at, reason=""):
    due = sent_at or appointment.starts_at - dt.timedelta(days=1)
    return apps.get_model("reminders", "Reminder").objects.create(
        appointment=appointment,
        variant=apps.get_model("reminders", "ReminderVariant").objects.first(),
        channel=channel,
        offset=appointment.starts_at - due,
        appointment_starts_at=appointment.starts_at,
        due_at=due,
        state=state,
        sent_at=sent_at,
        failure_reason=reason,
    )


@needs_reminders
def test_the_reminders_sent_are_communications_to_the_patient_about_the_appointment(fhir, world):
    patient, appointments, *_ = world
    sent = dt.datetime(2030, 6, 3, 9, tzinfo=dt.UTC)

    sms = reminder(appointments[0], "sms", "delivered", sent)
    email = reminder(appointments[1], "email", "failed", sent + dt.timedelta(hours=1), "bounced")
    reminder(appointments[2], "sms", "scheduled", None)  # not sent: not a Communication

    bundle = fhir.get(URL, {"_count": "100"})

    communications = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Communication"
    ]
    assert bundle["total"] == 12
    assert [c["id"] for c in communications] == [str(sms.pk), str(email.pk)]
    first, second = communications
    assert first["status"] == "completed"
    assert first["medium"][0]["coding"][0]["code"] == "SMSWRIT"
    assert first["subject"]["reference"] == "Patient/9434765919"
    assert first["about"] == [{"reference": f"Appointment/{appointments[0].pk}"}]
    assert first["sent"] == "2030-06-03T10:00:00+01:00"
    assert (second["status"], second["statusReason"]) == ("not-done", {"text": "bounced"})
    assert second["medium"][0]["coding"][0]["code"] == "EMAILWRIT"


@needs_reminders
def test_each_communication_of_everything_is_read_at_its_full_url(fhir, world):
    _patient, appointments, *_ = world
    sent = dt.datetime(2030, 6, 3, 9, tzinfo=dt.UTC)
    reminder(appointments[0], "sms", "sent", sent)
    reminder(appointments[1], "email", "failed", sent, "bounced")

    bundle = fhir.get(URL, {"_count": "100"})

    entries = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Communication"]
    assert len(entries) == 2
    for entry in entries:
        assert fhir.get(urlsplit(entry["fullUrl"]).path) == entry["resource"]


@needs_reminders
def test_a_reminder_not_sent_and_an_unknown_id_are_404_operation_outcomes(fhir, world):
    _patient, appointments, *_ = world
    scheduled = reminder(appointments[2], "sms", "scheduled", None)

    for id in (scheduled.pk, uuid.uuid4(), "not-an-id", "1"):
        diagnostics = fhir.error(f"/fhir/R4/Communication/{id}", status=404, code="not-found")
        assert diagnostics == "No reminder sent has this id."


@needs_reminders
def test_in_token_mode_reading_a_communication_needs_the_reminder_view_permission(
    fhir, world, settings
):
    settings.PANDA_API_AUTH = "token"
    sent = reminder(world[1][0], "sms", "delivered", dt.datetime(2030, 6, 3, 9, tzinfo=dt.UTC))
    path = f"/fhir/R4/Communication/{sent.pk}"
    nobody = get_user_model().objects.create_user(username="nobody", password=PASSWORD)
    receptionist = staff_create(username="rita", password=PASSWORD, role=RECEPTIONIST)

    fhir.error(path, status=401, code="login")
    fhir.error(path, status=403, code="forbidden", HTTP_AUTHORIZATION=token(nobody))
    assert fhir.get(path, HTTP_AUTHORIZATION=token(receptionist))["id"] == str(sent.pk)
