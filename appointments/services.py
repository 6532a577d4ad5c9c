"""The appointment lifecycle. Every rule about what may happen to an appointment lives here, and
the API, the admin and the import all call these functions.

- An appointment is booked *active*. It can be changed or cancelled only while it is active and
  has not yet ended.
- It can be marked attended only while it is active and *due*: from the moment check-in opens
  (the start of its day in the clinic's time zone, Europe/London, or ``PANDA_CHECK_IN_OPENS``
  minutes before its start) up to its end. Earlier is refused (``appointment_not_due``), so that
  one mis-click cannot make a future appointment history. An import of another system's
  attended appointment passes the same check.
- Once its end has passed without being attended, it is *missed* (derived, never stored).
- A cancelled appointment is final: it can never be reinstated, attended, rescheduled or edited.
- Every change ends by planning the appointment's reminders anew (``reminders.services``).

State changes are a conditional ``UPDATE … WHERE state = 'active' AND ends_at > now``, so of two
clerks acting on one appointment at once exactly one wins, on every database. Attending adds
``AND starts_at < bound`` (``due_condition``), so a start moved meanwhile is seen too.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from addresses.postcodes import normalise_postcode
from clinicians.models import Clinician, Department
from organisations.models import Site
from panda_project.exceptions import Conflict
from panda_project.history import current_channel, history_record_change
from panda_project.services import apply_changes, lock_owner, normalise_fields
from panda_project.timestamps import ensure_aware
from patients.models import Patient
from reminders.services import reminders_plan

from .durations import validate_duration
from .models import Appointment, State, Status, has_ended, running_condition

EDITABLE_FIELDS = (
    "patient",
    "starts_at",
    "duration",
    "clinician",
    "department",
    "postcode",
    "site",
)
# Appointments are kept within years that every supported database and time zone can represent.
EARLIEST_START = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST_END = dt.datetime(3000, 1, 1, tzinfo=dt.UTC)


def _refusal(appointment: Appointment, now: dt.datetime) -> Conflict:
    """Why a state change or edit of ``appointment`` is refused now."""
    status = appointment.status_at(now)
    if status == Status.CANCELLED:
        return Conflict(_("This appointment is already cancelled."), code="appointment_cancelled")
    if status == Status.ATTENDED:
        return Conflict(_("This appointment is already attended."), code="appointment_attended")
    return Conflict(
        _("This appointment has ended without being attended: it is missed."),
        code="appointment_missed",
    )


def check_in_opens_at(starts_at: dt.datetime) -> dt.datetime:
    """When an appointment starting at ``starts_at`` may first be marked attended."""
    opens = settings.PANDA_CHECK_IN_OPENS
    if opens == "day":
        return _start_of_day(timezone.localdate(starts_at, timezone.get_default_timezone()))
    return starts_at - dt.timedelta(minutes=opens)


def due_condition(now: dt.datetime) -> Q:
    """The SQL form of ``now >= check_in_opens_at(starts_at)``: every appointment that starts
    before a bound is due, so the state change can test it in its conditional UPDATE."""
    opens = settings.PANDA_CHECK_IN_OPENS
    if opens == "day":
        today = timezone.localdate(now, timezone.get_default_timezone())
        return Q(starts_at__lt=_start_of_day(today + dt.timedelta(days=1)))
    return Q(starts_at__lte=now + dt.timedelta(minutes=opens))


def _start_of_day(day: dt.date) -> dt.datetime:
    # In the clinic's zone (TIME_ZONE, Europe/London), where midnight exists once on every day:
    # the clocks change at 01:00 and 02:00.
    return dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_default_timezone())


def _refuse_not_due(appointment: Appointment, now: dt.datetime) -> None:
    opens_at = check_in_opens_at(appointment.starts_at)
    if now < opens_at:
        raise Conflict(
            _("This appointment is not due yet: it can be marked attended from %(opens)s.")
            % {"opens": timezone.localtime(opens_at).isoformat()},
            code="appointment_not_due",
        )


def _validate_times(appointment: Appointment) -> None:
    """Check the start and duration, and derive the end; ValidationError by field."""
    errors = {}
    try:
        appointment.starts_at = ensure_aware(appointment.starts_at)
    except ValidationError as error:
        errors["starts_at"] = error.error_list
    except (TypeError, AttributeError):
        errors["starts_at"] = [ValidationError(_("A start time is required."), code="required")]
    try:
        validate_duration(appointment.duration)
    except ValidationError as error:
        errors["duration"] = error.error_list
    except TypeError:
        errors["duration"] = [ValidationError(_("A duration is required."), code="required")]
    if errors:
        raise ValidationError(errors)
    if not EARLIEST_START <= appointment.starts_at < LATEST_END - appointment.duration:
        raise ValidationError(
            {
                "starts_at": ValidationError(
                    _("An appointment must take place between the years 1900 and 2999."),
                    code="datetime_out_of_range",
                )
            }
        )
    appointment.ends_at = appointment.starts_at + appointment.duration


def _validate(appointment: Appointment) -> None:
    values = normalise_fields({"postcode": appointment.postcode}, {"postcode": normalise_postcode})
    appointment.postcode = values["postcode"]
    _validate_times(appointment)
    # Two checks of full_clean() are skipped, each a query per check and most of the cost of
    # recording an appointment: that a related row loaded from the database exists, and the
    # CheckConstraints, which the rules above (positive duration, end derived from it, states
    # and stamps set here) always satisfy. The database enforces both on every write regardless.
    loaded = [
        name
        for name in ("patient", "clinician", "department", "site")
        if (related := getattr(appointment, name, None)) is not None
        and related.pk is not None
        and not related._state.adding
    ]
    appointment.full_clean(exclude=loaded, validate_unique=False, validate_constraints=False)
    _validate_site(appointment)


def _validate_site(appointment: Appointment) -> None:
    """A site, where given, must be one of the department's organisation's, where the
    department belongs to one."""
    site, organisation_id = appointment.site, appointment.department.organisation_id
    if site is not None and organisation_id is not None and site.organisation_id != organisation_id:
        raise ValidationError(
            {
                "site": ValidationError(
                    _("This site is not one of the department's organisation's sites."),
                    code="site_not_in_organisation",
                )
            }
        )


def _refuse_ended(appointment: Appointment, now: dt.datetime) -> None:
    if has_ended(appointment.ends_at, now):
        raise ValidationError(
            {
                "starts_at": ValidationError(
                    _("This appointment would already have ended: book a time in the future."),
                    code="appointment_in_past",
                )
            }
        )


@transaction.atomic
def appointment_create(
    *,
    patient: Patient,
    starts_at: dt.datetime,
    duration: dt.timedelta,
    clinician: Clinician,
    department: Department,
    postcode: str,
    site: Site | None = None,
    id: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book an appointment. It must end in the future; ``id`` may be given by the client;
    ``site``, where given, must be one of the department's organisation's."""
    now = now or timezone.now()
    appointment = Appointment(
        patient=patient,
        starts_at=starts_at,
        duration=duration,
        clinician=clinician,
        department=department,
        postcode=postcode,
        site=site,
    )
    if id is not None:
        appointment.id = id
    _validate(appointment)
    _refuse_ended(appointment, now)
    # The patient may have been erased since it was read: lock it, so that an erasure under
    # way finishes first (and this booking is refused) or waits for this booking to go with it.
    lock_owner(Patient, patient.pk)
    _insert(appointment)
    reminders_plan(appointment=appointment, now=now)
    return appointment


