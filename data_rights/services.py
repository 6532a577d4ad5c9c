"""Erasure: deleting a patient removes their personal data from every table PANDA keeps.

A patient's deletion, however it is asked for (the API, the back office, ``erase_patient`` or
``purge_expired``), goes through ``patients_erase``:

- the patient's row goes, and with it (by cascade) their appointments, addresses and exports,
  and the SQLite name-search index entry (its triggers);
- the audit trail's rows of the patient, of their addresses and of their appointments go too:
  they are copies of the same personal data;
- the back office's log of actions keeps who did what and when to those records, but no longer
  their names (Django keeps each object's title, such as "Siân Jones (9434765919)");
- one ``ErasureRecord`` per patient remains: when, how, by whom, and the NHS number's keyed hash.

``patients_purge_expired`` erases, batch by batch, the patients whose retention has ended
(``data_rights.retention``).
"""

import datetime as dt
from collections.abc import Sequence

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from addresses.models import Address
from appointments.models import Appointment
from panda_project.history import current_channel, history_of_deletions_skipped, history_request
from patients.identifiers import identifier_or_none
from patients.models import Patient

from .digests import key_id, known_keys, nhs_number_hmac
from .models import Channel, ErasureRecord, PatientExport
from .retention import add_years, retention_ended

# What the back office's log shows for an erased record instead of its title.
ERASED = "(erased)"


def request_actor() -> tuple[str, object]:
    """(channel, user) of the change being made now: the API, the back office (with its user)
    or, outside any request, a command."""
    request = history_request()
    if request is None:
        return (Channel.IMPORT if current_channel() == "import" else Channel.COMMAND), None
    user = getattr(request, "user", None)
    user = user if user is not None and user.is_authenticated else None
    return (Channel.API if current_channel() == "api" else Channel.BACKOFFICE), user


def _ids(queryset) -> set[int]:
    """The record ids of ``queryset``: of a history table, each record once."""
    return set(queryset.values_list("id", flat=True).distinct())


def _strip_admin_log(patient_ids, address_ids, appointment_ids) -> None:
    types = ContentType.objects.get_for_models(Patient, Address, Appointment)
    objects = Q()
    for model, ids in (
        (Patient, patient_ids),
        (Address, address_ids),
        (Appointment, appointment_ids),
    ):
        if ids:
            objects |= Q(content_type=types[model], object_id__in=[str(pk) for pk in ids])
    if objects:
        LogEntry.objects.filter(objects).update(object_repr=ERASED, change_message="")


@transaction.atomic
def patients_erase(
    *, patient_ids: Sequence[int], channel: str, user=None, record: bool = True
) -> dict[int, ErasureRecord | None]:
    """Delete these patients and erase their personal data (see above): one record each, by
    patient id. Patients already gone (another deletion won a race) are left out.
    ``record=False`` writes no record (None each): only where one already says so
    (``erasures_reapply``).

    Erase many patients in one call where you can (the back office's "Delete selected",
    ``purge_expired``'s batches): the SQLite search index's merge costs the same for one
    patient as for a thousand."""
    # Locked, so that of two deletions of one patient at once the second finds nothing.
    patients = Patient.objects.select_for_update().filter(pk__in=patient_ids).order_by("pk")
    rows = list(patients.values_list("pk", "nhs_number"))
    if not rows:
        return {}
    ids = [pk for pk, _ in rows]
    patient_type = ContentType.objects.get_for_model(Patient)
    address_history = Address.history.filter(content_type=patient_type, object_id__in=ids)
    # Every address and appointment the patients ever had, those deleted before now included
    # (the audit trail remembers them; the admin's log may still name them).
    address_ids = _ids(address_history) | _ids(
        Address.objects.filter(content_type=patient_type, object_id__in=ids)
    )
    appointment_ids = _ids(Appointment.history.filter(patient_id__in=ids)) | _ids(
        Appointment.objects.filter(patient_id__in=ids)
    )
    with history_of_deletions_skipped():
        Patient.objects.filter(pk__in=ids).delete()
    Patient.history.filter(id__in=ids).delete()
    address_history.delete()
    Appointment.history.filter(Q(patient_id__in=ids) | Q(id__in=appointment_ids)).delete()
    _strip_admin_log(ids, address_ids, appointment_ids)
    records = [None] * len(ids)
    if record:
        now, key = timezone.now(), key_id()
        records = ErasureRecord.objects.bulk_create(
            ErasureRecord(
                nhs_number_hmac=nhs_number_hmac(nhs_number),
                key_id=key,
                erased_at=now,
                channel=channel,
                user=user,
            )
            for _, nhs_number in rows
        )
    return dict(zip(ids, records, strict=True))


def patient_erase(
    *, patient: Patient, channel: str | None = None, user=None
) -> ErasureRecord | None:
    """Delete one patient with erasure; ``channel`` and ``user`` default to the request's.
    None when someone else deleted the patient meanwhile: deleting is idempotent."""
    if channel is None:
        channel, user = request_actor()
    records = patients_erase(patient_ids=[patient.pk], channel=channel, user=user)
    return records.get(patient.pk)


