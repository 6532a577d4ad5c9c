"""Pagination for every list, in two kinds, 20 rows by default and 100 at most:

- ``?limit=`` and ``?offset=`` (the default), with the total ``count``;
- ``?cursor=`` (keyset): start with an empty ``cursor=`` and follow ``next``. A page costs the
  same however deep it is, where a large offset makes the database skip every row before it; it
  has no ``count``, which on a large table costs a scan.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import pagination
from rest_framework.exceptions import NotFound


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


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """Like DRF's, but a bad ``limit`` or ``offset`` is a 400 rather than silently ignored."""

    default_limit = 20
    max_limit = 100

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
        cursor_param = self.cursor_pagination.cursor_query_param
        if cursor_param in request.query_params:
            self.active = self.cursor_pagination
        return self.active.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return self.active.get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        response = self.offset_pagination.get_paginated_response_schema(schema)
        response["required"] = ["next", "previous", "results"]
        response["properties"]["count"]["description"] = "With limit/offset pages only."
        return response

    def get_schema_operation_parameters(self, view):
        return [
            *self.offset_pagination.get_schema_operation_parameters(view),
            *(
                parameter
                for parameter in self.cursor_pagination.get_schema_operation_parameters(view)
                if parameter["name"] == self.cursor_pagination.cursor_query_param
            ),
        ]
