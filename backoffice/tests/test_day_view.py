"""The day view (/admin/day/): what it shows, who may do what from it, and how it fails."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from appointments.models import Appointment, State
from appointments.tests.factories import AppointmentFactory
from backoffice.day import free_time, parse_day
from backoffice.models import DayViewChoice
from backoffice.roles import CLINIC_MANAGER, RECEPTIONIST
from backoffice.staff import staff_create
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
PASSWORD = "a long enough passphrase 42"
# Tuesday 4 June 2030, 10:10 in London (BST, 09:10 UTC).
NOW = dt.datetime(2030, 6, 4, 10, 10, tzinfo=LONDON)
DAY_URL = "/admin/day/"


def at(hour: int, minute: int = 0, day: int = 4) -> dt.datetime:
    return dt.datetime(2030, 6, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def login(client: Client, role: str, username: str = "rita") -> Client:
    client.force_login(staff_create(username=username, password=PASSWORD, role=role))
    return client


@pytest.fixture
def receptionist(client, clock):
    return login(client, RECEPTIONIST)


@pytest.fixture
def manager(client, clock):
    return login(client, CLINIC_MANAGER, "max")


@pytest.fixture
def morning(clock):
    """Dr Evans's morning: one missed, one overdue, one to come, one arrived, one cancelled."""
    evans, jones = ClinicianFactory(name="Dr Rhys Evans"), ClinicianFactory(name="Dr Ann Jones")
    clinic = DepartmentFactory(name="Cardiology")

    def book(name, nhs_number, starts_at, clinician=evans, **kwargs):
        patient = PatientFactory(name=name, nhs_number=nhs_number)
        return AppointmentFactory(
            patient=patient, starts_at=starts_at, clinician=clinician, department=clinic, **kwargs
        )

    return {
        "missed": book("Ada Lovelace", "4010232137", at(9)),
        "overdue": book("Siân O'Brien", "9434765919", at(10)),
        "later": book("Alan Turing", "9876543210", at(10, 30)),
        "arrived": book("Grace Hopper", "1234567881", at(9, 45), jones, attended=True),
        "cancelled": book(
            "Mary Seacole", "4505577104", at(11), jones, state=State.CANCELLED, cancelled_at=at(8)
        ),
    }


def test_the_day_shows_each_clinicians_appointments_in_london_time_with_their_status(
    receptionist, morning
):
    response = receptionist.get(DAY_URL)
    assert response.status_code == 200
    # Statuses follow the page's order: data-status comes before the time in each row.
    html = response.content.decode()
    rows = re.findall(
        r'id="appointment-[^"]+" data-status="(\w+)">\s*<span class="day-time"><a [^>]*>'
        r"(\d\d:\d\d)</a>",
        html,
    )
    assert rows == [
        ("arrived", "09:45"),
        ("cancelled", "11:00"),
        ("missed", "09:00"),
        ("overdue", "10:00"),
        ("booked", "10:30"),
    ]
    assert html.index("Dr Ann Jones") < html.index("Dr Rhys Evans")
    assert 'Siân O&#x27;Brien</a> <span class="nhs-number">943 476 5919</span>' in html
    assert "Tuesday 4 June 2030" in html


def test_the_days_figures_count_booked_arrived_cancelled_missed_and_overdue(receptionist, morning):
    figures = receptionist.get(DAY_URL).context["figures"]
    assert figures == {"booked": 5, "arrived": 1, "cancelled": 1, "missed": 1, "overdue": 1}


def test_only_what_can_be_done_now_is_offered(receptionist, morning):
    html = receptionist.get(DAY_URL).content.decode()

    def buttons(appointment):
        row = re.search(rf'id="appointment-{appointment.pk}".*?</li>', html, re.S).group(0)
        return re.findall(r'class="day-button day-(\w+)"', row)

    assert buttons(morning["overdue"]) == ["attend", "cancel"]
    assert buttons(morning["later"]) == ["attend", "cancel"]
    assert buttons(morning["missed"]) == []
    assert buttons(morning["cancelled"]) == []
    # Undoing an arrival is for clinic managers.
    assert buttons(morning["arrived"]) == []


