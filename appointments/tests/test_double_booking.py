"""No double bookings: a clinician's or a patient's occupying appointments may not overlap."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from rest_framework.authtoken.models import Token

from appointments import services
from appointments.models import Appointment, Overlap, State
from appointments.services import appointment_create, appointment_update
from appointments.tests.factories import AppointmentFactory
from backoffice.roles import CLINIC_MANAGER, RECEPTIONIST
from backoffice.staff import staff_create
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from panda_project.exceptions import Conflict
from panda_project.testing import assert_error
from patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
TEN = dt.datetime(2031, 3, 4, 10, 0, tzinfo=dt.UTC)
PASSWORD = "a long enough passphrase 42"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraints are PostgreSQL's"
)


def at(minutes: int) -> dt.datetime:
    return TEN + dt.timedelta(minutes=minutes)


def book(starts_at, minutes=30, **values) -> Appointment:
    values = {
        "patient": PatientFactory(),
        "clinician": ClinicianFactory(),
        "department": DepartmentFactory(),
        "postcode": "SW1A 1AA",
    } | values
    return appointment_create(
        starts_at=starts_at, duration=dt.timedelta(minutes=minutes), now=at(-60 * 24), **values
    )


@pytest.fixture
def existing() -> Appointment:
    """10:00 to 10:30."""
    return book(TEN)


def refusal(existing, **values) -> str:
    with pytest.raises(Conflict) as error:
        book(**values)
    return error.value.code


class TestTheRule:
    @pytest.mark.parametrize("party", ["clinician", "patient"])
    @pytest.mark.parametrize(
        ("start", "minutes"),
        [(0, 30), (10, 10), (-30, 120), (-10, 20), (20, 30), (29, 1)],
        ids=["identical", "contained", "spanning", "overlapping-start", "overlapping-end", "last"],
    )
    def test_an_overlap_is_refused(self, existing, party, start, minutes):
        code = refusal(
            existing, starts_at=at(start), minutes=minutes, **{party: getattr(existing, party)}
        )
        assert code == f"{party}_double_booked"

    @pytest.mark.parametrize("party", ["clinician", "patient"])
    def test_touching_is_not_overlapping(self, existing, party):
        before = book(at(-30), **{party: getattr(existing, party)})
        after = book(at(30), **{party: getattr(existing, party)})
        assert before.ends_at == existing.starts_at and after.starts_at == existing.ends_at
        assert before.overlap == after.overlap == Overlap.CHECKED

    def test_the_refusal_names_the_appointment_in_the_way(self, existing):
        with pytest.raises(Conflict) as error:
            book(at(15), clinician=existing.clinician)
        assert error.value.extra == {
            "conflicting_appointment": {
                "id": existing.pk,
                "starts_at": TEN,
                "ends_at": at(30),
            }
        }
        assert error.value.message == (
            f"The clinician already has an appointment at this time: {existing.pk}, "
            "from Tue 4 Mar 2031 10:00 to 10:30 GMT."
        )

    def test_a_cancelled_appointment_does_not_block(self):
        cancelled = AppointmentFactory(starts_at=TEN, ends_at=at(30), cancelled=True)
        booked = book(TEN, clinician=cancelled.clinician, patient=cancelled.patient)
        assert booked.overlap == Overlap.CHECKED

    def test_attended_and_missed_appointments_block(self):
        attended = AppointmentFactory(starts_at=TEN, ends_at=at(30), attended=True)
        assert refusal(attended, starts_at=at(10), clinician=attended.clinician) == (
            "clinician_double_booked"
        )
        missed = AppointmentFactory(starts_at=TEN, ends_at=at(30))  # still active at 10:40
        with pytest.raises(Conflict) as error:
            appointment_create(
                patient=missed.patient,
                starts_at=at(20),
                duration=dt.timedelta(minutes=30),
                clinician=ClinicianFactory(),
                department=DepartmentFactory(),
                postcode="SW1A 1AA",
                now=at(40),
            )
        assert error.value.code == "patient_double_booked"

    def test_the_same_booking_sent_again_is_a_duplicate_not_a_clash(self, existing):
        again = {"patient": existing.patient, "clinician": existing.clinician, "id": existing.pk}
        assert refusal(existing, starts_at=TEN, department=existing.department, **again) == (
            "appointment_exists"
        )

    def test_nothing_is_stored_when_refused(self, existing):
        refusal(existing, starts_at=TEN, clinician=existing.clinician)
        assert Appointment.objects.count() == 1


class TestRescheduling:
    def test_rescheduling_into_a_clash_is_refused_and_changes_nothing(self, existing):
        other = book(at(60), clinician=existing.clinician)
        with pytest.raises(Conflict) as error:
            appointment_update(appointment=other, starts_at=at(15), now=at(-60))
        assert error.value.code == "clinician_double_booked"
        other.refresh_from_db()
        assert other.starts_at == at(60)

    def test_moving_within_its_own_slot_is_not_a_clash_with_itself(self, existing):
        appointment_update(appointment=existing, starts_at=at(10), now=at(-60))
        existing.refresh_from_db()
        assert (existing.starts_at, existing.ends_at) == (at(10), at(40))

    def test_rescheduling_out_of_an_allowed_clash_makes_it_checked_again(self, existing):
        overbooked = book(TEN, clinician=existing.clinician, allow_overlap=True)
        assert overbooked.overlap == Overlap.OVERBOOKED
        appointment_update(appointment=overbooked, starts_at=at(30), now=at(-60))
        overbooked.refresh_from_db()
        assert overbooked.overlap == Overlap.CHECKED

    def test_changing_the_clinician_to_a_busy_one_is_refused(self, existing):
        other = book(TEN)
        with pytest.raises(Conflict) as error:
            appointment_update(appointment=other, clinician=existing.clinician, now=at(-60))
        assert error.value.code == "clinician_double_booked"


class TestOverbooking:
    def test_a_manager_may_book_over_a_clash_and_the_audit_trail_says_so(self, existing):
        manager = staff_create(username="max", password=PASSWORD, role=CLINIC_MANAGER)
        booked = book(
            TEN, clinician=existing.clinician, patient=existing.patient, allow_overlap=True
        )
        assert booked.overlap == Overlap.OVERBOOKED
        again = book(at(5), clinician=existing.clinician, allow_overlap=True, user=manager)
        latest = Appointment.history.filter(id=again.pk).latest()
        assert (latest.overlap, latest.history_change_reason) == ("overbooked", "overlap allowed")

    def test_a_receptionist_may_not_even_without_a_clash(self, existing):
        receptionist = staff_create(username="rita", password=PASSWORD, role=RECEPTIONIST)
        for start in (0, 60):
            with pytest.raises(PermissionDenied):
                book(
                    at(start),
                    clinician=existing.clinician,
                    allow_overlap=True,
                    user=receptionist,
                )
        assert Appointment.objects.count() == 1

    def test_allow_overlap_without_a_clash_books_a_checked_appointment(self):
        assert book(TEN, allow_overlap=True).overlap == Overlap.CHECKED

    def test_an_overbooking_department_lets_its_clinicians_appointments_overlap(self):
        department = DepartmentFactory(allows_overbooking=True)
        first = book(TEN, department=department)
        second = book(TEN, department=department, clinician=first.clinician)
        assert (first.overlap, second.overlap) == (Overlap.CHECKED, Overlap.OVERBOOKED)
        reason = Appointment.history.filter(id=second.pk).latest().history_change_reason
        assert reason == "department allows overbooking"

    def test_but_not_with_the_clinicians_appointments_elsewhere(self, existing):
        department = DepartmentFactory(allows_overbooking=True)
        code = refusal(existing, starts_at=TEN, clinician=existing.clinician, department=department)
        assert code == "clinician_double_booked"

    def test_nor_a_patients_clash(self):
        department = DepartmentFactory(allows_overbooking=True)
        first = book(TEN, department=department)
        code = refusal(first, starts_at=TEN, patient=first.patient, department=department)
        assert code == "patient_double_booked"

    def test_overbooking_is_off_by_default(self):
        assert DepartmentFactory().allows_overbooking is False


@postgresql_only
class TestTheDatabaseConstraint:
    def test_a_raw_create_of_an_overlap_is_refused(self, existing):
        for party in ("clinician", "patient"):
            refused = pytest.raises(IntegrityError, match=f"appointment_no_{party}_overlap")
            with refused, transaction.atomic():
                AppointmentFactory(
                    starts_at=at(10),
                    ends_at=at(40),
                    overlap=Overlap.CHECKED,
                    **{party: getattr(existing, party)},
                )

    def test_touching_cancelled_and_overbooked_rows_are_allowed(self, existing):
        clinician = existing.clinician
        checked = {"clinician": clinician, "overlap": Overlap.CHECKED}
        AppointmentFactory(starts_at=at(30), ends_at=at(60), **checked)
        AppointmentFactory(starts_at=TEN, ends_at=at(30), cancelled=True, **checked)
        AppointmentFactory(
            starts_at=TEN, ends_at=at(30), clinician=clinician, overlap=Overlap.OVERBOOKED
        )
        assert Appointment.objects.filter(clinician=clinician).count() == 4

    def test_its_refusal_is_the_same_conflict_as_the_check(self, existing, monkeypatch):
        # As if another writer had slipped in between the check and the insert.
        monkeypatch.setattr(services, "_refuse_clashes", lambda appointment, allow: None)
        with pytest.raises(Conflict) as error:
            book(at(10), clinician=existing.clinician)
        assert error.value.code == "clinician_double_booked"
        assert error.value.extra["conflicting_appointment"]["id"] == existing.pk
        other = book(at(60), clinician=existing.clinician)
        with pytest.raises(Conflict) as error:
            appointment_update(appointment=other, starts_at=at(10), now=at(-60))
        assert error.value.code == "clinician_double_booked"


class TestAPI:
    URL = "/api/v1/appointments/"

    def body(self, existing, **values) -> dict:
        return {
            "patient": PatientFactory().nhs_number,
            "starts_at": "2031-03-04T10:15:00Z",
            "duration": "30m",
            "clinician": existing.clinician_id,
            "department": existing.department_id,
            "postcode": "SW1A 1AA",
        } | values

    def test_a_double_booking_is_a_409_naming_the_appointment(self, api, existing):
        response = api.post(self.URL, self.body(existing))
        body = assert_error(response, 409, "clinician_double_booked")
        assert body["conflicting_appointment"] == {
            "id": str(existing.pk),
            "starts_at": "2031-03-04T10:00:00Z",
            "ends_at": "2031-03-04T10:30:00Z",
        }

    def test_a_patient_double_booking_is_a_409_too(self, api, existing):
        body = self.body(existing, patient=existing.patient.nhs_number, clinician=None)
        body["clinician"] = ClinicianFactory().pk
        assert_error(api.post(self.URL, body), 409, "patient_double_booked")

    def test_rescheduling_into_a_clash_is_a_409(self, api, existing):
        other = book(at(60), clinician=existing.clinician)
        response = api.patch(f"{self.URL}{other.pk}/", {"starts_at": "2031-03-04T10:00:00Z"})
        assert_error(response, 409, "clinician_double_booked")

    def test_allow_overlap_books_over_it(self, api, existing):
        response = api.post(self.URL, self.body(existing, allow_overlap=True))
        assert response.status_code == 201, response.json()
        assert Appointment.objects.get(pk=response.json()["id"]).overlap == Overlap.OVERBOOKED

    @pytest.mark.parametrize(
        ("value", "code"), [("true", "invalid"), (1, "invalid"), (None, "null")]
    )
    def test_allow_overlap_is_a_json_boolean(self, api, existing, value, code):
        response = api.post(self.URL, self.body(existing, allow_overlap=value))
        assert_error(response, 400, code, field="allow_overlap")

    class TestTokenMode:
        @pytest.fixture(autouse=True)
        def token_mode(self, settings):
            settings.PANDA_API_AUTH = "token"

        def post(self, api, role, body):
            user = staff_create(username=role[:4], password=PASSWORD, role=role)
            api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
            return api.post(TestAPI.URL, body)

        def test_a_receptionist_asking_to_overbook_is_403(self, api, existing):
            body = TestAPI().body(existing, allow_overlap=True)
            assert_error(self.post(api, RECEPTIONIST, body), 403, "permission_denied")
            assert Appointment.objects.count() == 1

        def test_a_manager_may(self, api, existing):
            body = TestAPI().body(existing, allow_overlap=True)
            assert self.post(api, CLINIC_MANAGER, body).status_code == 201

    def test_a_department_says_whether_it_allows_overbooking(self, api):
        created = api.post("/api/v1/departments/", {"name": "Walk-in"})
        assert created.json()["allows_overbooking"] is False
        url = f"/api/v1/departments/{created.json()['id']}/"
        assert api.patch(url, {"allows_overbooking": True}).json()["allows_overbooking"] is True
        assert_error(
            api.patch(url, {"allows_overbooking": "yes"}), 400, "invalid", "allows_overbooking"
        )


def test_the_rule_ignores_other_states_only_when_cancelled():
    assert services.OCCUPYING_STATES == ("active", "attended")
    assert set(State.values) - set(services.OCCUPYING_STATES) == {"cancelled"}


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL refuses the overlapping rows it marks"
)
def test_the_migration_marks_the_overlaps_it_finds_as_imported():
    migration = importlib.import_module("appointments.migrations.0009_no_double_bookings")
    clinician = ClinicianFactory()
    rows = {
        name: AppointmentFactory(
            starts_at=at(start),
            ends_at=at(start + 30),
            clinician=clinician,
            overlap="checked",
            **extra,
        )
        for name, start, extra in [
            ("first", 0, {}),
            ("overlapping", 15, {}),
            ("touching", 45, {}),
            ("cancelled", 50, {"cancelled": True}),
        ]
    }
    # The step reads only the schema editor's connection (SQLite's own cannot open in a test).
    migration.mark_existing_overlaps(django_apps, SimpleNamespace(connection=connection))
    stored = dict(Appointment.objects.values_list("pk", "overlap"))
    assert {name: stored[row.pk] for name, row in rows.items()} == {
        "first": "imported",
        "overlapping": "imported",
        "touching": "checked",
        "cancelled": "checked",
    }
