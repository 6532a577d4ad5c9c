"""Middleware of PANDA's own."""

from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.http import JsonResponse
from django.utils.translation import gettext as _

from panda_project.api.errors import json_error, too_large_body


class RequestSizeLimitMiddleware:
    """Refuse an API request body over the limit with 413 before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            declared = request.META.get("CONTENT_LENGTH") or "0"
            try:
                length = int(declared)
            except ValueError:
                return json_error(
                    400, "bad_content_length", _("The Content-Length header is not a number.")
                )
            if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                return JsonResponse(too_large_body(), status=413)
        return self.get_response(request)


class BackOfficeMessageMiddleware(MessageMiddleware):
    """Django's messages (the back office's "saved" banners), left out of API requests: the JSON
    API never shows one, and setting up their storage cost every API request its time."""

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self.get_response(request)
        return super().__call__(request)
