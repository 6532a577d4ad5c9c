"""The day view (/admin/day/): one day at the clinic as a timetable per clinician, from which
reception marks arrivals, cancels, and (clinic managers) undoes a mistaken arrival.

The page only reads and calls the appointment services: whether an action is allowed is the
services' rule, and a refusal is shown in the service's own words. The timetable refreshes itself
with htmx every few seconds; without JavaScript it is plain links and forms.
"""

import datetime as dt
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext, gettext_lazy

from appointments import services
from appointments.durations import format_duration
from appointments.models import Appointment, State, has_ended
from appointments.selectors import local_day_bounds
from clinicians.models import Clinician, Department
from organisations.models import Site
from panda_project.exceptions import Conflict
from patients.identifiers import format_identifier

from .models import DayViewChoice

# Free time is shown between these local times, in stretches of at least SHORTEST_GAP.
CLINIC_OPENS, CLINIC_CLOSES = dt.time(8, 0), dt.time(18, 0)
SHORTEST_GAP = dt.timedelta(minutes=15)
BOOKING_LENGTH = dt.timedelta(minutes=30)
# How often an open day view asks for the timetable again (htmx), in seconds.
REFRESH_SECONDS = 5
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SCOPES = {"site": Site, "department": Department, "clinician": Clinician}
STATUS_TEXT = {
    "booked": gettext_lazy("Booked"),
    "overdue": gettext_lazy("Overdue"),
    "arrived": gettext_lazy("Arrived"),
    "cancelled": gettext_lazy("Cancelled"),
    "missed": gettext_lazy("Missed"),
}


class BadDay(ValueError):
    """A ``?date=`` or ``?show=`` the day view cannot use; its text is shown to the user."""


def parse_day(value: str | None, today: dt.date) -> dt.date:
    """``YYYY-MM-DD`` (today when absent or empty), or BadDay saying what is wrong."""
    if not value:
        return today
    if _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise BadDay(
        gettext("“%(value)s” is not a date. Use YYYY-MM-DD, such as %(example)s.")
        % {"value": value[:40], "example": today.isoformat()}
    )


@dataclass(frozen=True)
class Scope:
    """Whose day: a site, a department, a clinician, or (``kind`` None) everyone's."""

    kind: str | None = None
    obj: object = None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.obj.pk}" if self.kind else "all"

    def filter(self, queryset):
        return queryset.filter(**{self.kind: self.obj}) if self.kind else queryset


def parse_scope(value: str) -> Scope:
    """``site-3``, ``department-2``, ``clinician-5`` or ``all``; BadDay if there is no such."""
    if value == "all":
        return Scope()
    kind, _, pk = value.partition("-")
    model = SCOPES.get(kind)
    obj = model.objects.filter(pk=pk).first() if model and pk.isdigit() else None
    if obj is None:
        raise BadDay(gettext("There is no such site, department or clinician to show."))
    return Scope(kind, obj)


def scope_for(request) -> Scope:
    """The scope asked for in ``?show=`` (then remembered for the user), else the remembered one."""
    value = request.GET.get("show")
    choice = DayViewChoice.objects.filter(user=request.user).select_related(*SCOPES).first()
    remembered = Scope()
    for kind in SCOPES:
        if choice is not None and getattr(choice, f"{kind}_id") is not None:
            remembered = Scope(kind, getattr(choice, kind))
    if value is None or value == remembered.key:
        return remembered
    scope = parse_scope(value)
    DayViewChoice.objects.update_or_create(
        user=request.user,
        defaults={kind: scope.obj if scope.kind == kind else None for kind in SCOPES},
    )
    return scope


