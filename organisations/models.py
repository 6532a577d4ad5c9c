"""Organisations that clinicians work for, and the sites they work from."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from panda_project.validators import reject_control_characters

from .ods import ODS_CODE_MAX_LENGTH, validate_ods_code


class Organisation(models.Model):
    """An organisation, such as an NHS trust or a GP practice; it may have several addresses."""

    name = models.CharField(
        max_length=255, validators=[reject_control_characters], verbose_name=_("name")
    )
    # NULL when unknown, so that uniqueness applies only to the codes that are given.
    ods_code = models.CharField(
        _("ODS code"),
        max_length=ODS_CODE_MAX_LENGTH,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_ods_code],
        help_text=_("The NHS Organisation Data Service code, such as RJ1."),
    )
    addresses = GenericRelation("addresses.Address", related_query_name="organisation")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"], name="organisation_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})" if self.ods_code else self.name


class Site(models.Model):
    """A place an organisation works from, such as a hospital or a clinic; one address."""

    name = models.CharField(
        max_length=255, validators=[reject_control_characters], verbose_name=_("name")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sites", verbose_name=_("organisation")
    )
    # One address, kept with every other address (see organisations.services.site_create).
    addresses = GenericRelation("addresses.Address", related_query_name="site")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="site_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self):
        """The site's address (the first, should there ever be several), or None."""
        addresses = list(self.addresses.all())
        return addresses[0] if addresses else None
