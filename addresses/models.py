"""Addresses, shared by every kind of owner through a generic relation."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from panda_project.history import PandaHistoricalRecords
from panda_project.validators import reject_control_characters

from .postcodes import POSTCODE_MAX_LENGTH, validate_postcode


class Address(models.Model):
    """A postal address of a patient (and, later, of an organisation or a site)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("content_type", "object_id")

    line1 = models.CharField(
        _("address line 1"), max_length=255, validators=[reject_control_characters]
    )
    line2 = models.CharField(
        _("address line 2"), max_length=255, blank=True, validators=[reject_control_characters]
    )
    line3 = models.CharField(
        _("address line 3"), max_length=255, blank=True, validators=[reject_control_characters]
    )
    town = models.CharField(
        max_length=120, validators=[reject_control_characters], verbose_name=_("town")
    )
    county = models.CharField(
        max_length=120, blank=True, validators=[reject_control_characters], verbose_name=_("county")
    )
    postcode = models.CharField(
        max_length=POSTCODE_MAX_LENGTH, validators=[validate_postcode], verbose_name=_("postcode")
    )
    country = models.CharField(
        max_length=120,
        default="United Kingdom",
        validators=[reject_control_characters],
        verbose_name=_("country"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))
    history = PandaHistoricalRecords()

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="address_owner_idx")]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.line1, self.town, self.postcode) if part)