@dataclass
class Entry:
    """A row of a clinician's timetable: an appointment, or (``appointment`` None) free time."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    appointment: Appointment | None = None
    status: str = ""
    actions: tuple[str, ...] = ()
    book_url: str = ""

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]

    @property
    def nhs_number(self) -> str:
        return format_identifier(self.appointment.patient.nhs_number)

    @property
    def duration(self) -> str:
        return format_duration(self.ends_at - self.starts_at)


@dataclass
class Column:
    clinician: Clinician
    entries: list[Entry] = field(default_factory=list)


def entry_status(appointment: Appointment, now: dt.datetime) -> str:
    if appointment.state == State.CANCELLED:
        return "cancelled"
    if appointment.state == State.ATTENDED:
        return "arrived"
    if has_ended(appointment.ends_at, now):
        return "missed"
    return "overdue" if appointment.starts_at <= now else "booked"


def entry_actions(appointment: Appointment, now: dt.datetime, can_change: bool, may_undo: bool):
    """What the buttons offer now; the services still decide when one is pressed."""
    if not can_change or has_ended(appointment.ends_at, now):
        return ()
    if appointment.state == State.ACTIVE:
        due = services.check_in_opens_at(appointment.starts_at) <= now
        return ("attend", "cancel") if due else ("cancel",)
    if appointment.state == State.ATTENDED and may_undo:
        return ("undo-attend",)
    return ()


def _book_url(clinician, department, starts_at: dt.datetime, length: dt.timedelta) -> str:
    query = {
        "clinician": clinician.pk,
        "starts_at": timezone.localtime(starts_at).isoformat(timespec="minutes"),
        "duration": format_duration(min(length, BOOKING_LENGTH)),
        "from": "day",
    }
    if department is not None:
        query["department"] = department.pk
    return reverse("admin:appointments_appointment_add") + "?" + urlencode(query)


def free_time(busy, day: dt.date, now: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """The stretches of the clinic's opening hours on ``day``, from now on, that no appointment
    in ``busy`` (start, end) takes up, each at least SHORTEST_GAP long."""
    zone = timezone.get_current_timezone()
    opens = dt.datetime.combine(day, CLINIC_OPENS, tzinfo=zone)
    closes = dt.datetime.combine(day, CLINIC_CLOSES, tzinfo=zone)
    # Bookings start on the next five minutes from now: an appointment must end in the future.
    soonest = now + dt.timedelta(minutes=-now.minute % 5 or 5, seconds=-now.second)
    cursor, gaps = max(opens, soonest.replace(microsecond=0)), []
    for starts_at, ends_at in sorted(busy) + [(closes, closes)]:
        end = min(starts_at, closes)
        if end - cursor >= SHORTEST_GAP:
            gaps.append((cursor, end))
        cursor = max(cursor, ends_at)
    return gaps


def day_columns(appointments, day, now, *, scope, can_change, can_book, may_undo) -> list[Column]:
    """A column per clinician (by name): their appointments and, where one can book, free time."""
    columns: dict[int, Column] = {}
    departments: dict[int, Counter] = {}
    if scope.kind == "clinician":
        columns[scope.obj.pk] = Column(scope.obj)
    for appointment in appointments:
        column = columns.setdefault(appointment.clinician_id, Column(appointment.clinician))
        column.entries.append(
            Entry(
                appointment.starts_at,
                appointment.ends_at,
                appointment,
                entry_status(appointment, now),
                entry_actions(appointment, now, can_change, may_undo),
            )
        )
        departments.setdefault(appointment.clinician_id, Counter())[appointment.department] += 1
    for pk, column in columns.items():
        if not can_book:
            continue
        if scope.kind == "department":
            department = scope.obj
        else:
            usual = departments.get(pk)
            department = usual.most_common(1)[0][0] if usual else None
        busy = [
            (entry.starts_at, entry.ends_at)
            for entry in column.entries
            if entry.appointment.state != State.CANCELLED
        ]
        for starts_at, ends_at in free_time(busy, day, now):
            url = _book_url(column.clinician, department, starts_at, ends_at - starts_at)
            column.entries.append(Entry(starts_at, ends_at, book_url=url))
        column.entries.sort(key=lambda entry: (entry.starts_at, entry.appointment is not None))
    return sorted(columns.values(), key=lambda column: (column.clinician.name, column.clinician.pk))


def day_figures(columns: list[Column]) -> dict[str, int]:
    """The day's counts at the top of the page: all booked, and by status."""
    counts = Counter(entry.status for column in columns for entry in column.entries)
    return {
        "booked": sum(counts[status] for status in STATUS_TEXT),  # free time has no status
        "arrived": counts["arrived"],
        "cancelled": counts["cancelled"],
        "missed": counts["missed"],
        "overdue": counts["overdue"],
    }


def _day_url(day: dt.date, **extra) -> str:
    return reverse("admin:day") + "?" + urlencode({"date": day.isoformat(), **extra})


