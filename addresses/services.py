"""Every write to an address goes through here."""

from django.db import models, transaction

from panda_project.services import apply_changes, lock_owner, normalise_fields

from .models import Address
from .postcodes import normalise_postcode

EDITABLE_FIELDS = ("line1", "line2", "line3", "town", "county", "postcode", "country")


def address_normalise(address: Address) -> None:
    values = normalise_fields({"postcode": address.postcode}, {"postcode": normalise_postcode})
    address.postcode = values["postcode"]
    for field in EDITABLE_FIELDS:
        value = getattr(address, field)
        if isinstance(value, str):
            setattr(address, field, value.strip())
    address.full_clean()


@transaction.atomic
def address_create(*, owner: models.Model, **fields) -> Address:
    """Add an address to its owner (a patient, an organisation or a site), which must still
    exist: an address written after its patient's erasure would outlive it (no foreign key)."""
    lock_owner(type(owner), owner.pk)
    address = Address(owner=owner, **fields)
    address_normalise(address)
    address.save()
    return address


@transaction.atomic
def address_update(*, address: Address, **changes) -> Address:
    """Change an address whose owner still exists (see ``address_create``)."""
    # By its type and id: the generic relation gives None for an owner that has gone.
    lock_owner(address.content_type.model_class(), address.object_id)
    apply_changes(address, changes, EDITABLE_FIELDS, "address_update")
    address_normalise(address)
    address.save()
    return address


@transaction.atomic
def address_delete(*, address: Address) -> None:
    address.delete()
