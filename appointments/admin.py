"""Appointments in the back office: the day's list, with the derived status (missed included)
filtered in SQL, and the "Cancel" and "Mark attended" actions, which call the same services as
the API and report, row by row, what was done and what was refused and why."""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.db import connections
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from backoffice.admin_tools import (
    CSVExportMixin,
    ServiceAdminMixin,
    database_knows_time_zones,
    local_iso,
    local_time,
)
from backoffice.forms import OwnedServiceModelForm, ServiceInlineFormSetMixin, ServiceModelForm
from panda_project.exceptions import Conflict
from patients.filters import name_search_contains
from patients.identifiers import format_identifier, identifier_or_none
from patients.models import Patient
from patients.names import name_search_key
from reminders.admin import ReminderInline

from .durations import format_duration, parse_duration_text
from .models import Appointment, Status
from .selectors import local_day_bounds
from .services import (
    BOOK_OVERLAP_PERMISSION,
    appointment_attend,
    appointment_cancel,
    appointment_create,
    appointment_delete,
    appointment_update,
)

FORM_FIELDS = ("patient", "starts_at", "duration", "clinician", "department", "postcode", "site")
INLINE_FIELDS = ("starts_at", "duration", "clinician", "department", "postcode")
READ_ONLY_FIELDS = (
    "patient",
    "starts",
    "ends",
    "duration_text",
    "clinician",
    "department",
    "postcode",
    "site",
    "status_label",
    "attended",
    "cancelled",
)
STATUS_LABELS = {
    Status.ACTIVE: gettext_lazy("Active"),
    Status.ATTENDED: gettext_lazy("Attended"),
    Status.CANCELLED: gettext_lazy("Cancelled"),
    Status.MISSED: gettext_lazy("Missed"),
}


class DurationTextField(forms.CharField):
    """A duration typed as "1h30m", "45m" or "PT1H30M", as the API and the import take it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", gettext_lazy('Such as "30m", "1h" or "1h30m".'))
        super().__init__(**kwargs)
        self.widget.attrs.update(size="8", maxlength="20")

    def prepare_value(self, value):
        return format_duration(value) if isinstance(value, dt.timedelta) else value

    def to_python(self, value):
        if isinstance(value, dt.timedelta):  # a disabled field's stored value
            return value
        value = super().to_python(value)
        return parse_duration_text(value) if value else None

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


def is_editable(appointment: Appointment | None) -> bool:
    """Only an active appointment that has not ended can change; the rest is history."""
    return appointment is None or appointment._state.adding or appointment.status == Status.ACTIVE


def _starts_at_field() -> forms.SplitDateTimeField:
    return forms.SplitDateTimeField(
        widget=AdminSplitDateTime,
        help_text=format_lazy(
            gettext_lazy("Local time ({zone})."), zone=timezone.get_current_timezone_name()
        ),
    )


class AppointmentForm(ServiceModelForm):
    service_fields = FORM_FIELDS
    starts_at = _starts_at_field()
    duration = DurationTextField()
    # Shown to clinic managers only (AppointmentAdmin.get_fields); the service refuses it from
    # anyone else, should it be posted anyway.
    allow_overlap = forms.BooleanField(
        required=False,
        label=gettext_lazy("Book over a clash"),
        help_text=gettext_lazy(
            "Book it even though it overlaps another appointment of the clinician or the patient."
        ),
    )
    user = None  # the user saving the form, set by AppointmentAdmin.get_form

    class Meta:
        model = Appointment
        fields = FORM_FIELDS

    def _overlap(self) -> dict:
        return {"allow_overlap": self.cleaned_data.get("allow_overlap", False), "user": self.user}

    def create(self, data):
        return appointment_create(**data, **self._overlap())

    def update(self, instance, data):
        return appointment_update(appointment=instance, **data, **self._overlap())


class AppointmentInlineForm(OwnedServiceModelForm):
    """One row of a patient's appointments; a cancelled, attended or missed one is read-only."""

    service_fields = INLINE_FIELDS
    starts_at = _starts_at_field()
    duration = DurationTextField()

    class Meta:
        model = Appointment
        fields = INLINE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_editable(self.instance):
            # Disabled fields ignore whatever is posted: no edit can reinstate or change it.
            for field in self.fields.values():
                field.disabled = True

    def create(self, data):
        return appointment_create(patient=self.owner, **data)

    def update(self, instance, data):
        return appointment_update(appointment=instance, **data)


class AppointmentInlineFormSet(ServiceInlineFormSetMixin, forms.BaseInlineFormSet):
    def delete(self, obj):
        appointment_delete(appointment=obj)


