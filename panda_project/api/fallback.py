"""What answers an /api/ URL that no route matches, so that it never reaches Django's HTML pages
(the debug 404 page that lists every URL pattern, or the 500 that APPEND_SLASH raises for a POST
without its trailing slash).

- A path that matches a route once a trailing slash is added is served by that route, as if the
  slash had been sent: ``POST /api/v1/patients`` registers a patient.
- Anything else is a 404 in the API's error shape, from its one exception handler.
"""

from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView


class UnknownEndpointView(APIView):
    """Every method of a URL the API does not have: 404, whoever asks."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = []
    schema = None

    def initial(self, request, *args, **kwargs):
        raise NotFound(_("The API has no such URL; GET /api/v1/ lists what it has."))


unknown_endpoint = UnknownEndpointView.as_view()


@csrf_exempt  # the route served decides: DRF's views check CSRF themselves, where they need it
def api_fallback(request, *args, **kwargs):
    path = request.path_info
    if not path.endswith("/"):
        try:
            match = resolve(path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_fallback:
            request.resolver_match = match
            return match.func(request, *match.args, **match.kwargs)
    return unknown_endpoint(request)
