"""Pagination for every list: ``?limit=`` and ``?offset=``, 20 by default, 100 at most."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import pagination


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    """Like DRF's, but a bad ``limit`` or ``offset`` is a 400 rather than silently ignored."""

    default_limit = 20
    max_limit = 100

    def _number(self, request, name: str, minimum: int, maximum: int, default: int) -> int:
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

    def get_limit(self, request):
        return self._number(request, self.limit_query_param, 1, self.max_limit, self.default_limit)

    def get_offset(self, request):
        return self._number(request, self.offset_query_param, 0, 10**9, 0)
