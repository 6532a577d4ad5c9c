"""Search results as a FHIR ``searchset`` Bundle, with a total and paging links.

Paging is by ``_count`` (20 by default, 100 at most, 0 for the total alone) and ``_offset``; a
page costs two queries, the count and the page, whatever its size.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from .errors import invalid

DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_OFFSET = 10**9


def base_url(request) -> str:
    """This server's FHIR base, absolute: ``http://host/fhir/R4/``."""
    return request.build_absolute_uri(reverse("fhir:base"))


def _number(query, name: str, maximum: int, default: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and int(raw) <= maximum):
        raise invalid(
            _("%(name)s must be a whole number from 0 to %(maximum)s.")
            % {"name": name, "maximum": maximum}
        )
    return int(raw)


def page_parameters(query) -> tuple[int, int]:
    """(count, offset) from ``_count`` and ``_offset``; a bad value is a 400, never ignored."""
    return (
        _number(query, "_count", MAX_COUNT, DEFAULT_COUNT),
        _number(query, "_offset", MAX_OFFSET, 0),
    )


def _page_url(request, count: int, offset: int) -> str:
    query = request.query_params.copy()
    query["_count"] = str(count)
    query["_offset"] = str(offset)
    return request.build_absolute_uri(request.path) + "?" + query.urlencode(safe="|:/,")


def _match(resource: dict) -> str:
    return "match"


def searchset(request, queryset, to_resource, search_mode=_match) -> dict:
    """The Bundle of one page of ``queryset``, each row turned into a resource;
    ``search_mode(resource)`` says whether it matched or was included beside the matches."""
    count, offset = page_parameters(request.query_params)
    total = queryset.count()
    rows = list(queryset[offset : offset + count]) if count and offset < total else []
    base = base_url(request)
    links = [{"relation": "self", "url": _page_url(request, count, offset)}]
    if count and offset + count < total:
        links.append({"relation": "next", "url": _page_url(request, count, offset + count)})
    if count and offset > 0:
        previous = max(0, min(offset, total) - count)
        links.append({"relation": "previous", "url": _page_url(request, count, previous)})
    bundle = {"resourceType": "Bundle", "type": "searchset", "total": total, "link": links}
    entries = []
    for row in rows:
        resource = to_resource(row)
        entries.append(
            {
                "fullUrl": f"{base}{resource['resourceType']}/{resource['id']}",
                "resource": resource,
                "search": {"mode": search_mode(resource)},
            }
        )
    if entries:
        bundle["entry"] = entries
    return bundle
