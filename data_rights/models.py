"""What remains of a patient's data rights being exercised: who exported a record, and that a
record was erased. Neither holds personal data about the patient beyond what it must."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How something was done: the same channels the audit trail tells apart."""

    API = "api", _("API")
    BACKOFFICE = "backoffice", _("back office")
    IMPORT = "import", _("import")
    COMMAND = "command", _("command")
    RETENTION = "retention", _("retention (purge_expired)")
    FHIR = "fhir", _("FHIR ($everything)")


class ErasureRecord(models.Model):
    """A patient record was deleted and its personal data erased: when, how and by whom.

    The NHS number is kept only as a keyed hash (HMAC-SHA256 with PANDA_ERASURE_KEY), so that an
    auditor who is given a number can confirm its erasure (``data_rights.services.erasure_check``)
    while nobody can read a number back from the table.
    """

    nhs_number_hmac = models.CharField(
        _("NHS number (keyed hash)"), max_length=64, db_index=True, editable=False
    )
    # Which key made the hash (``digests.key_id``): a change of PANDA_ERASURE_KEY shows here.
    # Empty for records made before key ids were kept.
    key_id = models.CharField(_("key id"), max_length=8, blank=True, default="", editable=False)
    erased_at = models.DateTimeField(_("erased at"), editable=False)
    channel = models.CharField(_("how"), max_length=16, choices=Channel.choices, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")
        ordering = ["-erased_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="erasure_channel_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Erasure {self.pk}"


class PatientExport(models.Model):
    """A copy of everything about a patient was given out (the right of access): when, how and
    by whom. It goes with the patient when they are erased."""

    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.CASCADE,
        related_name="exports",
        editable=False,
        verbose_name=_("patient"),
    )
    exported_at = models.DateTimeField(_("exported at"), editable=False)
    channel = models.CharField(_("how"), max_length=16, choices=Channel.choices, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("patient data export")
        verbose_name_plural = _("patient data exports")
        ordering = ["-exported_at", "-id"]
        indexes = [models.Index(fields=["patient", "exported_at"], name="export_patient_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="export_channel_valid"
            )
        ]
        # Exporting is its own permission: clinic managers hold it, receptionists do not.
        permissions = [("export_patient", _("Can export everything held about a patient"))]

    def __str__(self) -> str:
        return f"Export {self.pk}"
