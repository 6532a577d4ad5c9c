"""Request bodies: PUT replaces and PATCH changes, every problem is reported at once, unknown
ids are told in PANDA's words, an appointment's site works, and names hold no bidi controls."""

import datetime as dt

import pytest
from django.utils import timezone

from analytics.selectors import LONDON
from appointments.models import Appointment
from appointments.tests.factories import AppointmentFactory
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from organisations.tests.factories import OrganisationFactory, SiteFactory
from panda_project.testing import assert_error
from patients.models import Patient
from patients.tests.factories import PatientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("debug")]
PATIENT = {
    "nhs_number": "9434765919",
    "name": "Ada Lovelace",
    "date_of_birth": "1985-03-14",
    "postcode": "SW1A 1AA",
    "phone": "020 7946 0958",
    "email": "ada@example.org",
}
URL = "/api/v1/patients/9434765919/"


class TestReplaceAndChange:
    def test_a_put_without_the_optional_fields_empties_them(self, api):
        api.post("/api/v1/patients/", PATIENT)
        required = {k: PATIENT[k] for k in ("nhs_number", "name", "date_of_birth", "postcode")}
        body = api.put(URL, required | {"name": "Ada King"}).json()
        assert (body["name"], body["phone"], body["email"]) == ("Ada King", "", "")
        assert Patient.objects.values("phone", "email").get() == {"phone": "", "email": ""}

    def test_a_patch_changes_only_what_is_sent(self, api):
        api.post("/api/v1/patients/", PATIENT)
        body = api.patch(URL, {"name": "Ada King"}).json()
        assert (body["name"], body["phone"], body["email"]) == (
            "Ada King",
            "+442079460958",
            "ada@example.org",
        )

    def test_a_put_of_an_appointment_without_its_site_clears_it(self, api):
        site = SiteFactory()
        department = DepartmentFactory(organisation=site.organisation)
        appointment = AppointmentFactory(department=department, site=site)
        body = {
            "patient": appointment.patient.nhs_number,
            "starts_at": "2031-06-04T16:30:00+01:00",
            "duration": "30m",
            "clinician": appointment.clinician.pk,
            "department": department.pk,
            "postcode": "SW1A 1AA",
        }
        response = api.put(f"/api/v1/appointments/{appointment.pk}/", body)
        assert response.json()["site"] is None
        assert Appointment.objects.get().site is None

    def test_a_put_of_an_address_resets_the_country_to_its_default(self, api):
        api.post("/api/v1/patients/", PATIENT)
        address = {"line1": "1 Example Street", "town": "London", "postcode": "SW1A 1AA"}
        created = api.post(f"{URL}addresses/", address | {"country": "France", "line2": "Flat 2"})
        body = api.put(created.json()["url"], address).json()
        assert (body["country"], body["line2"]) == ("United Kingdom", "")


class TestEveryProblemAtOnce:
    def test_an_unknown_field_is_reported_beside_the_invalid_ones(self, api):
        response = api.post(
            "/api/v1/patients/",
            PATIENT | {"gender": "f", "nhs_number": "9434765918", "postcode": "nowhere"},
        )
        body = assert_error(response, 400, "unknown_field", "gender")
        assert {name: [e["code"] for e in errors] for name, errors in body["errors"].items()} == {
            "gender": ["unknown_field"],
            "nhs_number": ["nhs_number_checksum"],
            "postcode": ["postcode_invalid"],
        }
        assert not Patient.objects.exists()

    def test_a_read_only_field_is_reported_beside_a_missing_one(self, api):
        response = api.post("/api/v1/patients/", {"created_at": "x", "name": "Ada"})
        body = assert_error(response, 400, "read_only_field", "created_at")
        assert sorted(body["errors"]) == ["created_at", "date_of_birth", "nhs_number", "postcode"]


class TestUnknownIds:
    @pytest.fixture
    def booking(self):
        return {
            "patient": PatientFactory(nhs_number="9434765919").nhs_number,
            "starts_at": "2031-06-04T16:30:00+01:00",
            "duration": "30m",
            "clinician": ClinicianFactory().pk,
            "department": DepartmentFactory().pk,
            "postcode": "SW1A 1AA",
        }

    def test_each_unknown_id_is_told_in_pandas_words(self, api, booking):
        spoilt = booking | {
            "patient": "4010232137",
            "clinician": 999999,
            "department": 999999,
            "site": 999999,
        }
        body = api.post("/api/v1/appointments/", spoilt).json()
        assert body["errors"] == {
            "patient": [{"code": "does_not_exist", "message": "No patient has this NHS number."}],
            "clinician": [{"code": "does_not_exist", "message": "No clinician has this id."}],
            "department": [{"code": "does_not_exist", "message": "No department has this id."}],
            "site": [{"code": "does_not_exist", "message": "No site has this id."}],
        }

    def test_in_welsh_too(self, api, booking):
        body = api.post(
            "/api/v1/appointments/", booking | {"clinician": 999999}, HTTP_ACCEPT_LANGUAGE="cy"
        ).json()
        assert body["errors"]["clinician"] == [
            {"code": "does_not_exist", "message": "Does dim clinigwr â’r id hwn."}
        ]