class AppointmentInline(admin.TabularInline):
    model = Appointment
    form = AppointmentInlineForm
    formset = AppointmentInlineFormSet
    fields = (*INLINE_FIELDS, "status_label", "change_link")
    readonly_fields = ("status_label", "change_link")
    extra = 0
    ordering = ("-starts_at",)
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("clinician", "department")

    @admin.display(description=gettext_lazy("Status"))
    def status_label(self, appointment):
        return "-" if appointment._state.adding else STATUS_LABELS[appointment.status]

    @admin.display(description="")
    def change_link(self, appointment):
        if appointment._state.adding:
            return ""
        url = reverse("admin:appointments_appointment_change", args=[appointment.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Open"))


class StatusFilter(admin.SimpleListFilter):
    """By status, missed included, in SQL (``Appointment.objects.with_status``)."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(STATUS_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in Status.values:
            return queryset.with_status(self.value())
        return queryset


class DayFilter(admin.SimpleListFilter):
    """By the clinic's calendar. The list opens on today and what is to come ("upcoming"); the
    past and everything are a click away."""

    title = gettext_lazy("day")
    parameter_name = "day"
    default = "upcoming"

    def lookups(self, request, model_admin):
        return [
            ("upcoming", gettext("Today and upcoming")),
            ("today", gettext("Today")),
            ("tomorrow", gettext("Tomorrow")),
            ("week", gettext("Next 7 days")),
            ("past", gettext("Before today")),
            ("all", gettext("All")),
        ]

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        # Django's own "All" clears the parameter, which here means the default: "all" is
        # among the lookups instead.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "upcoming":
            return queryset.filter(starts_at__gte=local_day_bounds(today)[0])
        if value == "past":
            return queryset.filter(starts_at__lt=local_day_bounds(today)[0])
        first, days = {
            "today": (today, 1),
            "tomorrow": (today + dt.timedelta(days=1), 1),
            "week": (today, 7),
        }.get(value, (None, 0))
        if first is None:
            return queryset
        start, _ = local_day_bounds(first)
        _, end = local_day_bounds(first + dt.timedelta(days=days - 1))
        return queryset.filter(starts_at__gte=start, starts_at__lt=end)


def describe(appointment: Appointment) -> str:
    patient = appointment.patient
    return (
        f"{patient.name} ({format_identifier(patient.nhs_number)}), "
        f"{local_time(appointment.starts_at)}"
    )


@admin.register(Appointment)
class AppointmentAdmin(CSVExportMixin, ServiceAdminMixin, SimpleHistoryAdmin):
    form = AppointmentForm
    list_display = (
        "patient_label",
        "starts",
        "duration_text",
        "clinician",
        "department",
        "status_label",
    )
    list_filter = (StatusFilter, DayFilter, "department", "clinician", "site")
    list_select_related = ("patient", "clinician", "department")
    # The search is by patient (NHS number or name); naming a field turns the search box on.
    search_fields = ("patient__name_search",)
    search_help_text = gettext_lazy(
        "The patient's NHS number (spaced or not) or part of their name."
    )
    autocomplete_fields = ("patient", "site")
    actions = ("cancel_selected", "attend_selected")
    list_per_page = 50
    ordering = ("starts_at", "id")
    history_list_display = ("state", "starts_at", "clinician", "department")
    csv_filename = "appointments.csv"
    csv_columns = (
        ("id", lambda a: a.id),
        ("patient_nhs_number", lambda a: a.patient.nhs_number),
        ("patient_name", lambda a: a.patient.name),
        ("starts_at", lambda a: local_iso(a.starts_at)),
        ("ends_at", lambda a: local_iso(a.ends_at)),
        ("duration", lambda a: format_duration(a.duration)),
        ("clinician", lambda a: a.clinician.name),
        ("department", lambda a: a.department.name),
        ("postcode", lambda a: a.postcode),
        ("status", lambda a: a.status_value),
    )

    @property
    def date_hierarchy(self):
        # Without time zone tables MariaDB cannot group by local date: the list then goes
        # without the drill-down rather than fail (the day and status filters still work).
        return "starts_at" if database_knows_time_zones() else None

    def get_queryset(self, request):
        return super().get_queryset(request).annotate_status()

    @admin.display(description=gettext_lazy("Patient"), ordering="patient__name")
    def patient_label(self, appointment):
        patient = appointment.patient
        # The number is kept on one line, as it is read out.
        return format_html(
            '{} <span class="nhs-number">({})</span>',
            patient.name,
            format_identifier(patient.nhs_number),
        )

    @admin.display(description=gettext_lazy("Starts"), ordering="starts_at")
    def starts(self, appointment):
        return local_time(appointment.starts_at)

    @admin.display(description=gettext_lazy("Ends"))
    def ends(self, appointment):
        return local_time(appointment.ends_at)

    @admin.display(description=gettext_lazy("Attended at"))
    def attended(self, appointment):
        return local_time(appointment.attended_at)

    @admin.display(description=gettext_lazy("Cancelled at"))
    def cancelled(self, appointment):
        return local_time(appointment.cancelled_at)

    @admin.display(description=gettext_lazy("Duration"), ordering="duration")
    def duration_text(self, appointment):
        return format_duration(appointment.duration)

    @admin.display(description=gettext_lazy("Status"), ordering="status_value")
    def status_label(self, appointment):
        return STATUS_LABELS[appointment.status]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        nhs_number = identifier_or_none(term)
        if nhs_number is not None:
            return queryset.filter(patient__nhs_number=nhs_number), False
        key = name_search_key(term)
        if not key:
            return queryset, False
        vendor = connections[queryset.db].vendor
        return queryset.filter(name_search_contains(key, vendor, prefix="patient__")), False

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        # "Book" in the day view's free time gives the start as ISO 8601 local time.
        starts_at = parse_datetime(initial.get("starts_at") or "")
        if starts_at is not None:
            initial["starts_at"] = (
                timezone.make_aware(starts_at) if timezone.is_naive(starts_at) else starts_at
            )
        else:
            initial.pop("starts_at", None)
        # Booking from a patient's page: the appointment takes place at their postcode unless
        # the receptionist says otherwise.
        if initial.get("patient") and not initial.get("postcode"):
            patient = Patient.objects.filter(pk=initial["patient"]).first()
            if patient is not None:
                initial["postcode"] = patient.postcode
        return initial

    def response_add(self, request, obj, post_url_continue=None):
        """After booking, land where the new appointment can be seen, highlighted: on the day
        view when booked from it, else on the patient's page."""
        if IS_POPUP_VAR in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        if "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        messages.success(request, gettext("Booked: %(what)s.") % {"what": describe(obj)})
        if request.GET.get("from") == "day":
            day = timezone.localdate(obj.starts_at).isoformat()
            query = urlencode({"date": day, "highlight": obj.pk})
            return HttpResponseRedirect(f"{reverse('admin:day')}?{query}#appointment-{obj.pk}")
        url = reverse("admin:patients_patient_change", args=[obj.patient_id])
        query = urlencode({"highlight": obj.pk})
        return HttpResponseRedirect(f"{url}?{query}#appointments-group")

    def get_fields(self, request, obj=None):
        if not is_editable(obj):
            return READ_ONLY_FIELDS
        fields = list(FORM_FIELDS)
        if request.user.has_perm(BOOK_OVERLAP_PERMISSION):
            fields += ["allow_overlap"]
        if obj is not None:
            fields += ["status_label"]
        return fields

    def get_inlines(self, request, obj):
        # The appointment's reminders, read-only below the form: shown, never part of a save.
        return (ReminderInline,) if obj is not None and request.method == "GET" else ()

    def get_readonly_fields(self, request, obj=None):
        if not is_editable(obj):
            # Cancelled, attended and missed appointments are history: shown, never edited.
            return self.get_fields(request, obj)
        return ("status_label",) if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not is_editable(obj):
            kwargs["form"] = forms.ModelForm  # no fields at all: nothing posted can change it
            return super().get_form(request, obj, change, **kwargs)
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and not is_editable(obj):
            extra_context = {
                **(extra_context or {}),
                "show_save": False,
                "show_save_and_continue": False,
                "show_save_and_add_another": False,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_through_service(self, obj):
        appointment_delete(appointment=obj)

    def _apply(self, request, queryset, service, done: str, refused: str) -> None:
        """Run ``service`` on each selected appointment, each on its own, and say what came of
        each: a refusal (a Conflict) names the appointment and the reason."""
        for appointment in queryset.select_related("patient").order_by("starts_at", "id"):
            try:
                service(appointment=appointment)
            except Conflict as refusal:
                messages.error(request, f"{refused}: {describe(appointment)}. {refusal.message}")
            else:
                messages.success(request, f"{done}: {describe(appointment)}.")

    @admin.action(
        description=gettext_lazy("Cancel the selected appointments"), permissions=["change"]
    )
    def cancel_selected(self, request, queryset):
        self._apply(
            request, queryset, appointment_cancel, gettext("Cancelled"), gettext("Not cancelled")
        )

    @admin.action(
        description=gettext_lazy("Mark the selected appointments attended"), permissions=["change"]
    )
    def attend_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            appointment_attend,
            gettext("Marked attended"),
            gettext("Not marked attended"),
        )