def _insert(appointment: Appointment) -> None:
    if Appointment.objects.filter(pk=appointment.pk).exists():
        raise Conflict(_("An appointment with this id already exists."), code="appointment_exists")
    appointment.save(force_insert=True)


@transaction.atomic
def appointment_update(*, appointment: Appointment, now: dt.datetime | None = None, **changes):
    """Reschedule or otherwise change an active appointment that has not yet ended.

    Cancelled, attended and missed appointments are history and cannot be edited (Conflict).
    """
    now = now or timezone.now()
    if appointment.status_at(now) != Status.ACTIVE:
        raise _refusal(appointment, now)
    apply_changes(appointment, changes, EDITABLE_FIELDS, "appointment_update")
    _validate(appointment)
    if "patient" in changes:
        lock_owner(Patient, appointment.patient_id)
    _refuse_ended(appointment, now)
    fields = {field: getattr(appointment, field) for field in EDITABLE_FIELDS}
    appointment.updated_at = now
    updated = Appointment.objects.filter(
        running_condition(now), pk=appointment.pk, state=State.ACTIVE
    ).update(ends_at=appointment.ends_at, updated_at=now, **fields)
    if not updated:
        raise _refusal(_current(appointment), now)
    history_record_change(appointment)
    reminders_plan(appointment=appointment, now=now)
    return appointment


