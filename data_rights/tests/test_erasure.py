"""Erasure: after a patient's deletion, through any path, none of their personal data remains
in any column of any table, the audit trail, the admin's log and the search index included;
one erasure record remains, which confirms the NHS number to whoever holds the key."""

import datetime as dt
import io

import pytest
from django.contrib.admin import site as admin_site
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from addresses.models import Address
from appointments.models import Appointment
from clinicians.tests.factories import ClinicianFactory, DepartmentFactory
from data_rights.digests import key_id, nhs_number_hmac
from data_rights.models import ErasureRecord
from data_rights.services import ERASED, erasure_check, patient_erase
from patients.models import Patient
from patients.tests.factories import PatientFactory

from .conftest import patient_change

pytestmark = pytest.mark.django_db(transaction=False)

NHS = "9434765919"
PATIENT = {
    "nhs_number": "943 476 5919",
    "name": "Zqxj Quillfeather-Vantablack",
    "date_of_birth": "1987-02-13",
    "postcode": "kw17 2qr",
    "phone": "07912 345678",
    "email": "zqxj.quill@example.org",
}
RENAMED = "Zqxj Quillfeather-Oduya"
ADDRESS = {"line1": "17 Wibblethorpe Lane", "town": "Snodsbury Magna", "postcode": "KW17 2QR"}
# Every form in which PANDA could have stored the patient's personal data.
FRAGMENTS = ["zqx", "qxj"]  # see FRAGMENT_TABLES
NEEDLES = [
    "Zqxj",
    "Quillfeather",
    "Vantablack",
    "Oduya",
    NHS,
    "943 476 5919",
    "1987-02-13",
    "13/02/1987",
    "19870213",
    "KW17 2QR",
    "KW172QR",
    "+447912345678",
    "7912345678",
    "07912 345678",
    "zqxj.quill@example.org",
    "Wibblethorpe",
    "Snodsbury",
    *FRAGMENTS,
]
# The fragments are trigrams of the name's search key that no other name here has: the SQLite
# search index keeps its terms in binary pages, where only such fragments could show. They are
# looked for in the patients' own tables (the search index's included), for elsewhere three
# letters turn up by chance in hashes, salts and signatures; the whole forms are looked for
# everywhere.
FRAGMENT_TABLES = ("patient",)
# Forms searched for, which PANDA happens not to store at all. (The spaced NHS number is stored:
# it is how a patient is named in the admin's log of changes.)
NOT_STORED = {"13/02/1987", "19870213", "KW172QR", "07912 345678"}


def leftovers(needles=NEEDLES) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every needle found anywhere in the database: every column of
    every table, as text (bytes too, decoded; sessions as what they hold), case-insensitively."""
    found = []
    introspection = connection.introspection
    with connection.cursor() as cursor:
        for table in introspection.table_names(cursor):
            columns = [c.name for c in introspection.get_table_description(cursor, table)]
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=False):
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                    if (table, column) == ("django_session", "session_data"):
                        # Signed base64: what the session holds is searched.
                        text = repr(SessionStore().decode(text))
                    text = text.casefold()
                    found += [
                        (table, column, n)
                        for n in needles
                        if n.casefold() in text
                        and (n not in FRAGMENTS or table.startswith(FRAGMENT_TABLES))
                    ]
    return found


@pytest.fixture
def bystander():
    """Another patient, who must come through every erasure untouched."""
    return PatientFactory(nhs_number="4010232137", name="Ada Lovelace", postcode="SW1A 1AA")


@pytest.fixture
def everything(api, manager, manager_user, bystander):
    """A patient whose data PANDA has stored every way it can: registered and renamed through
    the API, an address and an appointment, changed and exported in the back office, imported
    over, and so in the audit trail, the admin's log, the search index and a session."""
    assert api.post("/api/v1/patients/", PATIENT).status_code == 201
    assert api.patch(f"/api/v1/patients/{NHS}/", {"name": RENAMED}).status_code == 200
    assert api.post(f"/api/v1/patients/{NHS}/addresses/", ADDRESS).status_code == 201
    clinician, department = ClinicianFactory(), DepartmentFactory()
    starts = timezone.now() + dt.timedelta(days=3)
    booked = api.post(
        "/api/v1/appointments/",
        {
            "patient": NHS,
            "starts_at": starts.isoformat(),
            "duration": "30m",
            "clinician": clinician.pk,
            "department": department.pk,
            "postcode": "KW17 2QR",
        },
    )
    assert booked.status_code == 201, booked.json()
    patient = Patient.objects.get(nhs_number=NHS)
    changed = manager.post(
        reverse("admin:patients_patient_change", args=[patient.pk]),
        patient_change(manager, patient, name=PATIENT["name"]),
    )
    assert changed.status_code == 302
    exported = manager.get(reverse("admin:patients_patient_export_data", args=[patient.pk]))
    assert exported.status_code == 200
    assert api.get(f"/api/v1/patients/{NHS}/export/").status_code == 200
    assert LogEntry.objects.filter(object_repr__contains="Zqxj").exists()
    stored = {needle for _, _, needle in leftovers()}
    assert stored == set(NEEDLES) - NOT_STORED  # the search finds what is there
    return patient