def erasure_check(nhs_number: str) -> list[ErasureRecord]:
    """The erasure records of this NHS number (any spelling), oldest first: empty when PANDA
    never erased it. Only a holder of PANDA_ERASURE_KEY can tell; records hashed under an
    older key are found too while that key is listed in PANDA_ERASURE_OLD_KEYS."""
    compact = identifier_or_none(nhs_number)
    if compact is None:
        return []
    hashes = [nhs_number_hmac(compact, key) for key in known_keys()]
    records = ErasureRecord.objects.filter(nhs_number_hmac__in=hashes)
    return list(records.select_related("user").order_by("erased_at", "id"))


RECORD_FIELDS = ("nhs_number_hmac", "key_id", "erased_at", "channel", "user_id")


def erasure_records_read() -> list[dict]:
    """Every erasure record, as values that outlive the database (a restore replaces it)."""
    return list(ErasureRecord.objects.order_by("id").values(*RECORD_FIELDS))


@transaction.atomic
def erasures_reapply(*, records: list[dict]) -> int:
    """After a restore of a backup older than some erasures: put back the erasure records
    (``erasure_records_read`` before the restore) that the restored data lacks, and erase again
    every restored patient whose NHS number one of them names. How many patients."""
    restored = {tuple(r.values()) for r in erasure_records_read()}
    users = set(get_user_model().objects.values_list("pk", flat=True))
    missing = [r for r in records if tuple(r.values()) not in restored]
    ErasureRecord.objects.bulk_create(
        ErasureRecord(**(r | {"user_id": r["user_id"] if r["user_id"] in users else None}))
        for r in missing
    )
    hashes = {r["nhs_number_hmac"] for r in records}
    keys = known_keys()
    erased = [
        pk
        for pk, nhs_number in Patient.objects.values_list("pk", "nhs_number").iterator()
        if any(nhs_number_hmac(nhs_number, key) in hashes for key in keys)
    ]
    # The records put back say who erased them and when: the erasure is done again silently.
    patients_erase(patient_ids=erased, channel=Channel.COMMAND, record=False)
    return len(erased)


def patient_export_record(*, patient: Patient, channel: str, user=None) -> PatientExport:
    """Note in the audit trail that everything about ``patient`` was given out."""
    export = PatientExport(patient=patient, exported_at=timezone.now(), channel=channel, user=user)
    export.full_clean()
    export.save()
    return export


def _expired(patients, today: dt.date, years: int) -> list[tuple[int, str]]:
    """(id, NHS number) of those of ``patients`` whose retention has ended on ``today``.

    The SQL keeps only patients whose last contact is old enough for any rule to have let them
    go (a superset); ``retention.retention_ended`` then decides each one.
    """
    cutoff = add_years(today, -years) + dt.timedelta(days=1)
    bound = timezone.make_aware(dt.datetime.combine(cutoff, dt.time()))
    rows = (
        patients.annotate(last_end=Max("appointments__ends_at"))
        .filter(Q(last_end__lt=bound) | Q(last_end__isnull=True, updated_at__lt=bound))
        .order_by("pk")
        .values_list("pk", "nhs_number", "date_of_birth", "updated_at", "last_end")
    )
    return [
        (pk, nhs_number)
        for pk, nhs_number, date_of_birth, updated_at, last_end in rows
        if retention_ended(
            date_of_birth=date_of_birth,
            last_contact=timezone.localdate(last_end or updated_at),
            years=years,
            today=today,
        )
    ]


def _windows(batch_size: int):
    """Ranges of patient ids [low, high) holding ``batch_size`` patients each (the last fewer),
    read one at a time along the primary key, so that memory stays flat however many there are."""
    low = Patient.objects.order_by("pk").values_list("pk", flat=True).first()
    while low is not None:
        following = Patient.objects.filter(pk__gte=low).order_by("pk").values_list("pk", flat=True)
        high = following[batch_size : batch_size + 1].first()
        yield low, high
        low = high


def patients_purge_expired(
    *, today: dt.date, years: int, batch_size: int = 1000, dry_run: bool = False, found=None
) -> int:
    """Delete, with erasure, every patient whose retention ended by ``today``; how many.

    One transaction per batch of ``batch_size`` patients, so that stopping half-way keeps what
    was done and running again carries on. Each batch's expired patients are locked and checked
    again before they go, so that a patient booked meanwhile stays. ``found(nhs_numbers)`` is
    called with each batch's expired patients; ``dry_run`` deletes nothing.
    """
    total = 0
    for low, high in _windows(batch_size):
        window = Patient.objects.filter(pk__gte=low)
        if high is not None:
            window = window.filter(pk__lt=high)
        with transaction.atomic():
            expired = _expired(window, today, years)
            if expired and not dry_run:
                # Lock them (a query of its own: PostgreSQL locks no grouped rows), then decide
                # again: an appointment booked meanwhile keeps its patient.
                ids = [pk for pk, _ in expired]
                locked = Patient.objects.select_for_update().filter(pk__in=ids).order_by("pk")
                locked = list(locked.values_list("pk", flat=True))
                expired = _expired(Patient.objects.filter(pk__in=locked), today, years)
                patients_erase(patient_ids=[pk for pk, _ in expired], channel=Channel.RETENTION)
        if found is not None and expired:
            found([nhs_number for _, nhs_number in expired])
        total += len(expired)
    return total
