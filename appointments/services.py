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
- A clinic manager may undo a mistaken arrival until the appointment's end: it is active again.
- Every change ends by planning the appointment's reminders anew (``reminders.services``).

State changes are a conditional ``UPDATE … WHERE state = 'active' AND ends_at > now``, so of two
clerks acting on one appointment at once exactly one wins, on every database. Attending adds
``AND starts_at < bound`` (``due_condition``), so a start moved meanwhile is seen too.

No double bookings: a clinician cannot have two appointments whose times overlap, and neither can
a patient; one that ends at 10:30 and one that starts at 10:30 only touch. Active and attended
appointments occupy their time (an attended one took its slot; a missed one is stored active and
held it), cancelled ones do not. So undoing an arrival never makes a new overlap. Exceptions:
in a department that allows overbooking, a clinician's appointments in that department may
overlap one another; a clinic manager may book over any clash with ``allow_overlap``; imported
history is kept as it came (the import reports its overlaps). Booking and rescheduling lock the
clinician's row and then the patient's before they look for a clash, so two clerks booking one
slot at once queue and the second is refused (SQLite's BEGIN IMMEDIATE queues them already); on
PostgreSQL exclusion constraints back the rule for every appointment whose ``overlap`` is checked.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from addresses.postcodes import normalise_postcode
from clinicians.models import Clinician, Department
from organisations.models import Site
from panda_project.bulk import create_with_history
from panda_project.exceptions import Conflict
from panda_project.history import current_channel, history_record_change
from panda_project.services import apply_changes, lock_owner, normalise_fields
from panda_project.timestamps import ensure_aware
from panda_project.validators import reject_control_characters
from patients.models import Patient
from reminders.services import reminders_plan

from .durations import MAX_DURATION, validate_duration
from .models import (
    OCCUPYING_STATES,
    Appointment,
    Overlap,
    State,
    Status,
    has_ended,
    running_condition,
)

EDITABLE_FIELDS = (
    "patient",
    "starts_at",
    "duration",
    "clinician",
    "department",
    "postcode",
    "site",
)
# The fields that only these services set, from the caller's values or the appointment's state.
SERVICE_SET_FIELDS = (
    "ends_at",
    "state",
    "attended_at",
    "cancelled_at",
    "overlap",
    "created_at",
    "updated_at",
)
# Appointments are kept within years that every supported database and time zone can represent.
EARLIEST_START = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST_END = dt.datetime(3000, 1, 1, tzinfo=dt.UTC)
UNDO_ATTEND_PERMISSION = "appointments.undo_attend"
BOOK_OVERLAP_PERMISSION = "appointments.book_overlap"
# The audit trail's change reason holds at most 100 characters: "api; undo arrival: " and this.
REASON_MAX_LENGTH = 80
# PostgreSQL's exclusion constraints (migration 0008), by the party they protect.
OVERLAP_CONSTRAINTS = {
    "appointment_no_clinician_overlap": "clinician",
    "appointment_no_patient_overlap": "patient",
}


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
    # Nor are the fields that only these services set (the end derived above, the state, its
    # stamps, the overlap rule and the timestamps): no caller's value reaches them.
    loaded = [
        name
        for name in ("patient", "clinician", "department", "site")
        if (related := getattr(appointment, name, None)) is not None
        and related.pk is not None
        and not related._state.adding
    ]
    appointment.full_clean(
        exclude=[*loaded, *SERVICE_SET_FIELDS], validate_unique=False, validate_constraints=False
    )
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
    allow_overlap: bool = False,
    user=None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book an appointment. It must end in the future; ``id`` may be given by the client;
    ``site``, where given, must be one of the department's organisation's.

    It may not overlap another of its clinician's or patient's (Conflict), unless ``user`` may
    book over a clash and asks to with ``allow_overlap``. ``user`` is the person booking; None
    only where there are no users to ask (the API's trusted-network mode).
    """
    now = now or timezone.now()
    _check_overlap_permission(allow_overlap, user)
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
    if id is not None:  # a second send of one booking is a duplicate first, not a clash
        _refuse_taken_id(appointment)
    _refuse_clashes(appointment, allow_overlap)
    # The patient may have been erased since it was read: lock it (after the clinician, in the
    # order the clash check locks them), so that an erasure under way finishes first (and this
    # booking is refused) or waits for this booking to go with it.
    lock_owner(Patient, patient.pk)
    with _overlaps_refused(appointment):
        _insert(appointment)
    reminders_plan(appointment=appointment, now=now, new=True)
    return appointment


def _refuse_taken_id(appointment: Appointment) -> None:
    if Appointment.objects.filter(pk=appointment.pk).exists():
        raise Conflict(_("An appointment with this id already exists."), code="appointment_exists")


def _insert(appointment: Appointment) -> None:
    _refuse_taken_id(appointment)
    appointment.save(force_insert=True)


def _check_overlap_permission(allow_overlap: bool, user) -> None:
    if allow_overlap and user is not None and not user.has_perm(BOOK_OVERLAP_PERMISSION):
        raise PermissionDenied(_("Only a clinic manager may book over a clash."))


def _lock_diaries(appointment: Appointment) -> None:
    """Lock the clinician's row, then the patient's, until the transaction ends: a booking or
    rescheduling of either waits here, so the clash check below sees the other's result. Always
    in this order, so that two bookings cannot each hold what the other waits for."""
    features = connections[Appointment.objects.db].features
    if not features.has_select_for_update:  # SQLite: BEGIN IMMEDIATE already serialises writers
        return
    no_key = features.has_select_for_no_key_update  # lets inserts' foreign key checks through
    for model, pk in ((Clinician, appointment.clinician_id), (Patient, appointment.patient_id)):
        list(model.objects.select_for_update(no_key=no_key).filter(pk=pk).values_list("pk"))


def clashes(appointment: Appointment, party: str):
    """The appointments of ``appointment``'s clinician or patient (``party``) that occupy some
    of its time, soonest first. Bounded below by the longest duration, so the scan of the
    (party, starts_at) index covers a day or so."""
    return (
        Appointment.objects.filter(
            **{party: getattr(appointment, f"{party}_id")},
            state__in=OCCUPYING_STATES,
            starts_at__lt=appointment.ends_at,
            starts_at__gt=appointment.starts_at - MAX_DURATION,
            ends_at__gt=appointment.starts_at,
        )
        .exclude(pk=appointment.pk)
        .order_by("starts_at", "id")
    )


def _refuse_clashes(appointment: Appointment, allow_overlap: bool) -> None:
    """Refuse an overlap with another appointment of the clinician or the patient (Conflict),
    unless it is allowed; then set the appointment's ``overlap``, and note it in its history."""
    _lock_diaries(appointment)
    department = appointment.department
    overbooked = False
    for party in ("clinician", "patient"):
        found = list(clashes(appointment, party)[:20])
        if not found:
            continue
        # An overbooking department lets its own appointments of a clinician overlap.
        refused = [
            other
            for other in found
            if not (
                party == "clinician"
                and department.allows_overbooking
                and other.department_id == department.pk
            )
        ]
        if refused and not allow_overlap:
            raise double_booking(party, refused[0])
        overbooked = True
    appointment.overlap = Overlap.OVERBOOKED if overbooked else Overlap.CHECKED
    appointment.__dict__.pop("_change_reason", None)
    if overbooked:
        why = "overlap allowed" if allow_overlap else "department allows overbooking"
        appointment._change_reason = "; ".join(filter(None, (current_channel(), why)))


def double_booking(party: str, other: Appointment) -> Conflict:
    """The refusal of a booking that overlaps ``other``, an appointment of the same ``party``."""
    values = {
        "id": other.pk,
        "starts": date_format(timezone.localtime(other.starts_at), "D j M Y H:i"),
        "ends": date_format(timezone.localtime(other.ends_at), "H:i T"),
    }
    if party == "clinician":
        message = _(
            "The clinician already has an appointment at this time: %(id)s, from %(starts)s "
            "to %(ends)s."
        )
    else:
        message = _(
            "The patient already has an appointment at this time: %(id)s, from %(starts)s "
            "to %(ends)s."
        )
    return Conflict(
        message % values,
        code=f"{party}_double_booked",
        extra={
            "conflicting_appointment": {
                "id": other.pk,
                "starts_at": other.starts_at,
                "ends_at": other.ends_at,
            }
        },
    )


class _overlaps_refused:
    """Turn PostgreSQL's refusal of an overlap (an exclusion constraint, should a writer the
    checks did not see get in first) into the same Conflict as the checks give."""

    def __init__(self, appointment: Appointment):
        self.appointment = appointment
        self.savepoint = transaction.atomic()

    def __enter__(self):
        self.savepoint.__enter__()

    def __exit__(self, kind, error, traceback):
        self.savepoint.__exit__(kind, error, traceback)
        if not isinstance(error, IntegrityError):
            return False
        party = OVERLAP_CONSTRAINTS.get(_constraint_name(error))
        if party is None:
            return False
        other = clashes(self.appointment, party).first()
        if other is None:  # the appointment in the way was cancelled meanwhile
            raise Conflict(
                _("Another appointment was booked at this time meanwhile: try again."),
                code=f"{party}_double_booked",
            ) from error
        raise double_booking(party, other) from error


def _constraint_name(error: IntegrityError) -> str | None:
    diagnostics = getattr(error.__cause__, "diag", None)
    return getattr(diagnostics, "constraint_name", None)


@transaction.atomic
def appointment_update(
    *,
    appointment: Appointment,
    allow_overlap: bool = False,
    user=None,
    now: dt.datetime | None = None,
    **changes,
):
    """Reschedule or otherwise change an active appointment that has not yet ended.

    Cancelled, attended and missed appointments are history and cannot be edited (Conflict).
    Overlaps are refused as ``appointment_create`` refuses them.
    """
    now = now or timezone.now()
    _check_overlap_permission(allow_overlap, user)
    if appointment.status_at(now) != Status.ACTIVE:
        raise _refusal(appointment, now)
    apply_changes(appointment, changes, EDITABLE_FIELDS, "appointment_update")
    _validate(appointment)
    _refuse_ended(appointment, now)
    _refuse_clashes(appointment, allow_overlap)
    if "patient" in changes:  # locked after the clinician, in the clash check's order
        lock_owner(Patient, appointment.patient_id)
    fields = {field: getattr(appointment, field) for field in EDITABLE_FIELDS}
    appointment.updated_at = now
    with _overlaps_refused(appointment):
        updated = Appointment.objects.filter(
            running_condition(now), pk=appointment.pk, state=State.ACTIVE
        ).update(ends_at=appointment.ends_at, updated_at=now, overlap=appointment.overlap, **fields)
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
def appointment_undo_attend(
    *, appointment: Appointment, user, reason: str, now: dt.datetime | None = None
) -> Appointment:
    """Undo a mistaken arrival: the appointment is active again, as it was booked.

    Only a clinic manager may (PermissionDenied), only for an attended appointment that has not
    yet ended (Conflict), and with a reason, which the audit trail keeps beside the user. ``user``
    is None only where there are no users to ask (the API's trusted-network mode).
    """
    now = now or timezone.now()
    if user is not None and not user.has_perm(UNDO_ATTEND_PERMISSION):
        raise PermissionDenied(_("Only a clinic manager may undo an arrival."))
    reason = _undo_reason(reason)
    updated = Appointment.objects.filter(
        running_condition(now), pk=appointment.pk, state=State.ATTENDED
    ).update(state=State.ACTIVE, attended_at=None, updated_at=now)
    if not updated:
        raise _undo_refusal(_current(appointment), now)
    appointment.refresh_from_db()
    if user is not None:
        appointment._history_user = user
    appointment._change_reason = "; ".join(
        filter(None, (current_channel(), f"undo arrival: {reason}"))
    )
    history_record_change(appointment)
    # Only this change is the undoing: what happens to the object next is recorded afresh.
    appointment.__dict__.pop("_change_reason")
    appointment.__dict__.pop("_history_user", None)
    reminders_plan(appointment=appointment, now=now)
    return appointment


def _undo_reason(reason) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        error = ValidationError(_("Say why the arrival is undone."), code="required")
    elif len(text) > REASON_MAX_LENGTH:
        error = ValidationError(
            _("Keep the reason to %(limit)s characters.") % {"limit": REASON_MAX_LENGTH},
            code="max_length",
        )
    else:
        try:
            reject_control_characters(text)
        except ValidationError as refusal:
            raise ValidationError({"reason": refusal.error_list}) from None
        return text
    raise ValidationError({"reason": error})


def _undo_refusal(appointment: Appointment, now: dt.datetime) -> Conflict:
    if appointment.state == State.CANCELLED:
        return Conflict(_("This appointment is already cancelled."), code="appointment_cancelled")
    if appointment.state != State.ATTENDED:
        return Conflict(
            _("This appointment is not marked attended: there is no arrival to undo."),
            code="appointment_not_attended",
        )
    return Conflict(
        _("This appointment has ended: its arrival can no longer be undone."),
        code="appointment_ended",
    )


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
    the unsaved appointment, or ValidationError / Conflict. Nothing is written. It is not held
    to the no-double-booking rule (its ``overlap`` is ``imported``).

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
    # History is kept as it came: overlaps are reported by the import, not refused.
    appointment.overlap = Overlap.IMPORTED
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
    reminders_plan(appointment=appointment, now=values.get("now"), new=True)
    return appointment


@transaction.atomic
def appointment_record_many(appointments: list[Appointment]) -> None:
    """Insert appointments that ``appointment_record_prepare`` accepted, in bulk, with their
    history rows. An id that already exists raises IntegrityError and inserts none."""
    create_with_history(Appointment, appointments, change_reason=current_channel())
    for appointment in appointments:
        if appointment.state == State.ACTIVE:
            reminders_plan(appointment=appointment, new=True)
