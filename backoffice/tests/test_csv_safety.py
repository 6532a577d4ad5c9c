"""CSV exports never hand a spreadsheet a formula (OWASP's CSV injection advice): a cell that starts
with = + - @, a tab or a carriage return gets a leading quote, unless it is a plain number."""

import csv
import io

import pytest
from django.urls import reverse

from appointments.tests.factories import AppointmentFactory
from backoffice.admin_tools import csv_safe
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from patients.tests.factories import PatientFactory


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("+44 (0)20 7946 0958", "'+44 (0)20 7946 0958"),
        # plain numbers are data: phone numbers, negative figures, spaced digits
        ("+447700900123", "+447700900123"),
        ("-12", "-12"),
        ("020 7946 0958", "020 7946 0958"),
        ("42", "42"),
        # formula characters later in the text are harmless
        ("Smith-Jones", "Smith-Jones"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
    ],
)
def test_csv_safe_quotes_formulas_and_keeps_numbers(value, written):
    assert csv_safe(value) == written


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.django_db
def test_the_patient_export_quotes_every_formula_start_and_keeps_phone_numbers(admin_client):
    for number, name in [
        ("9434765919", "=HYPERLINK(1)"),
        ("4010232137", "+Plus"),
        ("2983396339", "-Minus"),
        ("9876543210", "@At"),
    ]:
        PatientFactory(nhs_number=number, name=name, phone="+447700900123")

    exported = rows(admin_client.get(reverse("admin:patients_patient_export")))

    assert sorted((row["name"], row["phone"]) for row in exported) == [
        ("'+Plus", "+447700900123"),
        ("'-Minus", "+447700900123"),
        ("'=HYPERLINK(1)", "+447700900123"),
        ("'@At", "+447700900123"),
    ]


@pytest.mark.django_db
def test_the_appointment_export_quotes_names_of_patients_clinicians_and_departments(
    admin_client,
):
    AppointmentFactory(
        patient=PatientFactory(name="+Patient"),
        clinician=ClinicianFactory(name="=Clinician"),
        department=DepartmentFactory(name="@Department"),
    )

    (row,) = rows(admin_client.get(reverse("admin:appointments_appointment_export")))

    assert (row["patient_name"], row["clinician"], row["department"]) == (
        "'+Patient",
        "'=Clinician",
        "'@Department",
    )