class TestSite:
    @pytest.fixture
    def clinic(self):
        organisation = OrganisationFactory()
        return {
            "site": SiteFactory(organisation=organisation, name="Riverside Clinic"),
            "other_site": SiteFactory(),
            "department": DepartmentFactory(organisation=organisation),
            "patient": PatientFactory(nhs_number="9434765919"),
            "clinician": ClinicianFactory(),
        }

    def booking(self, clinic, **extra):
        return {
            "patient": "9434765919",
            "starts_at": "2031-06-04T16:30:00+01:00",
            "duration": "30m",
            "clinician": clinic["clinician"].pk,
            "department": clinic["department"].pk,
            "postcode": "SW1A 1AA",
        } | extra

    def test_a_booking_names_its_site_and_shows_it(self, api, clinic):
        site = clinic["site"]
        response = api.post("/api/v1/appointments/", self.booking(clinic, site=site.pk))
        assert response.status_code == 201, response.json()
        assert response.json()["site"] == {
            "id": site.pk,
            "name": "Riverside Clinic",
            "url": f"http://testserver/api/v1/sites/{site.pk}/",
        }
        assert Appointment.objects.get().site == site

    def test_a_site_of_another_organisation_is_refused(self, api, clinic):
        response = api.post(
            "/api/v1/appointments/", self.booking(clinic, site=clinic["other_site"].pk)
        )
        body = assert_error(response, 400, "site_not_in_organisation", "site")
        assert body["errors"]["site"][0]["message"] == (
            "This site is not one of the department's organisation's sites."
        )
        assert not Appointment.objects.exists()

    def test_any_site_goes_with_a_department_of_no_organisation(self, api, clinic):
        department = DepartmentFactory()
        booking = self.booking(clinic, department=department.pk, site=clinic["other_site"].pk)
        assert api.post("/api/v1/appointments/", booking).status_code == 201

    def test_a_patch_moves_it_to_another_site_and_the_rule_holds(self, api, clinic):
        appointment = api.post("/api/v1/appointments/", self.booking(clinic)).json()
        assert appointment["site"] is None
        moved = api.patch(appointment["url"], {"site": clinic["site"].pk})
        assert moved.json()["site"]["id"] == clinic["site"].pk
        refused = api.patch(appointment["url"], {"site": clinic["other_site"].pk})
        assert_error(refused, 400, "site_not_in_organisation", "site")

    def test_the_list_filters_by_site(self, api, clinic):
        at_site = api.post("/api/v1/appointments/", self.booking(clinic, site=clinic["site"].pk))
        api.post("/api/v1/appointments/", self.booking(clinic))
        listed = api.get("/api/v1/appointments/", {"site": clinic["site"].pk}).json()
        assert [a["id"] for a in listed["results"]] == [at_site.json()["id"]]

    def test_the_statistics_group_by_site(self, api, clinic):
        # Booked through the API while in progress: a site given, and none.
        start = timezone.now() - dt.timedelta(minutes=5)
        booking = self.booking(clinic, starts_at=start.isoformat())
        with_site = booking | {"site": clinic["site"].pk}
        assert api.post("/api/v1/appointments/", with_site).status_code == 201
        assert api.post("/api/v1/appointments/", booking).status_code == 201
        day = timezone.localdate(start, LONDON).isoformat()
        body = api.get(
            "/api/v1/stats/missed-appointments/",
            {"group_by": "site", "period": "day", "from": day, "to": day},
        ).json()
        groups = [(r["group"]["name"], r["booked"], r["missed"]) for r in body["results"]]
        assert groups == [("Riverside Clinic", 1, 0), (None, 1, 0)]


@pytest.mark.parametrize(
    "control",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e"] + ["\u2066", "\u2067", "\u2068", "\u2069"],
)
def test_a_name_with_a_bidirectional_control_is_refused(api, control):
    response = api.post("/api/v1/patients/", PATIENT | {"name": f"Ada{control}ecalevoL"})
    assert_error(response, 400, "control_characters", "name")
    assert not Patient.objects.exists()


def test_the_bidirectional_marks_stay_allowed(api):
    response = api.post("/api/v1/patients/", PATIENT | {"name": "Ada\u200fLovelace"})
    assert response.status_code == 201