def _current(appointment: Appointment) -> Appointment:
    return Appointment.objects.get(pk=appointment.pk)


def _transition(
    appointment: Appointment, now: dt.datetime, state: str, stamp: str, when: Q | None = None
):
    """Move an active, not yet ended appointment that meets ``when`` to ``state``, stamping
    ``stamp`` with now."""
    updated = Appointment.objects.filter(
        running_condition(now), when or Q(), pk=appointment.pk, state=State.ACTIVE
    ).update(state=state, updated_at=now, **{stamp: now})
    if not updated:
        current = _current(appointment)
        if current.status_at(now) == Status.ACTIVE:  # so it failed ``when``: not yet due
            _refuse_not_due(current, now)
        raise _refusal(current, now)
    appointment.refresh_from_db()
    # The conditional UPDATE sends no signals, so the audit trail is written here.
    history_record_change(appointment)
    reminders_plan(appointment=appointment, now=now)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, now: dt.datetime | None = None) -> Appointment:
    """Cancel an active appointment that has not yet ended. A cancellation is final."""
    return _transition(appointment, now or timezone.now(), State.CANCELLED, "cancelled_at")


@transaction.atomic
def appointment_attend(*, appointment: Appointment, now: dt.datetime | None = None) -> Appointment:
    """Mark an active appointment attended once it is due (``check_in_opens_at``) and before its
    end; earlier is ``appointment_not_due``, after the end it is missed."""
    now = now or timezone.now()
    return _transition(appointment, now, State.ATTENDED, "attended_at", when=due_condition(now))


@transaction.atomic
def appointment_delete(*, appointment: Appointment) -> None:
    appointment.delete()


def appointment_record_prepare(
    *,
    id: uuid.UUID,
    patient: Patient,
    status: str,
    starts_at: dt.datetime,
    duration: dt.timedelta,
    clinician: Clinician,
    department: Department,
    postcode: str,
    now: dt.datetime | None = None,
) -> Appointment:
    """Validate an appointment from another system, in any status, as the import records it:
    the unsaved appointment, or ValidationError / Conflict. Nothing is written.

    The exchange format has no attendance or cancellation time, so an imported attended or
    cancelled appointment records its start (or now, if that is earlier). A ``missed`` one is
    stored active, and must have ended; an ``attended`` one must be due, as ``appointment_attend``
    requires.
    """
    now = now or timezone.now()
    appointment = Appointment(
        id=id,
        patient=patient,
        starts_at=starts_at,
        duration=duration,
        clinician=clinician,
        department=department,
        postcode=postcode,
    )
    _validate(appointment)
    if status == Status.MISSED and not has_ended(appointment.ends_at, now):
        raise Conflict(
            _("A missed appointment must have ended; this one ends in the future."),
            code="missed_in_future",
        )
    if status == Status.ATTENDED:
        _refuse_not_due(appointment, now)
    if status == Status.ATTENDED:
        appointment.state, appointment.attended_at = State.ATTENDED, min(now, appointment.starts_at)
    elif status == Status.CANCELLED:
        appointment.state, appointment.cancelled_at = (
            State.CANCELLED,
            min(now, appointment.starts_at),
        )
    elif status not in (Status.ACTIVE, Status.MISSED):
        # An "active" row that has already ended is kept as it came: by PANDA's rule it is missed.
        raise ValidationError(
            {"status": ValidationError(_("Unknown status."), code="invalid_choice")}
        )
    return appointment


@transaction.atomic
def appointment_record(**values) -> Appointment:
    """Record an appointment from another system in any status, as the import does (see
    ``appointment_record_prepare`` for the rules)."""
    appointment = appointment_record_prepare(**values)
    _insert(appointment)
    reminders_plan(appointment=appointment, now=values.get("now"))
    return appointment


@transaction.atomic
def appointment_record_many(appointments: list[Appointment]) -> None:
    """Insert appointments that ``appointment_record_prepare`` accepted, in one statement, with
    their history rows. An id that already exists raises IntegrityError and inserts none."""
    # The change reason is what a single save() outside the API records: "".
    bulk_create_with_history(
        appointments, Appointment, batch_size=500, default_change_reason=current_channel()
    )
    for appointment in appointments:
        if appointment.state == State.ACTIVE:
            reminders_plan(appointment=appointment)