def _erased(bystander, channel, user=None):
    assert not Patient.objects.filter(nhs_number=NHS).exists()
    assert leftovers() == []
    [record] = erasure_check("943 476 5919")
    assert (record.channel, record.user) == (channel, user)
    assert record.nhs_number_hmac == nhs_number_hmac(NHS) != NHS
    bystander.refresh_from_db()
    assert bystander.name == "Ada Lovelace"
    assert Patient.objects.filter(name_search__contains="lovelace").exists()
    assert Patient.history.filter(id=bystander.pk).exists()


def test_deleting_through_the_api_erases_everything(api, everything, bystander):
    assert api.delete(f"/api/v1/patients/{NHS}/").status_code == 204
    _erased(bystander, "api")


def test_deleting_through_the_api_with_a_token_records_the_user(
    api, everything, bystander, settings, manager_user
):
    settings.PANDA_API_AUTH = "token"
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=manager_user).key}")
    assert api.delete(f"/api/v1/patients/{NHS}/").status_code == 204
    _erased(bystander, "api", manager_user)


def test_deleting_in_the_back_office_erases_everything(
    manager, manager_user, everything, bystander
):
    url = reverse("admin:patients_patient_delete", args=[everything.pk])
    response = manager.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages[-1] == f"The patient “{ERASED}” was deleted successfully."
    _erased(bystander, "backoffice", manager_user)
    # The log still says who deleted a patient, and when, but not whom.
    deletion = LogEntry.objects.get(action_flag=3)
    assert (deletion.user, deletion.object_repr) == (manager_user, ERASED)


def test_deleting_selected_patients_in_the_back_office_erases_everything(
    manager, manager_user, everything, bystander
):
    response = manager.post(
        reverse("admin:patients_patient_changelist"),
        {"action": "delete_selected", "_selected_action": [str(everything.pk)], "post": "yes"},
    )
    assert response.status_code == 302
    _erased(bystander, "backoffice", manager_user)


def test_deleting_selected_patients_erases_them_in_one_call(manager, manager_user, bystander):
    others = PatientFactory.create_batch(3)
    selected = [str(patient.pk) for patient in others]
    response = manager.post(
        reverse("admin:patients_patient_changelist"),
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )
    assert response.status_code == 302
    assert list(Patient.objects.values_list("pk", flat=True)) == [bystander.pk]
    assert [(r.channel, r.user) for r in ErasureRecord.objects.all()] == [
        ("backoffice", manager_user)
    ] * 3
    deletions = LogEntry.objects.filter(action_flag=3).order_by("object_id")
    assert [(e.object_id, e.object_repr, e.user) for e in deletions] == [
        (pk, ERASED, manager_user) for pk in sorted(selected)
    ]


def test_deleting_selected_patients_logs_only_those_it_erased(rf, manager_user, bystander):
    other = PatientFactory()
    selected = list(Patient.objects.order_by("pk"))  # as the page listed them
    assert patient_erase(patient=other, channel="command") is not None  # meanwhile
    request = rf.post("/")
    request.user = manager_user
    patient_admin = admin_site._registry[Patient]
    patient_admin.log_deletions(request, selected)
    patient_admin.delete_queryset(request, selected)
    assert not Patient.objects.exists()
    deletion = LogEntry.objects.get(action_flag=3)
    assert (deletion.object_id, deletion.object_repr) == (str(bystander.pk), ERASED)


def test_an_address_deleted_in_the_back_office_before_the_erasure_is_erased_too(
    manager, manager_user, everything, bystander
):
    address = Address.objects.get(object_id=everything.pk)
    url = reverse("admin:addresses_address_delete", args=[address.pk])
    assert manager.post(url, {"post": "yes"}).status_code == 302
    # The admin's log names the deleted address ("17 Wibblethorpe Lane, ..."), the patient
    # no longer has it, and only the audit trail still knows whose it was.
    assert LogEntry.objects.filter(object_repr__contains="Wibblethorpe").exists()
    assert not Address.objects.exists()

    call_command("erase_patient", NHS, stdout=io.StringIO())

    _erased(bystander, "command")
    deletion = LogEntry.objects.get(object_id=str(address.pk), action_flag=3)
    assert (deletion.user, deletion.object_repr) == (manager_user, ERASED)


def test_deleting_with_the_command_erases_everything(everything, bystander):
    out = io.StringIO()
    call_command("erase_patient", "943 476 5919", stdout=out)
    assert out.getvalue() == "The patient was deleted and their personal data erased.\n"
    _erased(bystander, "command")


def test_purging_expired_records_erases_everything(everything, bystander):
    long_ago = timezone.now() - dt.timedelta(days=366 * 9)
    Appointment.objects.update(starts_at=long_ago, ends_at=long_ago + dt.timedelta(minutes=30))
    Patient.objects.update(updated_at=timezone.now())  # the bystander has no appointment: kept
    out = io.StringIO()
    call_command("purge_expired", stdout=out)
    assert out.getvalue() == "Patients deleted, their personal data erased: 1.\n"
    _erased(bystander, "retention")


