import datetime as dt
import uuid

import pytest
from django.utils import timezone

from appointments.models import Appointment, State
from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from panda_project.testing import assert_error
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/appointments/"


@pytest.fixture
def booking():
    PatientFactory(nhs_number="9434765919")
    return {
        "patient": "943 476 5919",
        "starts_at": "2031-06-04T16:30:00+01:00",
        "duration": "1h30m",
        "clinician": ClinicianFactory(name="Dr Rhys Evans").pk,
        "department": DepartmentFactory(name="oncology").pk,
        "postcode": "cf10 1aa",
    }


class TestBooking:
    def test_an_appointment_is_booked_and_shown_with_linked_summaries(self, api, booking):
        response = api.post(URL, booking)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert response["Location"] == body["url"]
        assert body["patient"] == "9434765919"
        assert body["patient_url"].endswith("/api/v1/patients/9434765919/")
        assert body["status"] == "active"
        assert body["starts_at"] == "2031-06-04T16:30:00+01:00"
        assert body["ends_at"] == "2031-06-04T18:00:00+01:00"
        assert body["duration"] == "1h30m"
        assert body["clinician"]["name"] == "Dr Rhys Evans"
        assert body["clinician"]["url"].endswith(f"/api/v1/clinicians/{booking['clinician']}/")
        assert body["department"]["name"] == "oncology"
        assert body["postcode"] == "CF10 1AA"
        assert body["attended_at"] is None and body["cancelled_at"] is None

    @pytest.mark.parametrize("duration", ["PT1H30M", "90m", "1h30m"])
    def test_durations_are_accepted_in_each_spelling_and_returned_as_hours_and_minutes(
        self, api, booking, duration
    ):
        assert api.post(URL, booking | {"duration": duration}).json()["duration"] == "1h30m"

    def test_the_client_may_choose_the_id_once(self, api, booking):
        chosen = str(uuid.uuid4())
        assert api.post(URL, booking | {"id": chosen}).json()["id"] == chosen
        assert_error(api.post(URL, booking | {"id": chosen}), 409, "appointment_exists")

    def test_a_naive_timestamp_is_400_and_says_so(self, api, booking):
        body = assert_error(
            api.post(URL, booking | {"starts_at": "2031-06-04T16:30:00"}),
            400,
            "timezone_required",
            field="starts_at",
        )
        assert "time zone" in body["errors"]["starts_at"][0]["message"]

    @pytest.mark.parametrize(
        ("starts_at", "code"),
        [
            ("2031-06-04T16:30:00+14:01", "offset_out_of_range"),
            ("2031-06-04T16:30:00-12:30", "offset_out_of_range"),
            ("2031-02-30T16:30:00+00:00", "datetime_invalid"),
            ("next tuesday", "datetime_format"),
            ("9999-12-31T23:30:00+00:00", "datetime_out_of_range"),
            ("0001-01-01T00:00:00+00:00", "datetime_out_of_range"),
        ],
    )
    def test_impossible_timestamps_are_400(self, api, booking, starts_at, code):
        assert_error(api.post(URL, booking | {"starts_at": starts_at}), 400, code, "starts_at")
        assert not Appointment.objects.exists()

    @pytest.mark.parametrize("offset", ["+14:00", "-12:00"])
    def test_the_extreme_real_world_offsets_are_accepted(self, api, booking, offset):
        response = api.post(URL, booking | {"starts_at": f"2031-06-04T16:30:00{offset}"})
        assert response.status_code == 201, response.json()

    def test_unknown_patients_clinicians_and_departments_are_400(self, api, booking):
        body = assert_error(
            api.post(URL, booking | {"patient": "2425895140", "clinician": 999, "department": "x"}),
            400,
            "does_not_exist",
            field="patient",
        )
        assert body["errors"]["clinician"][0]["code"] == "does_not_exist"
        assert body["errors"]["department"][0]["code"] == "incorrect_type"

    def test_booking_into_the_past_is_400(self, api, booking):
        past = (timezone.now() - dt.timedelta(days=1)).isoformat()
        assert_error(
            api.post(URL, booking | {"starts_at": past}), 400, "appointment_in_past", "starts_at"
        )

    def test_status_cannot_be_written(self, api, booking):
        assert_error(
            api.post(URL, booking | {"status": "attended"}), 400, "unknown_field", "status"
        )


