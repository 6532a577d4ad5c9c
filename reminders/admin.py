"""Reminders in the back office: read-only on their appointment; and the variants (the wordings
of a trial), which clinic managers add and edit through the services and receptionists do not
see."""

from django.contrib import admin
from django.db.models import Count, Func, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from backoffice.admin_tools import ServiceAdminMixin
from backoffice.forms import ServiceModelForm

from .models import Reminder, ReminderAllocation, ReminderVariant
from .services import (
    VARIANT_FIELDS,
    reminder_variant_create,
    reminder_variant_delete,
    reminder_variant_update,
)


class ReminderVariantForm(ServiceModelForm):
    service_fields = VARIANT_FIELDS

    class Meta:
        model = ReminderVariant
        fields = VARIANT_FIELDS

    def create(self, data):
        return reminder_variant_create(**data)

    def update(self, instance, data):
        return reminder_variant_update(variant=instance, **data)


class ReminderInline(admin.TabularInline):
    """An appointment's reminders, as the tasks recorded them: never edited by hand."""

    model = Reminder
    fields = (
        "channel",
        "due_at",
        "state",
        "sent_at",
        "attempts",
        "failure_reason",
        "variant",
        "provider_id",
    )
    readonly_fields = fields
    ordering = ("due_at", "id")
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("variant")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderVariant)
class ReminderVariantAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = ReminderVariantForm
    list_display = ("name", "weight", "share", "allocated", "updated_at")
    search_fields = ("name",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "weight")}),
        (
            gettext_lazy("English"),
            {"fields": ("sms_text_en", "email_subject_en", "email_body_en")},
        ),
        (
            gettext_lazy("Welsh (left empty, the English text is used)"),
            {"fields": ("sms_text_cy", "email_subject_cy", "email_body_cy")},
        ),
        (
            gettext_lazy("GOV.UK Notify templates (instead of the default templates)"),
            {"fields": ("notify_sms_template_id", "notify_email_template_id")},
        ),
        (None, {"fields": ("created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        allocations = (
            ReminderAllocation.objects.filter(variant=OuterRef("pk"))
            .order_by()
            .values("variant")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                allocation_count=Coalesce(Subquery(allocations), 0),
                # Over all the variants, whatever the list is filtered by.
                total_weight=Subquery(
                    ReminderVariant.objects.order_by().values(total=Func("weight", function="SUM"))
                ),
            )
        )

    @admin.display(description=gettext_lazy("share of new appointments"))
    def share(self, variant) -> str:
        """Its weight over all the variants' weights: its chance of each new allocation."""
        return f"{variant.weight / variant.total_weight:.0%}"

    @admin.display(description=gettext_lazy("appointments allocated"), ordering="allocation_count")
    def allocated(self, variant) -> int:
        return variant.allocation_count

    def has_delete_permission(self, request, obj=None):
        # A variant that reminders were written in stays, for the trial's figures (the service
        # refuses it too).
        if obj is not None and (obj.reminders.exists() or obj.allocations.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def delete_through_service(self, obj):
        reminder_variant_delete(variant=obj)