def test_an_erasure_check_finds_only_erased_numbers(everything, bystander):
    assert erasure_check(NHS) == []
    call_command("erase_patient", NHS, stdout=io.StringIO())
    assert len(erasure_check("943-476-5919")) == 1
    assert erasure_check("4010232137") == []  # still a patient, never erased
    assert erasure_check("nonsense") == []


def test_the_erasure_check_command_says_when_how_and_by_whom(everything):
    call_command("erase_patient", NHS, stdout=io.StringIO())
    record = ErasureRecord.objects.get()
    record.erased_at = dt.datetime(2030, 6, 4, 15, 30, tzinfo=dt.UTC)
    record.save()
    out = io.StringIO()
    call_command("erasure_check", "943 476 5919", stdout=out)
    assert out.getvalue() == "Erased Tue 4 Jun 2030 16:30 BST through command by no user.\n"


def test_the_erasure_check_command_fails_for_a_number_never_erased(bystander):
    with pytest.raises(Exception, match="No erasure of this NHS number is recorded"):
        call_command("erasure_check", "4010232137")


def test_the_keyed_hash_depends_on_the_key(settings):
    first = nhs_number_hmac(NHS)
    settings.PANDA_ERASURE_KEY = "another key"
    assert nhs_number_hmac(NHS) != first
    assert len(first) == 64 and NHS not in first


def test_each_erasure_record_names_its_key_by_a_short_id(settings, bystander):
    call_command("erase_patient", "4010232137", stdout=io.StringIO())
    settings.PANDA_ERASURE_KEY = "the new key"
    PatientFactory(nhs_number=NHS)
    call_command("erase_patient", NHS, stdout=io.StringIO())
    assert list(ErasureRecord.objects.order_by("id").values_list("key_id", flat=True)) == [
        key_id("panda-test-erasure-key"),
        key_id("the new key"),
    ]
    assert key_id("the new key") == key_id() != key_id("panda-test-erasure-key")
    assert len(key_id()) == 8 and int(key_id(), 16) >= 0


def test_after_a_change_of_key_the_check_finds_records_made_under_an_old_key_listed(
    settings, manager, bystander
):
    call_command("erase_patient", "4010232137", stdout=io.StringIO())
    settings.PANDA_ERASURE_KEY = "the new key"
    assert erasure_check("4010232137") == []
    settings.PANDA_ERASURE_OLD_KEYS = ["an older key", "panda-test-erasure-key"]
    [record] = erasure_check("4010232137")
    assert record.key_id == key_id("panda-test-erasure-key")
    url = reverse("admin:data_rights_erasurerecord_changelist")
    assert manager.get(url, {"q": "4010232137"}).context["cl"].result_count == 1


def test_erasing_without_a_key_is_refused_and_changes_nothing(settings, bystander):
    settings.PANDA_ERASURE_KEY = ""
    with pytest.raises(Exception, match="PANDA_ERASURE_KEY must be set"):
        call_command("erase_patient", "4010232137")
    assert Patient.objects.filter(pk=bystander.pk).exists()


def test_erasing_a_patient_already_deleted_meanwhile_records_nothing(bystander):
    stale = Patient.objects.get(pk=bystander.pk)
    assert patient_erase(patient=bystander, channel="command") is not None
    assert patient_erase(patient=stale, channel="command") is None
    assert ErasureRecord.objects.count() == 1


def test_clinic_managers_find_an_erased_number_in_the_erasure_records(manager, bystander):
    call_command("erase_patient", "4010232137", stdout=io.StringIO())
    url = reverse("admin:data_rights_erasurerecord_changelist")
    assert manager.get(url, {"q": "401 023 2137"}).context["cl"].result_count == 1
    assert manager.get(url, {"q": NHS}).context["cl"].result_count == 0
    assert manager.get(url, {"q": "not a number"}).context["cl"].result_count == 0
    page = manager.get(url).text
    assert "4010232137" not in page and nhs_number_hmac("4010232137") not in page


def test_a_receptionist_cannot_read_the_erasure_records(client, receptionist_user):
    client.force_login(receptionist_user)
    assert client.get(reverse("admin:data_rights_erasurerecord_changelist")).status_code == 403


def test_erasure_finds_the_trail_of_a_patients_addresses_by_an_index():
    sql = str(Address.history.filter(content_type_id=1, object_id__in=[1, 2]).only("pk").query)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(str(row) for row in cursor.fetchall())
        else:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s"
                if connection.vendor == "postgresql"
                else "SELECT index_name FROM information_schema.statistics "
                "WHERE table_schema = DATABASE() AND table_name = %s",
                ["addresses_historicaladdress"],
            )
            plan = " ".join(row[0] for row in cursor.fetchall())
    assert "hist_address_owner_idx" in plan
