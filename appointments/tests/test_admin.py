"""The appointment pages of the back office: the list, its filters and search, the actions
that report row by row, booking through the service, and read-only history."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.admin import describe
from appointments.models import Appointment, State
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.tests.factories import PatientFactory

from .factories import AppointmentFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:appointments_appointment_changelist")
ADD = reverse("admin:appointments_appointment_add")
LONDON = zoneinfo.ZoneInfo("Europe/London")


def listed(client, **params) -> list[Appointment]:
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def act(client, action: str, *appointments) -> list[tuple[str, str]]:
    # The past is in the list only when asked for (it opens on today and upcoming).
    response = client.post(
        f"{CHANGELIST}?day=all",
        {"action": action, "_selected_action": [str(a.pk) for a in appointments]},
        follow=True,
    )
    assert response.status_code == 200
    return [(message.level_tag, message.message) for message in response.context["messages"]]


def test_the_list_shows_the_start_in_london_time_with_its_zone(admin_client):
    AppointmentFactory(starts_at=dt.datetime(2030, 6, 4, 15, 30, tzinfo=dt.UTC))
    AppointmentFactory(starts_at=dt.datetime(2030, 12, 4, 15, 30, tzinfo=dt.UTC))
    content = admin_client.get(CHANGELIST).content.decode()
    assert "Tue 4 Jun 2030 16:30 BST" in content
    assert "Wed 4 Dec 2030 15:30 GMT" in content


def test_the_status_filter_finds_missed_appointments(admin_client):
    missed = AppointmentFactory(ended=True)
    active = AppointmentFactory()
    cancelled = AppointmentFactory(cancelled=True)
    attended = AppointmentFactory(ended=True, attended=True)
    assert listed(admin_client, status="missed", day="all") == [missed]
    assert listed(admin_client, status="active", day="all") == [active]
    assert listed(admin_client, status="cancelled", day="all") == [cancelled]
    assert listed(admin_client, status="attended", day="all") == [attended]


def test_the_list_opens_on_today_and_upcoming_soonest_first_and_shows_the_past_on_request(
    admin_client,
):
    today = timezone.localdate()
    early = dt.datetime.combine(today, dt.time(0, 30), tzinfo=LONDON)
    yesterday = AppointmentFactory(starts_at=early - dt.timedelta(days=1))
    next_week = AppointmentFactory(starts_at=early + dt.timedelta(days=7))
    this_morning = AppointmentFactory(starts_at=early)
    assert listed(admin_client) == [this_morning, next_week]
    assert listed(admin_client, day="past") == [yesterday]
    assert listed(admin_client, day="all") == [yesterday, this_morning, next_week]
    choices = admin_client.get(CHANGELIST).content.decode()
    assert '<a href="?day=all">All</a>' in choices
    assert '<li class="selected">\n    <a href="?day=upcoming">Today and upcoming</a>' in choices


def test_the_day_filter_follows_the_clinics_calendar(admin_client):
    today = timezone.localdate()
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=LONDON)
    todays = AppointmentFactory(starts_at=noon)
    tomorrows = AppointmentFactory(starts_at=noon + dt.timedelta(days=1))
    assert listed(admin_client, day="today") == [todays]
    assert listed(admin_client, day="tomorrow") == [tomorrows]


def test_appointments_are_found_by_the_patients_nhs_number_or_name(admin_client):
    mine = AppointmentFactory(patient=PatientFactory(nhs_number="9434765919", name="Siân Jones"))
    AppointmentFactory(patient=PatientFactory(nhs_number="4010232137", name="Ada Lovelace"))
    assert listed(admin_client, q="943 476 5919") == [mine]
    assert listed(admin_client, q="SIAN") == [mine]


def test_cancel_reports_each_row_and_refuses_the_cancelled_and_the_missed(admin_client):
    patient = PatientFactory(name="Siân Jones", nhs_number="9434765919")
    active = AppointmentFactory(patient=patient)
    cancelled = AppointmentFactory(patient=patient, cancelled=True)
    missed = AppointmentFactory(patient=patient, ended=True)
    messages = act(admin_client, "cancel_selected", active, cancelled, missed)

    assert len(messages) == 3
    assert ("success", f"Cancelled: Siân Jones (943 476 5919), {local(active)}.") in messages
    refusals = [text for level, text in messages if level == "error"]
    assert any(local(cancelled) in t and "already cancelled" in t for t in refusals)
    assert any(local(missed) in t and "it is missed" in t for t in refusals)
    states = dict(Appointment.objects.values_list("pk", "state"))
    assert states == {active.pk: "cancelled", cancelled.pk: "cancelled", missed.pk: "active"}


def test_mark_attended_reports_each_row(admin_client):
    active = AppointmentFactory(in_progress=True)
    attended = AppointmentFactory(ended=True, attended=True)
    messages = act(admin_client, "attend_selected", active, attended)
    assert [level for level, _ in messages] == ["error", "success"]
    assert "already attended" in messages[0][1]
    active.refresh_from_db()
    assert active.state == State.ATTENDED


def local(appointment) -> str:
    local = timezone.localtime(appointment.starts_at)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M %Z}"


def booking(patient, clinician, department, day: dt.date, **fields) -> dict:
    return {
        "patient": patient.pk,
        "starts_at_0": day.isoformat(),
        "starts_at_1": "16:30",
        "duration": "1h30m",
        "clinician": clinician.pk,
        "department": department.pk,
        "postcode": "sw1a1aa",
        **fields,
    }


def test_an_appointment_is_booked_in_local_time_through_the_service(admin_client):
    patient, clinician, department = PatientFactory(), ClinicianFactory(), DepartmentFactory()
    day = dt.date(timezone.localdate().year + 1, 6, 4)
    response = admin_client.post(ADD, booking(patient, clinician, department, day))
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.starts_at == dt.datetime.combine(day, dt.time(16, 30), tzinfo=LONDON)
    assert appointment.ends_at - appointment.starts_at == dt.timedelta(minutes=90)
    assert appointment.postcode == "SW1A 1AA"


def test_a_booking_names_where_it_takes_place_among_its_organisations_sites(admin_client):
    from organisations.tests.factories import SiteFactory

    riverside, elsewhere = SiteFactory(), SiteFactory()
    patient, clinician = PatientFactory(), ClinicianFactory()
    department = DepartmentFactory(organisation=riverside.organisation)
    day = dt.date(timezone.localdate().year + 1, 6, 4)

    response = admin_client.post(
        ADD, booking(patient, clinician, department, day, site=elsewhere.pk)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["site"] == [
        "This site is not one of the department's organisation's sites."
    ]
    assert not Appointment.objects.exists()

    response = admin_client.post(
        ADD, booking(patient, clinician, department, day, site=riverside.pk)
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.site == riverside
    appointment.state, appointment.cancelled_at = State.CANCELLED, timezone.now()
    appointment.save()
    page = admin_client.get(reverse("admin:appointments_appointment_change", args=[appointment.pk]))
    assert riverside.name in page.content.decode()  # shown, read-only, on the history
    assert listed(admin_client, site__id__exact=riverside.pk, day="all") == [appointment]


def test_a_booking_the_service_refuses_is_a_form_error(admin_client):
    patient, clinician, department = PatientFactory(), ClinicianFactory(), DepartmentFactory()
    past = timezone.localdate() - dt.timedelta(days=2)
    response = admin_client.post(ADD, booking(patient, clinician, department, past, duration="25h"))
    assert response.status_code == 200
    assert "24 hours at most" in str(response.context["adminform"].form.errors["duration"])
    response = admin_client.post(ADD, booking(patient, clinician, department, past))
    assert "already have ended" in str(response.context["adminform"].form.errors["starts_at"])
    assert not Appointment.objects.exists()


def test_the_add_page_for_a_patient_offers_their_postcode(admin_client):
    patient = PatientFactory(postcode="CF10 1AA")
    response = admin_client.get(ADD, {"patient": patient.pk})
    assert response.context["adminform"].form.initial["postcode"] == "CF10 1AA"


def test_a_cancelled_appointment_is_read_only_and_a_post_cannot_reinstate_it(admin_client):
    appointment = AppointmentFactory(cancelled=True)
    url = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    page = admin_client.get(url)
    assert page.context["adminform"].form.fields == {}
    assert 'name="_save"' not in page.content.decode()

    later = timezone.localdate() + dt.timedelta(days=5)
    admin_client.post(url, {"starts_at_0": later.isoformat(), "starts_at_1": "09:00"})
    stored = Appointment.objects.get()
    assert (stored.state, stored.starts_at) == (State.CANCELLED, appointment.starts_at)


def test_an_active_appointment_can_be_rescheduled(admin_client):
    appointment = AppointmentFactory(postcode="SW1A 1AA")
    later = timezone.localdate() + dt.timedelta(days=5)
    url = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    data = booking(
        appointment.patient, appointment.clinician, appointment.department, later, duration="45m"
    )
    assert admin_client.post(url, data).status_code == 302
    appointment.refresh_from_db()
    assert timezone.localtime(appointment.starts_at).date() == later
    assert appointment.duration == dt.timedelta(minutes=45)


def test_the_csv_export_holds_the_filtered_list(admin_client):
    missed = AppointmentFactory(ended=True, duration=dt.timedelta(minutes=90))
    AppointmentFactory()
    response = admin_client.get(
        reverse("admin:appointments_appointment_export"), {"status": "missed", "day": "all"}
    )
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [(row["id"], row["status"], row["duration"]) for row in rows] == [
        (str(missed.pk), "missed", "1h30m")
    ]
    assert rows[0]["starts_at"] == timezone.localtime(missed.starts_at).isoformat(
        timespec="seconds"
    )


def test_the_index_lists_todays_appointments(admin_client):
    noon = dt.datetime.combine(timezone.localdate(), dt.time(12), tzinfo=LONDON)
    todays = AppointmentFactory(starts_at=noon, patient__name="Siân Jones")
    AppointmentFactory(starts_at=noon + dt.timedelta(days=1), patient__name="Ada Lovelace")
    response = admin_client.get(reverse("admin:index"))
    assert list(response.context["todays_appointments"]) == [todays]
    content = response.content.decode()
    assert "Siân Jones" in content
    assert "Ada Lovelace" not in content


def test_appointments_are_found_by_their_patients_name_or_nhs_number(admin_client):
    ada = AppointmentFactory(patient=PatientFactory(name="Siân O'Brien", nhs_number="9434765919"))
    AppointmentFactory(patient=PatientFactory(name="John Smith", nhs_number="4010232137"))

    for term in ("sian o", "BRIEN", "943 476 5919"):
        assert listed(admin_client, q=term) == [ada]
    assert listed(admin_client, q="nobody") == []


def test_after_booking_the_patients_page_shows_the_new_appointment_highlighted(admin_client):
    patient, clinician, department = PatientFactory(), ClinicianFactory(), DepartmentFactory()
    day = dt.date(timezone.localdate().year + 1, 6, 4)
    response = admin_client.post(ADD, booking(patient, clinician, department, day))
    appointment = Appointment.objects.get()
    patient_page = reverse("admin:patients_patient_change", args=[patient.pk])
    assert response["Location"] == (f"{patient_page}?highlight={appointment.pk}#appointments-group")
    page = admin_client.get(response["Location"])
    assert f'#appointments-group tr:has(a[href*="{appointment.pk}"])' in page.content.decode()
    assert [str(m) for m in page.context["messages"]] == [f"Booked: {describe(appointment)}."]


def test_after_booking_from_the_day_view_its_day_shows_the_new_appointment_highlighted(
    admin_client,
):
    patient, clinician, department = PatientFactory(), ClinicianFactory(), DepartmentFactory()
    day = dt.date(timezone.localdate().year + 1, 6, 4)
    response = admin_client.post(f"{ADD}?from=day", booking(patient, clinician, department, day))
    appointment = Appointment.objects.get()
    assert response["Location"] == (
        f"/admin/day/?date={day}&highlight={appointment.pk}#appointment-{appointment.pk}"
    )
    page = admin_client.get(response["Location"]).content.decode()
    assert f'class="day-entry status-booked highlight" id="appointment-{appointment.pk}"' in page


def test_a_highlight_that_is_not_an_appointment_id_is_ignored(admin_client):
    patient = PatientFactory()
    url = reverse("admin:patients_patient_change", args=[patient.pk])
    page = admin_client.get(url, {"highlight": '"]{} body{display:none}'}).content.decode()
    assert "tr:has(" not in page
