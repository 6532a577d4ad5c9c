"""What PANDA's model admins share: saving and deleting through the services, CSV export, and
times shown in the clinic's zone."""

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connections, router, transaction
from django.http import HttpResponseBadRequest, HttpResponseRedirect, StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from panda_project.exceptions import Conflict


def local_time(value: dt.datetime | None) -> str:
    """ "Tue 4 Jun 2030 16:30 BST": the clinic's local time, with its zone."""
    if value is None:
        return "-"
    # Django's date format, not strftime: the day and month names follow the page's language.
    return date_format(timezone.localtime(value), "D j M Y H:i T")


def local_iso(value: dt.datetime | None) -> str:
    """ISO 8601 in the clinic's zone, with its offset: 2030-06-04T16:30:00+01:00."""
    return "" if value is None else timezone.localtime(value).isoformat(timespec="seconds")


_TIME_ZONES_KNOWN: dict[str, bool] = {}


def database_knows_time_zones(alias: str = "default") -> bool:
    """Whether the database can convert to the clinic's zone, which grouping by local date (the
    admin's date drill-down) needs. MariaDB and MySQL can only once their time zone tables are
    loaded (`mariadb-tzinfo-to-sql`, see docs/backoffice.md); the others always can."""
    if alias in _TIME_ZONES_KNOWN:
        return _TIME_ZONES_KNOWN[alias]
    connection = connections[alias]
    if connection.vendor != "mysql":
        return True
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT CONVERT_TZ('2000-01-01 00:00:00', 'UTC', %s)", [settings.TIME_ZONE]
            )
            _TIME_ZONES_KNOWN[alias] = cursor.fetchone()[0] is not None
    except DatabaseError:  # not reachable yet (a system check before the database is up)
        return True
    return _TIME_ZONES_KNOWN[alias]


class ReadOnlyAdminMixin:
    """An admin page that only shows: nothing is added, changed or deleted through it."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAdminMixin:
    """A ModelAdmin whose forms are ``ServiceModelForm``s and whose deletions go through
    ``delete_through_service``."""

    def save_model(self, request, obj, form, change):
        """Nothing to do: the form saved ``obj`` through its service while it validated."""

    def delete_through_service(self, obj) -> None:
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.delete_through_service(obj)

    def delete_view(self, request, object_id, extra_context=None):
        """A refused deletion (a Conflict, rolled back) is a message on the object's page."""
        try:
            return super().delete_view(request, object_id, extra_context)
        except Conflict as refusal:
            messages.error(request, refusal.message)
            opts = self.opts
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            return HttpResponseRedirect(url)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                self.delete_through_service(obj)
            except Conflict as refusal:
                messages.error(
                    request,
                    gettext("%(object)s was not deleted: %(reason)s")
                    % {"object": obj, "reason": refusal.message},
                )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if request.method == "POST" and response.status_code == 200:
                # The form page is shown again after a POST: something on it was refused. The
                # forms that did validate have already saved through their services, so undo
                # them: a refused page changes nothing. (The page renders after this block.)
                transaction.set_rollback(True)
        return response


_NUMBER = re.compile(r"[+-]?[0-9][0-9 ]*")


def csv_safe(value) -> str:
    """Text that a spreadsheet will not run as a formula (OWASP's CSV injection advice)."""
    text = "" if value is None else str(value)
    if _NUMBER.fullmatch(text):  # a phone number such as +447700900123 is data, not a formula
        return text
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


class CSVExportMixin:
    """Adds "Download CSV" to the changelist: the list as filtered, searched and sorted.

    ``csv_columns`` is a sequence of (heading, function of a row giving the cell's value).
    """

    change_list_template = "admin/csv_change_list.html"
    csv_columns: Iterable[tuple[str, Callable]] = ()
    csv_filename = "export.csv"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_export"
        export = path("export.csv", self.admin_site.admin_view(self.export_csv), name=name)
        return [export, *super().get_urls()]

    def export_csv(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(gettext("These filters are not valid."))
        rows = changelist.get_queryset(request).iterator(chunk_size=1000)
        writer = csv.writer(_Echo())

        def lines():
            yield writer.writerow([heading for heading, _ in self.csv_columns])
            for row in rows:
                yield writer.writerow([csv_safe(cell(row)) for _, cell in self.csv_columns])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}"'
        return response
