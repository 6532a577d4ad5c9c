"""Reminders in the back office: read-only on their appointment, and the wordings."""

from django.contrib import admin

from .models import Reminder, ReminderVariant


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
class ReminderVariantAdmin(admin.ModelAdmin):
    list_display = ("name", "weight", "created_at")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "weight")}),
        ("English", {"fields": ("sms_text_en", "email_subject_en", "email_body_en")}),
        ("Cymraeg", {"fields": ("sms_text_cy", "email_subject_cy", "email_body_cy")}),
        ("GOV.UK Notify", {"fields": ("notify_sms_template_id", "notify_email_template_id")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def has_delete_permission(self, request, obj=None):
        # A variant that reminders were written in stays, for the trial's figures.
        if obj is not None and (obj.reminders.exists() or obj.allocations.exists()):
            return False
        return super().has_delete_permission(request, obj)
