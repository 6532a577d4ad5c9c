"""Writes to clinicians, their memberships of organisations and sites, and departments."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from organisations.models import Organisation, Site
from panda_project.exceptions import Conflict
from panda_project.services import apply_changes, normalise_fields

from .models import Clinician, Department, Membership
from .registrations import normalise_registration_number

_UNCHANGED = object()
MEMBERSHIP_FIELDS = ("organisation", "site", "started_on", "ended_on")


def _clean_name(instance) -> None:
    instance.name = (instance.name or "").strip()
    instance.full_clean(validate_unique=False)


def _in_use(noun: str) -> Conflict:
    # One whole sentence per noun: a translation cannot be assembled from English nouns.
    messages = {
        "clinician": _("This clinician has appointments, so it cannot be deleted."),
        "department": _("This department has appointments, so it cannot be deleted."),
    }
    return Conflict(
        messages[noun],
        code=f"{noun}_in_use",
    )


def _save_clinician(clinician: Clinician) -> Clinician:
    values = normalise_fields(
        {"registration_number": clinician.registration_number},
        {"registration_number": normalise_registration_number},
    )
    clinician.registration_number = values["registration_number"] or None
    _clean_name(clinician)
    duplicate = Conflict(
        _("A clinician with this registration number already exists."),
        code="registration_number_exists",
    )
    number = clinician.registration_number
    others = Clinician.objects.exclude(pk=clinician.pk)
    if number and others.filter(registration_number=number).exists():
        raise duplicate
    try:
        with transaction.atomic():
            clinician.save()
    except IntegrityError:
        raise duplicate from None
    return clinician


@transaction.atomic
def clinician_create(*, name: str, registration_number: str | None = None) -> Clinician:
    """Add a clinician; a registration number, when given, must be valid and new (Conflict)."""
    return _save_clinician(Clinician(name=name, registration_number=registration_number))


@transaction.atomic
def clinician_update(
    *, clinician: Clinician, name: str | None = None, registration_number=_UNCHANGED
) -> Clinician:
    clinician.name = clinician.name if name is None else name
    if registration_number is not _UNCHANGED:
        clinician.registration_number = registration_number
    return _save_clinician(clinician)


@transaction.atomic
def clinician_delete(*, clinician: Clinician) -> None:
    """Delete a clinician and their memberships; refused while they have appointments."""
    try:
        with transaction.atomic():
            clinician.delete()
    except models.ProtectedError:
        raise _in_use("clinician") from None


def _overlapping(membership: Membership):
    """The clinician's other spells at the same organisation and site that share a day."""
    spells = Membership.objects.filter(
        clinician=membership.clinician,
        organisation=membership.organisation,
        site=membership.site,
    ).exclude(pk=membership.pk)
    if membership.ended_on is not None:
        spells = spells.filter(started_on__lte=membership.ended_on)
    return spells.filter(
        models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=membership.started_on)
    )


def _save_membership(membership: Membership) -> Membership:
    membership.full_clean(validate_unique=False, validate_constraints=False)
    errors = {}
    if membership.ended_on is not None and membership.ended_on < membership.started_on:
        errors["ended_on"] = ValidationError(
            _("A membership cannot end before it starts."), code="ends_before_start"
        )
    if (
        membership.site is not None
        and membership.site.organisation_id != membership.organisation_id
    ):
        errors["site"] = ValidationError(
            _("This site belongs to another organisation."), code="site_of_other_organisation"
        )
    if errors:
        raise ValidationError(errors)
    if _overlapping(membership).exists():
        raise Conflict(
            _("The clinician already works there during some of these dates."),
            code="membership_overlaps",
        )
    membership.save()
    return membership


@transaction.atomic
def membership_create(
    *,
    clinician: Clinician,
    organisation: Organisation,
    started_on: dt.date,
    site: Site | None = None,
    ended_on: dt.date | None = None,
) -> Membership:
    """Record that a clinician works (or worked) for an organisation, optionally at one of its
    sites. Spells at the same place may not overlap (Conflict); ``ended_on`` is the last day."""
    Clinician.objects.select_for_update().filter(pk=clinician.pk).first()  # one writer at a time
    membership = Membership(
        clinician=clinician,
        organisation=organisation,
        site=site,
        started_on=started_on,
        ended_on=ended_on,
    )
    return _save_membership(membership)


@transaction.atomic
def membership_update(*, membership: Membership, **changes) -> Membership:
    """Change a spell: most often, set ``ended_on`` when the clinician leaves."""
    Clinician.objects.select_for_update().filter(pk=membership.clinician_id).first()
    apply_changes(membership, changes, MEMBERSHIP_FIELDS, "membership_update")
    return _save_membership(membership)


@transaction.atomic
def membership_delete(*, membership: Membership) -> None:
    """Remove a spell recorded in error. A clinician who leaves gets an ``ended_on`` instead."""
    membership.delete()


def _save_department(department: Department) -> Department:
    _clean_name(department)
    duplicate = Conflict(_("A department with this name already exists."), code="department_exists")
    if Department.objects.filter(name=department.name).exclude(pk=department.pk).exists():
        raise duplicate
    try:
        with transaction.atomic():
            department.save()
    except IntegrityError:
        raise duplicate from None
    return department


@transaction.atomic
def department_create(
    *, name: str, organisation: Organisation | None = None, allows_overbooking: bool = False
) -> Department:
    """A department. ``allows_overbooking`` lets a clinician's appointments in it overlap one
    another (see ``appointments.services``)."""
    return _save_department(
        Department(name=name, organisation=organisation, allows_overbooking=allows_overbooking)
    )


@transaction.atomic
def department_update(
    *,
    department: Department,
    name: str | None = None,
    organisation=_UNCHANGED,
    allows_overbooking: bool | None = None,
) -> Department:
    department.name = department.name if name is None else name
    if organisation is not _UNCHANGED:
        department.organisation = organisation
    if allows_overbooking is not None:
        department.allows_overbooking = allows_overbooking
    return _save_department(department)


@transaction.atomic
def department_delete(*, department: Department) -> None:
    """Delete a department; refused while it has appointments."""
    try:
        with transaction.atomic():
            department.delete()
    except models.ProtectedError:
        raise _in_use("department") from None


@transaction.atomic
def clinician_get_or_create(*, name: str) -> Clinician:
    """The clinician of this name (the first, if several share it), created if there is none."""
    clinician = Clinician.objects.filter(name=name.strip()).order_by("id").first()
    return clinician or clinician_create(name=name)


@transaction.atomic
def department_get_or_create(*, name: str) -> Department:
    department = Department.objects.filter(name=name.strip()).first()
    return department or department_create(name=name)
