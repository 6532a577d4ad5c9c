"""Writes to clinicians and departments."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from panda_project.exceptions import Conflict

from .models import Clinician, Department


def _clean_name(instance) -> None:
    instance.name = (instance.name or "").strip()
    instance.full_clean(validate_unique=False)


@transaction.atomic
def clinician_create(*, name: str) -> Clinician:
    clinician = Clinician(name=name)
    _clean_name(clinician)
    clinician.save()
    return clinician


@transaction.atomic
def clinician_update(*, clinician: Clinician, name: str | None = None) -> Clinician:
    clinician.name = clinician.name if name is None else name
    _clean_name(clinician)
    clinician.save()
    return clinician


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
def department_create(*, name: str) -> Department:
    return _save_department(Department(name=name))


@transaction.atomic
def department_update(*, department: Department, name: str | None = None) -> Department:
    department.name = department.name if name is None else name
    return _save_department(department)


@transaction.atomic
def clinician_get_or_create(*, name: str) -> Clinician:
    """The clinician of this name (the first, if several share it), created if there is none."""
    clinician = Clinician.objects.filter(name=name.strip()).order_by("id").first()
    return clinician or clinician_create(name=name)


@transaction.atomic
def department_get_or_create(*, name: str) -> Department:
    department = Department.objects.filter(name=name.strip()).first()
    return department or department_create(name=name)
