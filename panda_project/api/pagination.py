"""Pagination for every list, in two kinds, 20 rows by default and 100 at most:

- ``?limit=`` and ``?offset=`` (the default), with ``count``: the exact number of matching rows
  up to COUNT_LIMIT, ``null`` beyond (as GitLab's API leaves out its total over 10,000 rows and
  Elasticsearch counts hits exactly up to 10,000): counting every row of a large list costs a
  scan of it on every page. ``next`` says whether there is a further page, either way. A deep
  offset reads the keys of the rows it skips, not the rows (a deferred join);
- ``?cursor=`` (keyset): start with an empty ``cursor=`` and follow ``next``. A page costs the
  same however deep it is, where a large offset makes the database skip every row before it; it
  has no ``count``.
"""

from django.core.exceptions import ValidationError
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import pagination
from rest_framework.exceptions import NotFound
from rest_framework.utils.urls import replace_query_param

from panda_project.api.filters import refuse_unknown_parameters


def whole_number(request, name: str, minimum: int, maximum: int, default: int) -> int:
    """The query parameter ``name`` as a whole number in range, its default when absent, or a
    400 rather than silently ignored."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and minimum <= int(raw) <= maximum):
        message = _("Must be a whole number from %(minimum)s to %(maximum)s.")
        raise ValidationError(
            {
                name: ValidationError(
                    message % {"minimum": minimum, "maximum": maximum}, code="invalid"
                )
            }
        )
    return int(raw)


# Lists count their rows exactly up to this many; beyond, ``count`` is null.
COUNT_LIMIT = 10_000
# From this offset on, a page first reads the keys of the rows it skips, then fetches its own.
DEFERRED_JOIN_OFFSET = 1_000


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """Like DRF's, but a bad ``limit`` or ``offset`` is a 400 rather than silently ignored, and
    ``count`` is exact only up to COUNT_LIMIT (``null`` beyond)."""

    default_limit = 20
    max_limit = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        self.count = self.get_count(queryset)
        if self.count is not None:
            self.has_next = self.offset + self.limit < self.count
            if self.offset >= self.count:
                return []
            return self.rows(queryset, self.offset, self.offset + self.limit)
        # More rows than are counted: one row beyond the page tells whether there is a next.
        rows = self.rows(queryset, self.offset, self.offset + self.limit + 1)
        self.has_next = len(rows) > self.limit
        return rows[: self.limit]

    def get_count(self, queryset):
        """The number of rows, or None when there are more than COUNT_LIMIT."""
        # Unordered: the database may stop at any COUNT_LIMIT + 1 rows, without sorting.
        queryset = queryset.order_by()
        if not queryset.query.distinct:
            # A constant rather than any column: then an index that serves the filter answers
            # the count alone (an appointment's key is in none of its indexes, and reading the
            # table for it made counting the missed appointments twenty times slower).
            queryset = queryset.values(one=RawSQL("1", ()))
        count = queryset[: COUNT_LIMIT + 1].count()
        return count if count <= COUNT_LIMIT else None

    def rows(self, queryset, start: int, stop: int) -> list:
        """The rows from ``start`` to ``stop``. Deep down, skipping whole rows costs reading
        them: the keys are read first, from the narrowest index that has them in order, and
        only the page's rows are fetched."""
        if start < DEFERRED_JOIN_OFFSET:
            return list(queryset[start:stop])
        keys = list(queryset.values_list("pk", flat=True)[start:stop])
        key = queryset.model._meta.pk.attname  # rows may be model instances or named tuples
        found = {getattr(row, key): row for row in queryset.filter(pk__in=keys)}
        return [found[key] for key in keys if key in found]

    def get_next_link(self):
        if not self.has_next:
            return None
        url = replace_query_param(
            self.request.build_absolute_uri(), self.limit_query_param, self.limit
        )
        return replace_query_param(url, self.offset_query_param, self.offset + self.limit)

    def get_limit(self, request):
        return whole_number(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return whole_number(request, self.offset_query_param, 0, 10**9, 0)


class CursorPagination(pagination.CursorPagination):
    """DRF's keyset pagination, in the view's ordering (``?ordering=`` included), with the same
    ``limit`` rule; a cursor that cannot be read is a 400."""

    page_size = LimitOffsetPagination.default_limit
    max_page_size = LimitOffsetPagination.max_limit
    page_size_query_param = "limit"
    ordering = ("id",)
    cursor_query_description = gettext_lazy(
        "Keyset pagination, for deep paging: send an empty cursor= for the first page, then "
        "follow `next`. Pages of this kind have no `count`."
    )

    def get_page_size(self, request):
        return whole_number(
            request, self.page_size_query_param, 1, self.max_page_size, self.page_size
        )

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            message = _("This cursor is not valid: follow the next or previous link.")
            raise ValidationError(
                {self.cursor_query_param: ValidationError(message, code="invalid_cursor")}
            ) from None


class Pagination(pagination.BasePagination):
    """Limit/offset unless the request sends ``cursor``: both kinds are offered on every list,
    and the API schema describes both."""

    def __init__(self):
        self.offset_pagination = LimitOffsetPagination()
        self.cursor_pagination = CursorPagination()
        self.active = self.offset_pagination

    def paginate_queryset(self, queryset, request, view=None):
        # Every list is paginated, so every list's query string is checked here, once.
        own = (
            self.offset_pagination.limit_query_param,
            self.offset_pagination.offset_query_param,
            self.cursor_pagination.cursor_query_param,
        )
        refuse_unknown_parameters(request, view, own)
        cursor_param = self.cursor_pagination.cursor_query_param
        if cursor_param in request.query_params:
            self.active = self.cursor_pagination
        return self.active.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self.active.get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        response = self.offset_pagination.get_paginated_response_schema(schema)
        response["required"] = ["next", "previous", "results"]
        response["properties"]["count"] = {
            "type": "integer",
            "nullable": True,
            "example": 123,
            "description": (
                f"With limit/offset pages only: the exact number of matching rows when there "
                f"are at most {COUNT_LIMIT:,}, null when there are more (counting a large list "
                f"exactly costs a scan of it on every page). `next` is null on the last page "
                f"either way."
            ),
        }
        return response

    def get_schema_operation_parameters(self, view):
        offset_parameters = self.offset_pagination.get_schema_operation_parameters(view)
        bounds = {
            self.offset_pagination.limit_query_param: {
                "minimum": 1,
                "maximum": self.offset_pagination.max_limit,
                "default": self.offset_pagination.default_limit,
            },
            self.offset_pagination.offset_query_param: {"minimum": 0, "default": 0},
        }
        for parameter in offset_parameters:
            parameter["schema"] |= bounds.get(parameter["name"], {})
        return [
            *offset_parameters,
            *(
                parameter
                for parameter in self.cursor_pagination.get_schema_operation_parameters(view)
                if parameter["name"] == self.cursor_pagination.cursor_query_param
            ),
        ]
