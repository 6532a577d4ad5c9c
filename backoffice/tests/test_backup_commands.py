"""manage.py backup and restore on the test database (SQLite, PostgreSQL or MariaDB, as
DATABASE_URL says). The backup taken while writes go on is checked on live servers in
tests/reliability/test_backup.py."""

import io

import pytest
from django.core.management import CommandError, call_command

from data_rights.models import ErasureRecord
from data_rights.services import erasure_check
from patients.models import Patient

PATIENTS = "/api/v1/patients/"
SIAN = {
    "nhs_number": "943 476 5919",
    "name": "Siân O'Brien",
    "date_of_birth": "1985-03-14",
    "postcode": "sw1a1aa",
}
ADA = {
    "nhs_number": "401 023 2137",
    "name": "Ada",
    "date_of_birth": "1990-01-01",
    "postcode": "N1 9GU",
}


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_brings_the_data_back_as_it_was_when_backed_up(api, tmp_path):
    stored = api.post(PATIENTS, SIAN)
    assert stored.status_code == 201
    backup = tmp_path / "panda.backup"
    out = io.StringIO()

    call_command("backup", str(backup), stdout=out)
    assert out.getvalue().startswith(f"Backed up the database to {backup} (")
    assert api.patch(f"{PATIENTS}9434765919/", {"name": "Siân Evans"}).status_code == 200
    assert api.post(PATIENTS, ADA).status_code == 201
    call_command("restore", str(backup), "--no-input", stdout=out)

    assert api.get(f"{PATIENTS}9434765919/").json() == stored.json()
    assert api.get(f"{PATIENTS}4010232137/").status_code == 404
    found = api.get(PATIENTS, {"name": "obrien"}).json()["results"]
    assert [patient["nhs_number"] for patient in found] == ["9434765919"]


@pytest.mark.django_db(transaction=True)
def test_a_restore_erases_again_the_patients_erased_since_the_backup(api, tmp_path):
    assert api.post(PATIENTS, SIAN).status_code == 201
    assert api.post(PATIENTS, ADA).status_code == 201
    call_command("erase_patient", "4010232137", stdout=io.StringIO())
    backup = tmp_path / "panda.backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    call_command("erase_patient", "9434765919", stdout=io.StringIO())
    before = [(r.nhs_number_hmac, r.erased_at, r.channel) for r in erasure_records()]
    out = io.StringIO()

    call_command("restore", str(backup), "--no-input", stdout=out)

    assert out.getvalue().splitlines()[1:] == ["Patients erased since the backup, erased again: 1."]
    assert api.get(f"{PATIENTS}9434765919/").status_code == 404
    assert not Patient.history.exists()
    assert api.get(PATIENTS, {"name": "obrien"}).json()["results"] == []
    assert [(r.nhs_number_hmac, r.erased_at, r.channel) for r in erasure_records()] == before
    assert [len(erasure_check(nhs)) for nhs in ("9434765919", "4010232137")] == [1, 1]


def erasure_records():
    return list(ErasureRecord.objects.order_by("erased_at"))


@pytest.mark.django_db(transaction=True)
def test_restore_asks_first_and_a_no_changes_nothing(api, tmp_path, monkeypatch):
    backup = tmp_path / "panda.backup"
    call_command("backup", str(backup), stdout=io.StringIO())
    assert api.post(PATIENTS, ADA).status_code == 201
    monkeypatch.setattr("builtins.input", lambda question: "no")

    with pytest.raises(CommandError, match="^Nothing was restored.$"):
        call_command("restore", str(backup))

    assert api.get(f"{PATIENTS}4010232137/").status_code == 200


@pytest.mark.django_db
def test_restore_refuses_a_missing_backup(tmp_path):
    with pytest.raises(CommandError, match=f"^There is no backup at {tmp_path}/none.backup.$"):
        call_command("restore", str(tmp_path / "none.backup"), "--no-input")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_no_backup_and_changes_nothing(api, tmp_path):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database\n" * 100)
    assert api.post(PATIENTS, ADA).status_code == 201

    with pytest.raises(CommandError):
        call_command("restore", str(not_a_backup), "--no-input")

    assert api.get(f"{PATIENTS}4010232137/").status_code == 200