def test_arrived_is_offered_once_check_in_opens_and_the_service_refuses_it_before(
    receptionist, morning
):
    tomorrow = AppointmentFactory(starts_at=at(9, day=5), clinician=morning["later"].clinician)
    html = receptionist.get(DAY_URL, {"date": "2030-06-05"}).content.decode()
    row = re.search(rf'id="appointment-{tomorrow.pk}".*?</li>', html, re.S).group(0)
    assert re.findall(r'class="day-button day-(\w+)"', row) == ["cancel"]
    response = receptionist.post(action_url(tomorrow, "attend"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"{tomorrow.patient.name}, 09:00: This appointment is not due yet: it can be marked "
        "attended from 2030-06-05T00:00:00+01:00."
    ]
    assert Appointment.objects.get(pk=tomorrow.pk).state == State.ACTIVE


def test_a_clinic_manager_is_offered_undo_arrival_until_the_appointment_ends(manager, morning):
    html = manager.get(DAY_URL).content.decode()
    row = re.search(rf'id="appointment-{morning["arrived"].pk}".*?</li>', html, re.S).group(0)
    assert re.findall(r'class="day-button day-(\w+)"', row) == ["undo"]


def test_free_time_from_now_until_closing_is_offered_for_booking_with_the_form_prefilled(
    receptionist, morning
):
    response = receptionist.get(DAY_URL)
    evans = next(c for c in response.context["columns"] if c.clinician.name == "Dr Rhys Evans")
    gaps = [(e.starts_at, e.ends_at) for e in evans.entries if e.appointment is None]
    assert gaps == [(at(11), at(18))]
    jones = next(c for c in response.context["columns"] if c.clinician.name == "Dr Ann Jones")
    # The cancelled 11:00 does not take up time; the booking starts on the next five minutes.
    gaps = [(e.starts_at, e.ends_at) for e in jones.entries if e.appointment is None]
    assert gaps == [(at(10, 15), at(18))]
    book_url = next(e.book_url for e in evans.entries if e.appointment is None)
    form = receptionist.get(book_url).context["adminform"].form
    assert form.initial["clinician"] == str(morning["later"].clinician_id)
    assert form.initial["department"] == str(morning["later"].department_id)
    assert form.initial["starts_at"] == at(11)
    assert form.initial["duration"] == "30m"


def test_free_time_leaves_out_short_gaps_and_time_taken_by_overlapping_appointments():
    busy = [(at(8), at(9)), (at(8, 30), at(9, 40)), (at(9, 50), at(12))]
    assert free_time(busy, NOW.date(), at(7)) == [(at(12), at(18))]
    assert free_time([], NOW.date(), at(19)) == []
    assert free_time([], dt.date(2030, 6, 5), at(19)) == [(at(8, day=5), at(18, day=5))]


@pytest.mark.parametrize(
    "value", ["2030-13-01", "tomorrow", "2030-6-4", "20300604", "2030-02-30", "x" * 500]
)
def test_a_bad_date_is_a_400_with_a_clear_message(receptionist, clock, value):
    response = receptionist.get(DAY_URL, {"date": value})
    assert response.status_code == 400
    message = re.search(r'id="day-error">(.*?)</li>', response.content.decode()).group(1)
    assert message == (
        f"“{value[:40]}” is not a date. Use YYYY-MM-DD, such as 2030-06-04."
        if len(value) < 40
        else f"“{'x' * 40}” is not a date. Use YYYY-MM-DD, such as 2030-06-04."
    )


def test_parse_day_takes_iso_dates_and_defaults_to_today():
    assert parse_day("2030-06-05", NOW.date()) == dt.date(2030, 6, 5)
    assert parse_day("", NOW.date()) == NOW.date()
    assert parse_day(None, NOW.date()) == NOW.date()


def test_today_is_the_date_in_london_not_in_utc(receptionist):
    # 23:30 UTC on 4 June is 00:30 on 5 June in London.
    with time_machine.travel(dt.datetime(2030, 6, 4, 23, 30, tzinfo=dt.UTC), tick=False):
        response = receptionist.get(DAY_URL)
    assert response.context["day"] == dt.date(2030, 6, 5)


def test_previous_and_next_day_links_and_another_day(receptionist, morning):
    response = receptionist.get(DAY_URL, {"date": "2030-06-05"})
    assert response.context["previous_url"] == "/admin/day/?date=2030-06-04"
    assert response.context["next_url"] == "/admin/day/?date=2030-06-06"
    assert response.context["figures"]["booked"] == 0
    assert "No appointments on this day." in response.content.decode()


def test_the_choice_of_clinician_is_remembered_for_the_user_after_logging_out(
    client, clock, morning
):
    user = staff_create(username="rita", password=PASSWORD, role=RECEPTIONIST)
    evans = morning["later"].clinician
    client.force_login(user)
    response = client.get(DAY_URL, {"show": f"clinician-{evans.pk}"})
    assert [c.clinician for c in response.context["columns"]] == [evans]
    client.logout()
    client.login(username="rita", password=PASSWORD)
    response = client.get(DAY_URL)
    assert response.context["scope"].key == f"clinician-{evans.pk}"
    assert response.context["figures"]["booked"] == 3
    assert DayViewChoice.objects.get(user=user).clinician == evans


def test_a_department_and_everyone_can_be_chosen_and_an_unknown_one_is_a_400(receptionist, morning):
    department = morning["later"].department
    response = receptionist.get(DAY_URL, {"show": f"department-{department.pk}"})
    assert response.context["figures"]["booked"] == 5
    other = DepartmentFactory(name="Oncology")
    assert receptionist.get(DAY_URL, {"show": f"department-{other.pk}"}).context["columns"] == []
    assert receptionist.get(DAY_URL, {"show": "all"}).context["figures"]["booked"] == 5
    for bad in ("clinician-999999", "ward-1", "department-x"):
        response = receptionist.get(DAY_URL, {"show": bad})
        assert response.status_code == 400
        message = "There is no such site, department or clinician to show."
        assert message in response.content.decode()


def test_an_htmx_refresh_gets_the_timetable_alone(receptionist, morning):
    response = receptionist.get(DAY_URL, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="day-board"')
    assert "<html" not in html
    assert 'hx-trigger="every 5s"' in html


def test_the_page_serves_htmx_from_its_own_static_files(receptionist, morning):
    html = receptionist.get(DAY_URL).content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", html)


def test_the_query_count_does_not_grow_with_the_number_of_appointments(
    receptionist, clock, django_assert_num_queries
):
    clinician, department = ClinicianFactory(), DepartmentFactory()

    def book(count, first_hour):
        for i in range(count):
            AppointmentFactory(
                starts_at=at(first_hour + i),
                clinician=ClinicianFactory() if i % 2 else clinician,
                department=department,
            )

    book(2, 11)
    with django_assert_num_queries(9):
        receptionist.get(DAY_URL)
    book(6, 13)
    with django_assert_num_queries(9):
        response = receptionist.get(DAY_URL)
    assert response.context["figures"]["booked"] == 8


def action_url(appointment, action):
    return reverse("admin:day_action", args=[appointment.pk, action])


def test_arrived_marks_the_appointment_attended_and_returns_to_the_day(receptionist, morning):
    appointment = morning["overdue"]
    response = receptionist.post(
        action_url(appointment, "attend"), {"next": "/admin/day/?date=2030-06-04"}, follow=True
    )
    assert response.redirect_chain == [("/admin/day/?date=2030-06-04", 302)]
    appointment.refresh_from_db()
    assert appointment.state == State.ATTENDED and appointment.attended_at == NOW
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Marked arrived: Siân O'Brien, 10:00."]


def test_a_refusal_is_shown_in_the_services_words(receptionist, morning):
    response = receptionist.post(action_url(morning["cancelled"], "attend"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Mary Seacole, 11:00: This appointment is already cancelled."
    ]
    response = receptionist.post(action_url(morning["missed"], "cancel"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Ada Lovelace, 09:00: This appointment has ended without being attended: it is missed."
    ]
    assert Appointment.objects.get(pk=morning["missed"].pk).state == State.ACTIVE


def test_cancel_without_javascript_asks_first_and_cancels_only_when_confirmed(
    receptionist, morning
):
    appointment = morning["later"]
    page = receptionist.get(action_url(appointment, "cancel"), {"next": "/admin/day/"})
    assert page.status_code == 200
    assert "Cancel this appointment? A cancellation cannot be undone." in page.content.decode()
    assert "Alan Turing (987 654 3210)" in page.content.decode()
    appointment.refresh_from_db()
    assert appointment.state == State.ACTIVE
    receptionist.post(action_url(appointment, "cancel"), {"next": "/admin/day/"})
    appointment.refresh_from_db()
    assert appointment.state == State.CANCELLED


def test_actions_need_a_post_with_the_csrf_token(clock, morning):
    client = Client(enforce_csrf_checks=True)
    login(client, RECEPTIONIST)
    assert client.post(action_url(morning["later"], "cancel")).status_code == 403
    assert Appointment.objects.get(pk=morning["later"].pk).state == State.ACTIVE


def test_the_next_address_must_be_on_this_site(receptionist, morning):
    response = receptionist.post(
        action_url(morning["later"], "attend"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/day/?date=2030-06-04"


def test_who_may_do_what(client, clock, morning):
    viewer = staff_create(username="vera", password=PASSWORD, role=RECEPTIONIST)
    viewer.groups.clear()
    viewer.user_permissions.add(Permission.objects.get(codename="view_appointment"))
    client.force_login(viewer)
    assert client.get(DAY_URL).status_code == 200
    assert "day-button" not in client.get(DAY_URL).content.decode()
    assert client.post(action_url(morning["later"], "attend")).status_code == 403
    receptionist = login(Client(), RECEPTIONIST)
    assert receptionist.post(action_url(morning["arrived"], "undo-attend")).status_code == 403
    assert receptionist.post(action_url(morning["later"], "delete")).status_code == 403
    nobody = staff_create(username="ned", password=PASSWORD, role=RECEPTIONIST)
    nobody.groups.clear()
    client.force_login(nobody)
    assert client.get(DAY_URL).status_code == 403
    assert Client().get(DAY_URL).status_code == 302  # to the login page


def test_the_day_is_linked_from_every_admin_page(receptionist, morning):
    html = receptionist.get("/admin/").content.decode()
    assert f'<a href="{DAY_URL}" id="nav-day">The day</a>' in html


def test_a_clinic_manager_undoes_an_arrival_with_a_reason_kept_in_the_audit_trail(manager, morning):
    appointment = morning["arrived"]
    page = manager.get(action_url(appointment, "undo-attend"), {"next": DAY_URL})
    assert "Why is this arrival undone?" in page.content.decode()
    assert Appointment.objects.get(pk=appointment.pk).state == State.ATTENDED
    response = manager.post(
        action_url(appointment, "undo-attend"),
        {"reason": "Wrong patient", "next": DAY_URL},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Arrival undone: Grace Hopper, 09:45."
    ]
    appointment.refresh_from_db()
    assert appointment.state == State.ACTIVE and appointment.attended_at is None
    record = appointment.history.order_by("-history_id").first()
    assert (record.history_user.username, record.history_change_reason) == (
        "max",
        "undo arrival: Wrong patient",
    )


def test_undoing_an_arrival_without_a_reason_is_refused_in_the_services_words(manager, morning):
    response = manager.post(action_url(morning["arrived"], "undo-attend"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Grace Hopper, 09:45: Say why the arrival is undone."
    ]
    # With JavaScript, the reason comes from htmx's prompt.
    manager.post(
        action_url(morning["arrived"], "undo-attend"),
        headers={"HX-Request": "true", "HX-Prompt": "Came to the wrong clinic"},
    )
    assert Appointment.objects.get(pk=morning["arrived"].pk).state == State.ACTIVE