def _choices():
    return {
        "sites": Site.objects.order_by("name", "pk"),
        "departments": Department.objects.order_by("name", "pk"),
        "clinicians": Clinician.objects.order_by("name", "pk"),
    }


def day_view(admin_site, request):
    """GET /admin/day/: the page; to an htmx refresh, the timetable alone."""
    if not request.user.has_perm("appointments.view_appointment"):
        raise PermissionDenied
    now = timezone.now()
    today = timezone.localdate(now)
    context = {
        **admin_site.each_context(request),
        "title": gettext("The day"),
        "today_url": _day_url(today),
        "refresh_seconds": REFRESH_SECONDS,
    }
    try:
        day = parse_day(request.GET.get("date"), today)
        scope = scope_for(request)
    except BadDay as error:
        context.update(error=str(error), **_choices())
        return TemplateResponse(request, "admin/backoffice/day.html", context, status=400)
    start, end = local_day_bounds(day)
    appointments = scope.filter(
        Appointment.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("patient", "clinician", "department")
        .order_by("starts_at", "id")
    )
    columns = day_columns(
        appointments,
        day,
        now,
        scope=scope,
        can_change=request.user.has_perm("appointments.change_appointment"),
        can_book=request.user.has_perm("appointments.add_appointment"),
        may_undo=request.user.has_perm(services.UNDO_ATTEND_PERMISSION),
    )
    context.update(
        day=day,
        is_today=day == today,
        scope=scope,
        columns=columns,
        figures=day_figures(columns),
        here=_day_url(day, show=scope.key),
        previous_url=_day_url(day - dt.timedelta(days=1)),
        next_url=_day_url(day + dt.timedelta(days=1)),
        highlight=request.GET.get("highlight", ""),
        **({} if request.htmx else _choices()),
    )
    template = "admin/backoffice/day_board.html" if request.htmx else "admin/backoffice/day.html"
    return TemplateResponse(request, template, context)


ACTIONS = {
    "attend": gettext_lazy("Marked arrived"),
    "cancel": gettext_lazy("Cancelled"),
    "undo-attend": gettext_lazy("Arrival undone"),
}


def _run(action: str, appointment: Appointment, request) -> None:
    if action == "attend":
        services.appointment_attend(appointment=appointment)
    elif action == "cancel":
        services.appointment_cancel(appointment=appointment)
    else:
        # The reason comes from the form without JavaScript, from htmx's prompt with it.
        reason = request.POST.get("reason") or request.htmx.prompt or ""
        services.appointment_undo_attend(appointment=appointment, user=request.user, reason=reason)


def _next_url(request, appointment: Appointment) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return _day_url(timezone.localdate(appointment.starts_at))


def day_action(admin_site, request, pk: uuid.UUID, action: str):
    """POST /admin/day/<id>/<action>/: one action, then back to the day (PRG). GET shows the
    confirmation (cancel) or the reason form (undo an arrival) for browsers without JavaScript."""
    if action not in ACTIONS or not request.user.has_perm("appointments.change_appointment"):
        raise PermissionDenied
    if action == "undo-attend" and not request.user.has_perm(services.UNDO_ATTEND_PERMISSION):
        raise PermissionDenied
    appointment = get_object_or_404(Appointment.objects.select_related("patient"), pk=pk)
    next_url = _next_url(request, appointment)
    if request.method != "POST":
        if action == "attend":  # nothing to confirm
            return HttpResponseRedirect(next_url)
        context = {
            **admin_site.each_context(request),
            "title": gettext("Confirm"),
            "action": action,
            "appointment": appointment,
            "nhs_number": format_identifier(appointment.patient.nhs_number),
            "next": next_url,
        }
        return TemplateResponse(request, "admin/backoffice/day_confirm.html", context)
    who = _describe(appointment)
    try:
        _run(action, appointment, request)
    except (Conflict, ValidationError) as refusal:
        reason = refusal.message if isinstance(refusal, Conflict) else " ".join(refusal.messages)
        messages.error(request, f"{who}: {reason}")
    else:
        messages.success(request, f"{ACTIONS[action]}: {who}.")
    return HttpResponseRedirect(next_url)


def _describe(appointment: Appointment) -> str:
    starts = timezone.localtime(appointment.starts_at)
    return f"{appointment.patient.name}, {starts:%H:%M}"