class TestStateChanges:
    def test_cancel_then_attend_gives_409_with_the_reason(self, api):
        appointment = AppointmentFactory()
        response = api.post(f"{URL}{appointment.pk}/cancel/")
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
        assert response.json()["cancelled_at"]
        assert_error(api.post(f"{URL}{appointment.pk}/attend/"), 409, "appointment_cancelled")
        assert_error(api.post(f"{URL}{appointment.pk}/cancel/"), 409, "appointment_cancelled")

    def test_attend_before_the_end(self, api):
        appointment = AppointmentFactory(in_progress=True)
        body = api.post(f"{URL}{appointment.pk}/attend/").json()
        assert body["status"] == "attended"
        assert body["attended_at"]

    def test_attending_a_missed_appointment_is_409(self, api):
        appointment = AppointmentFactory(ended=True)
        assert_error(api.post(f"{URL}{appointment.pk}/attend/"), 409, "appointment_missed")

    @pytest.mark.parametrize("method", ["put", "patch"])
    def test_a_cancelled_appointment_cannot_be_edited_or_reinstated(self, api, booking, method):
        appointment = AppointmentFactory(cancelled=True)
        body = booking if method == "put" else {"duration": "45m"}
        assert_error(
            getattr(api, method)(f"{URL}{appointment.pk}/", body), 409, "appointment_cancelled"
        )
        appointment.refresh_from_db()
        assert appointment.state == State.CANCELLED

    def test_an_active_appointment_can_be_rescheduled(self, api):
        appointment = AppointmentFactory()
        response = api.patch(
            f"{URL}{appointment.pk}/", {"starts_at": "2032-01-05T09:00:00Z", "duration": "45m"}
        )
        assert response.status_code == 200, response.json()
        assert response.json()["ends_at"] == "2032-01-05T09:45:00Z"

    def test_the_id_cannot_be_changed(self, api):
        appointment = AppointmentFactory()
        assert_error(
            api.patch(f"{URL}{appointment.pk}/", {"id": str(uuid.uuid4())}),
            400,
            "unknown_field",
            "id",
        )

    def test_delete(self, api):
        appointment = AppointmentFactory()
        assert api.delete(f"{URL}{appointment.pk}/").status_code == 204
        assert not Appointment.objects.exists()

    @pytest.mark.parametrize(
        "path",
        [
            "not-a-uuid/",
            "0f5e1c1e-8a5e-4d5b-9c43-2f4b8a1d6e70/",
            "0f5e1c1e-8a5e-4d5b-9c43-2f4b8a1d6e70/cancel/",
        ],
    )
    def test_unknown_or_malformed_ids_are_404(self, api, path):
        assert_error(
            api.get(f"{URL}{path}") if "cancel" not in path else api.post(f"{URL}{path}"),
            404,
            "not_found",
        )


class TestList:
    @pytest.fixture
    def one_of_each(self):
        return {
            "active": AppointmentFactory(),
            "missed": AppointmentFactory(ended=True),
            "attended": AppointmentFactory(ended=True, attended=True),
            "cancelled": AppointmentFactory(cancelled=True),
        }

    @pytest.mark.parametrize("status", ["active", "missed", "attended", "cancelled"])
    def test_each_status_including_missed_is_filterable(self, api, one_of_each, status):
        results = api.get(URL, {"status": status}).json()["results"]
        assert [r["id"] for r in results] == [str(one_of_each[status].pk)]
        assert results[0]["status"] == status

    def test_an_unknown_status_is_400(self, api):
        assert_error(api.get(URL, {"status": "lost"}), 400, "invalid_choice", "status")

    def test_filter_by_patient_clinician_department_and_time(self, api):
        target = AppointmentFactory(starts_at=timezone.now() + dt.timedelta(days=10))
        AppointmentFactory(starts_at=timezone.now() + dt.timedelta(days=20))
        for query in (
            {"patient": target.patient.nhs_number},
            {"clinician": target.clinician_id},
            {"department": target.department_id},
            {"starts_before": (timezone.now() + dt.timedelta(days=15)).isoformat()},
            {
                "starts_after": (timezone.now() + dt.timedelta(days=5)).isoformat(),
                "starts_before": (timezone.now() + dt.timedelta(days=15)).isoformat(),
            },
        ):
            ids = [r["id"] for r in api.get(URL, query).json()["results"]]
            assert ids == [str(target.pk)], query

    def test_a_naive_time_filter_is_400(self, api):
        assert_error(
            api.get(URL, {"starts_after": "2030-01-01T00:00:00"}),
            400,
            "timezone_required",
            "starts_after",
        )

    def test_ordering_by_start(self, api):
        later = AppointmentFactory(starts_at=timezone.now() + dt.timedelta(days=9))
        sooner = AppointmentFactory(starts_at=timezone.now() + dt.timedelta(days=3))
        ids = [r["id"] for r in api.get(URL, {"ordering": "-starts_at"}).json()["results"]]
        assert ids == [str(later.pk), str(sooner.pk)]

    def test_the_list_costs_the_same_queries_whatever_the_page_size(
        self, api, django_assert_num_queries
    ):
        AppointmentFactory.create_batch(30)
        with django_assert_num_queries(2):
            assert len(api.get(URL, {"limit": 3}).json()["results"]) == 3
        with django_assert_num_queries(2):
            assert len(api.get(URL, {"limit": 30, "status": "active"}).json()["results"]) == 30

    def test_a_patients_appointments_are_listed_under_the_patient(
        self, api, django_assert_num_queries
    ):
        patient = PatientFactory(nhs_number="9434765919")
        mine = AppointmentFactory.create_batch(3, patient=patient)
        AppointmentFactory()
        with django_assert_num_queries(3):  # the patient, the count and the page
            body = api.get("/api/v1/patients/943 476 5919/appointments/").json()
        assert {r["id"] for r in body["results"]} == {str(a.pk) for a in mine}
        assert_error(api.get("/api/v1/patients/2425895140/appointments/"), 404, "not_found")
