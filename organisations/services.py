"""Every write to an organisation or a site goes through here: the API and the admin alike."""

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from addresses.services import address_create, address_update
from panda_project.exceptions import Conflict
from panda_project.services import apply_changes, normalise_fields

from .models import Organisation, Site
from .ods import normalise_ods_code

ORGANISATION_FIELDS = ("name", "ods_code")
# A site never changes organisation: the memberships that name it rely on that.
SITE_FIELDS = ("name",)


def _in_use(noun: str) -> Conflict:
    # One whole sentence per noun: a translation cannot be assembled from English nouns.
    messages = {
        "organisation": _("This organisation is still in use, so it cannot be deleted."),
        "site": _("This site is still in use, so it cannot be deleted."),
    }
    return Conflict(
        messages[noun],
        code=f"{noun}_in_use",
    )


def organisation_normalise(organisation: Organisation) -> None:
    """Trim the name, store the ODS code upper-case (NULL when empty), and validate."""
    organisation.name = (organisation.name or "").strip()
    values = normalise_fields({"ods_code": organisation.ods_code}, {"ods_code": normalise_ods_code})
    organisation.ods_code = values["ods_code"] or None
    organisation.full_clean(validate_unique=False)


def _save_organisation(organisation: Organisation) -> Organisation:
    organisation_normalise(organisation)
    duplicate = Conflict(
        _("An organisation with this ODS code already exists."), code="ods_code_exists"
    )
    code = organisation.ods_code
    if code and Organisation.objects.filter(ods_code=code).exclude(pk=organisation.pk).exists():
        raise duplicate
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the outer one usable
            organisation.save()
    except IntegrityError:
        raise duplicate from None
    return organisation


@transaction.atomic
def organisation_create(*, name: str, ods_code: str | None = None) -> Organisation:
    """Add an organisation; its ODS code, when given, must be valid and new (Conflict)."""
    return _save_organisation(Organisation(name=name, ods_code=ods_code))


@transaction.atomic
def organisation_update(*, organisation: Organisation, **changes) -> Organisation:
    apply_changes(organisation, changes, ORGANISATION_FIELDS, "organisation_update")
    return _save_organisation(organisation)


@transaction.atomic
def organisation_delete(*, organisation: Organisation) -> None:
    """Delete an organisation with its addresses; refused while it has sites, departments or
    clinicians' memberships (history included)."""
    try:
        with transaction.atomic():
            organisation.addresses.all().delete()
            organisation.delete()
    except models.ProtectedError:
        raise _in_use("organisation") from None


def _save_site(site: Site) -> Site:
    site.name = (site.name or "").strip()
    # The unique name is checked below, to report a duplicate as a Conflict.
    site.full_clean(validate_unique=False, validate_constraints=False)
    duplicate = Conflict(
        _("This organisation already has a site with this name."), code="site_exists"
    )
    same_name = Site.objects.filter(organisation=site.organisation, name=site.name)
    if same_name.exclude(pk=site.pk).exists():
        raise duplicate
    try:
        with transaction.atomic():
            site.save()
    except IntegrityError:
        raise duplicate from None
    return site


@transaction.atomic
def site_create(*, name: str, organisation: Organisation, address: dict) -> Site:
    """Add a site of ``organisation`` with its address (the fields of ``addresses.Address``)."""
    site = _save_site(Site(name=name, organisation=organisation))
    address_create(owner=site, **address)
    return site


@transaction.atomic
def site_update(*, site: Site, address: dict | None = None, **changes) -> Site:
    """Rename a site or change (some fields of) its address."""
    apply_changes(site, changes, SITE_FIELDS, "site_update")
    _save_site(site)
    if address:
        current = site.addresses.first()
        if current is None:
            address_create(owner=site, **address)
        else:
            address_update(address=current, **address)
    return site


@transaction.atomic
def site_delete(*, site: Site) -> None:
    """Delete a site with its address; refused while appointments or memberships name it."""
    try:
        with transaction.atomic():
            site.addresses.all().delete()
            site.delete()
    except models.ProtectedError:
        raise _in_use("site") from None
