"""Data rights in the back office: a clinic manager downloads a patient's export from the
patient's page; the records of exports and erasures are read-only lists."""

from django.contrib import admin
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy

from backoffice.admin_tools import ReadOnlyAdminMixin, local_time
from panda_project.api.renderers import JSONRenderer
from patients.identifiers import identifier_or_none

from .digests import known_keys, nhs_number_hmac
from .models import Channel, ErasureRecord, PatientExport
from .selectors import patient_data
from .services import ERASED, patient_export_record, patients_erase
from .views import EXPORT_PERMISSION


class PatientDataRightsAdminMixin:
    """For the patient admin: "Export all data" on a patient's page (``<id>/export/``), and
    a deletion message that does not name the patient whose data was just erased."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_export_data"
        export = path(
            "<path:object_id>/export/", self.admin_site.admin_view(self.export_data), name=name
        )
        return [export, *super().get_urls()]

    def export_data(self, request, object_id):
        if not (request.user.has_perm(EXPORT_PERMISSION) and self.has_view_permission(request)):
            raise PermissionDenied
        # The admin's own lookup: an id that is no patient's (or no number at all) is None.
        patient = self.get_object(request, unquote(object_id))
        if patient is None:
            raise Http404
        with transaction.atomic():
            patient_export_record(patient=patient, channel=Channel.BACKOFFICE, user=request.user)
            body = JSONRenderer().render(patient_data(patient, request))
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="patient-{patient.pk}.json"'
        response["Cache-Control"] = "no-store"
        return response

    def get_deleted_objects(self, objs, request):
        # A patient's export records are read-only, yet go with the patient: whoever may
        # delete the patient needs no permission of theirs.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(str(PatientExport._meta.verbose_name))
        return deleted, counts, perms_needed, protected

    def log_deletions(self, request, queryset):
        """Nothing yet: ``delete_queryset`` logs the patients it has erased, once erased."""
        return []

    def delete_model(self, request, obj):
        self.delete_queryset(request, [obj])

    def delete_queryset(self, request, queryset):
        """ "Delete selected": the selected patients erased in one call of the erasure service
        (one transaction, one merge of the search index), and a log entry, without their
        names, for each patient it did erase."""
        with transaction.atomic():
            erased = patients_erase(
                patient_ids=[patient.pk for patient in queryset],
                channel=Channel.BACKOFFICE,
                user=request.user,
            )
            patient_type = ContentType.objects.get_for_model(self.model)
            LogEntry.objects.bulk_create(
                LogEntry(
                    user_id=request.user.pk,
                    content_type=patient_type,
                    object_id=str(pk),
                    object_repr=ERASED,
                    action_flag=DELETION,
                    change_message="",
                )
                for pk in erased
            )

    def response_delete(self, request, obj_display, obj_id):
        return super().response_delete(request, ERASED, obj_id)


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_select_related = ("user",)


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyAdmin):
    """Deleted patients: when, how and by whom. ``manage.py erasure_check NHS_NUMBER`` says
    whether a given number is among them; nothing here can show one."""

    list_display = ("erased_at_local", "channel", "user", "key_id")
    list_filter = ("channel",)
    # The search box takes an NHS number and finds its erasure records by their keyed hash.
    search_fields = ("nhs_number_hmac",)
    search_help_text = gettext_lazy("An NHS number, spaced or not: was it erased?")

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        compact = identifier_or_none(search_term)
        if compact is None:
            return queryset.none(), False
        hashes = [nhs_number_hmac(compact, key) for key in known_keys()]
        return queryset.filter(nhs_number_hmac__in=hashes), False

    @admin.display(description=gettext_lazy("When"), ordering="erased_at")
    def erased_at_local(self, record):
        return local_time(record.erased_at)


@admin.register(PatientExport)
class PatientExportAdmin(ReadOnlyAdmin):
    list_display = ("exported_at_local", "patient", "channel", "user")
    list_filter = ("channel",)
    list_select_related = ("user", "patient")

    @admin.display(description=gettext_lazy("When"), ordering="exported_at")
    def exported_at_local(self, record):
        return local_time(record.exported_at)
